"""One way to open a Redis connection from a URL, for the API, the workers and the tools.

Besides redis-py's own URLs (`redis://`, `rediss://`, `unix://`), Visage takes Redis Sentinel URLs:

    redis+sentinel://[[username]:password@]host[:port][,host[:port]...]/service_name[/db][?sentinel_password=...]

The hosts are the sentinels (port 26379 when left out), `service_name` the monitored primary's name,
`db` the database (0 when left out). The username and password are the primary's; sentinels that
require a password of their own get it from `sentinel_password` (and `sentinel_username`). Clients
ask the sentinels for the current primary on every new connection, so a failover is followed.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from redis import Redis
from redis.backoff import EqualJitterBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

SENTINEL_SCHEME = "redis+sentinel"
DEFAULT_SENTINEL_PORT = 26379

SOCKET_TIMEOUT_SECONDS = 10
"""A command that gets no answer within this long fails (RQ raises it for its blocking dequeue)."""

CONNECT_TIMEOUT_SECONDS = 5
HEALTH_CHECK_INTERVAL_SECONDS = 30
"""An idle pooled connection is checked with PING before reuse after this long."""

RETRIES = 8
RETRY_BASE_SECONDS = 0.1
RETRY_CAP_SECONDS = 2.0
"""A command that meets a connection error is tried again up to 8 times, 0.2 s to 2 s apart (with jitter):
5 to 11 seconds in all, which rides out a restarted Redis or a Sentinel failover (about 2 s after the
primary is found down) instead of failing the client's call. redis-py retries nothing unless told. A
command whose reply was lost with its connection may run twice: at-least-once, as RQ's jobs are."""


class RedisUrlError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class SentinelTarget:
    sentinels: tuple[tuple[str, int], ...]
    service_name: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_username: str | None = None
    sentinel_password: str | None = None


def is_sentinel_url(url: str) -> bool:
    return url.partition("://")[0].lower() == SENTINEL_SCHEME


def parse_sentinel_url(url: str) -> SentinelTarget:
    parts = urlsplit(url)
    if parts.scheme.lower() != SENTINEL_SCHEME:
        raise RedisUrlError(f"not a {SENTINEL_SCHEME}:// URL: {redacted(url)}")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    sentinels = tuple(_host_port(item, url) for item in hosts.split(",") if item)
    if not sentinels:
        raise RedisUrlError(f"no sentinel host in {redacted(url)}")
    path = [segment for segment in parts.path.split("/") if segment]
    if not path or len(path) > 2:
        raise RedisUrlError(f"expected /service_name[/db] after the sentinels in {redacted(url)}")
    if len(path) == 2 and not (path[1].isascii() and path[1].isdigit()):
        raise RedisUrlError(f"the database must be a number in {redacted(url)}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if unknown := sorted(set(query) - {"sentinel_password", "sentinel_username"}):
        raise RedisUrlError(f"unknown parameters {unknown} in {redacted(url)}")
    return SentinelTarget(
        sentinels=sentinels,
        service_name=unquote(path[0]),
        db=int(path[1]) if len(path) == 2 else 0,
        username=unquote(username) or None,
        password=unquote(password) or None,
        sentinel_username=query.get("sentinel_username"),
        sentinel_password=query.get("sentinel_password"),
    )


def connect(url: str, *, retries: int = RETRIES) -> Redis:
    """A client for the Redis the URL names; for a Sentinel URL, a client of the current primary.
    `retries=0` for a caller that must answer at once, such as a health check."""
    options = {
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "health_check_interval": HEALTH_CHECK_INTERVAL_SECONDS,
        "retry": Retry(EqualJitterBackoff(cap=RETRY_CAP_SECONDS, base=RETRY_BASE_SECONDS), retries),
    }
    if not is_sentinel_url(url):
        _check_database(url)
        return Redis.from_url(url, **options)
    target = parse_sentinel_url(url)
    sentinel_auth = {key: value for key, value in (("username", target.sentinel_username),
                                                   ("password", target.sentinel_password)) if value}
    sentinel = Sentinel(list(target.sentinels), sentinel_kwargs={
        "socket_timeout": CONNECT_TIMEOUT_SECONDS, "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS, **sentinel_auth})
    client: Redis = sentinel.master_for(target.service_name, db=target.db, username=target.username,
                                        password=target.password, **options)
    return client


def _check_database(url: str) -> None:
    """redis-py reads a database path that is not a number (`/notanumber`, `/5x`) as database 0, without a
    word: a tool would then report on another database than the one named."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("redis", "rediss"):
        return
    database = parts.path.strip("/")
    if database and not (database.isascii() and database.isdigit()):
        raise RedisUrlError(f"the database must be a number, not {database!r}, in {redacted(url)}")


def redacted(url: str) -> str:
    """The URL with its passwords (userinfo and `*password` parameters) hidden, for printing."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        username = userinfo.partition(":")[0]
        netloc = f"{username}:***@{hosts}" if username else f"***@{hosts}"
    query = "&".join(
        f"{key}=***" if "password" in key.lower() else f"{key}={value}"
        for key, _, value in (pair.partition("=") for pair in parts.query.split("&") if pair))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _host_port(item: str, url: str) -> tuple[str, int]:
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = item.partition(":")
    if not host or (port_text and not (port_text.isascii() and port_text.isdigit())):
        raise RedisUrlError(f"bad sentinel address {item!r} in {redacted(url)}")
    return host, int(port_text) if port_text else DEFAULT_SENTINEL_PORT
