"""Image download from a caller's URL, safe against server-side request forgery.

Each URL (the first and every redirect) is checked from scratch: http or https with a plain host,
the host resolved once, and every resolved address must be global unless the operator's allow-list
(`VISAGE_URL_ALLOWLIST`) names its network or the host. The connection then goes to that validated
address (no second lookup, so DNS rebinding cannot swap it) while the Host header, TLS SNI and the
certificate check use the URL's host name. One deadline bounds the whole fetch: when it passes, a
watchdog shuts the socket down so no blocked read (slow headers, a slow-drip body) outlives it.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import string
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit

import urllib3.exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import HTTPResponse

from server import defaults
from server.errors import InvalidImageSize, InvalidURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH = 2048
"""Longest image URL accepted: longer ones are not plain image links, and this keeps request lines
and logs small."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
"""Followed by hand, so that each new location passes the same checks as the first URL."""

CHUNK_BYTES = 64 * 1024
"""Body read size: small enough to stop close to the size cap and to check the deadline often."""

USER_AGENT = "Visage-ImageFetcher/1"

METADATA_HOSTS = frozenset({
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
})
"""Cloud instance-metadata names, refused by name too; their addresses (169.254.169.254, AWS's
fd00:ec2::254, Alibaba's 100.100.100.200, Oracle's 192.0.0.192) are all non-global anyway."""

NON_GLOBAL_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("100.64.0.0/10", "192.0.0.0/24", "64:ff9b:1::/48", "fec0::/10")
)
"""Not global, whatever the Python version says: carrier-grade NAT (RFC 6598, a provider's internal
hosts), IANA special-purpose blocks that older Pythons count as global, and IPv6 site-local."""

NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
"""IPv6 forms that carry an IPv4 address in their last 32 bits: the well-known NAT64 prefix and the
deprecated IPv4-compatible form. (Mapped, 6to4 and Teredo have ipaddress properties.)"""

Read = TypeVar("Read")

HOST_NAME = re.compile(r"[a-z0-9_.-]+")

REFUSED_ADDRESS = (
    "Invalid image URL: the host resolves to a loopback, private, link-local or reserved address, "
    "which Visage does not fetch from. An operator can allow it with VISAGE_URL_ALLOWLIST."
)
TIMED_OUT = "Invalid image URL or error downloading from target server: the download timed out."

REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (ssl.SSLCertVerificationError, "TLS certificate verification failed"),
    (ssl.SSLError, "TLS handshake failed"),
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset by the server"),
    (urllib3.exceptions.NewConnectionError, "could not connect"),
    ((http.client.HTTPException, urllib3.exceptions.ProtocolError), "malformed or incomplete response"),
)
"""Short reasons for the error message, most specific first; anything else is "connection failed"."""


@dataclass(frozen=True)
class Allowlist:
    networks: tuple[Network, ...] = ()
    names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # lower-case ASCII name or bare IP literal, no trailing dot
    port: int
    host_header: str
    path: str  # request target: path and query, percent-encoded ASCII


def parse_allowlist(entries: Sequence[str]) -> Allowlist:
    """CIDR networks and single IPs become networks; anything else is an exact host name."""
    networks: list[Network] = []
    names: set[str] = set()
    for entry in (e.strip().lower() for e in entries if e.strip()):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            if "/" in entry or ":" in entry:
                raise ValueError(f"VISAGE_URL_ALLOWLIST: {entry!r} is not a valid network") from None
            names.add(entry.rstrip("."))
    return Allowlist(tuple(networks), frozenset(names))


def is_public(ip: IPAddress) -> bool:
    """Whether an address is on the public internet, looking inside IPv6 forms that embed IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and any(ip in prefix for prefix in NAT64_PREFIXES):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and not is_public(inner):
            return False
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
        or ip.is_unspecified or any(ip in net for net in NON_GLOBAL_NETWORKS)
    )


def fetch_image(
    url: str,
    *,
    allowlist: Sequence[str] = (),
    max_bytes: int = defaults.MAX_IMAGE_BYTES,
    connect_timeout: float = defaults.FETCH_CONNECT_TIMEOUT,
    total_timeout: float = defaults.FETCH_TOTAL_TIMEOUT,
    max_redirects: int = defaults.FETCH_MAX_REDIRECTS,
) -> bytes:
    return _get(url, allowlist, connect_timeout, total_timeout, max_redirects,
                lambda response, deadline: _read_body(response, max_bytes, deadline))


@dataclass(frozen=True)
class Peek:
    head: bytes
    declared_length: int | None  # the Content-Length the server sent, if any


def peek_url(
    url: str,
    *,
    allowlist: Sequence[str] = (),
    head_bytes: int = 64,
    connect_timeout: float = defaults.FETCH_CONNECT_TIMEOUT,
    total_timeout: float = defaults.FETCH_TOTAL_TIMEOUT,
    max_redirects: int = defaults.FETCH_MAX_REDIRECTS,
) -> Peek:
    """The first `head_bytes` a URL serves and the length it declares, under the same rules as a
    fetch: whether the URL answers, and what it holds, before a worker downloads all of it."""
    return _get(url, allowlist, connect_timeout, total_timeout, max_redirects,
                lambda response, deadline: Peek(_read_head(response, head_bytes, deadline),
                                                _declared_length(response)))


def _get(url: str, allowlist: Sequence[str], connect_timeout: float, total_timeout: float, max_redirects: int,
         read: Callable[[HTTPResponse, _Deadline], Read]) -> Read:
    """GET `url` (following checked redirects) and `read` the answer of the last one."""
    rules = parse_allowlist(allowlist)
    deadline = _Deadline(total_timeout)
    try:
        for _ in range(max_redirects + 1):
            target = _parse_url(url)
            ips = _resolve_allowed(target, rules)
            with _remote_errors(deadline), _open(target, ips, deadline, connect_timeout) as response:
                location = response.headers.get("Location")
                if response.status in REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    continue
                if not 200 <= response.status < 300:
                    raise _remote_error(_status_text(response))
                return read(response, deadline)
        raise _remote_error("too many redirects")
    finally:
        deadline.close()


def _parse_url(url: object) -> _Target:
    """The parts of an http(s) URL with a plain host (no user info), or InvalidURL."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or any(c <= " " or c == "\x7f" for c in url):
        raise InvalidURL()
    try:
        parts = urlsplit(url)
        default_port = 443 if parts.scheme == "https" else 80
        port = default_port if parts.port is None else parts.port
        host = (parts.hostname or "").rstrip(".")
        bracketed = "[" in parts.netloc
        host = str(ipaddress.IPv6Address(host)) if bracketed else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise InvalidURL() from None
    if (
        parts.scheme not in ("http", "https") or "@" in parts.netloc or not 0 < port < 65536
        or not (bracketed or HOST_NAME.fullmatch(host)) or "%" in host
    ):
        raise InvalidURL()
    host_header = f"[{host}]" if bracketed else host
    if port != default_port:
        host_header += f":{port}"
    path = quote(parts.path or "/", safe=string.punctuation)
    if parts.query:
        path += "?" + quote(parts.query, safe=string.punctuation)
    return _Target(parts.scheme, host, port, host_header, path)


def _resolve_allowed(target: _Target, rules: Allowlist) -> list[str]:
    """Resolves the host once; its addresses, if every one passes the rules."""
    if target.host in METADATA_HOSTS and target.host not in rules.names:
        raise InvalidURL(REFUSED_ADDRESS)
    try:
        lookup = socket.inet_ntoa(socket.inet_aton(target.host))  # 2130706433, 0x7f.1, 127.1
    except OSError:
        lookup = target.host
    try:
        infos = socket.getaddrinfo(lookup, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise _remote_error("name does not resolve") from None
    ips = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not ips:
        raise _remote_error("name does not resolve")
    for ip in ips:
        if not (target.host in rules.names or is_public(ip) or any(ip in net for net in rules.networks)):
            raise InvalidURL(REFUSED_ADDRESS)
    return [str(ip) for ip in ips]


class _Deadline:
    """A hard limit on the whole fetch: when it passes, every socket it watches is shut down, which
    wakes any blocked read (a per-read timeout alone lets a server drip a byte at a time forever)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise InvalidURL(TIMED_OUT)
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:  # a duplicate of the descriptor still reaches the socket once TLS wraps it
            self._sockets.append(sock.dup())
        if self._fired:
            self._expire()

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


class _WatchedHTTPConnection(HTTPConnection):
    deadline: _Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)  # before any TLS handshake, so a slow handshake is bounded too
        return sock


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


def _connect(target: _Target, ip: str, deadline: _Deadline, connect_timeout: float) -> HTTPConnection:
    timeout = min(connect_timeout, deadline.remaining())
    conn: _WatchedHTTPConnection
    if target.scheme == "https":
        conn = _WatchedHTTPSConnection(ip, target.port, timeout=timeout, server_hostname=target.host,
                                       cert_reqs="CERT_REQUIRED")
    else:
        conn = _WatchedHTTPConnection(ip, target.port, timeout=timeout)
    conn.deadline = deadline
    try:
        conn.connect()
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def _open(
    target: _Target, ips: list[str], deadline: _Deadline, connect_timeout: float
) -> Iterator[HTTPResponse]:
    """GET from the first validated address that accepts a connection; yields after the headers."""
    for ip in ips[:-1]:
        with contextlib.suppress(urllib3.exceptions.NewConnectionError):
            conn = _connect(target, ip, deadline, connect_timeout)
            break
    else:
        conn = _connect(target, ips[-1], deadline, connect_timeout)
    try:
        conn.timeout = deadline.remaining()  # applied to the socket for reading the response
        headers = {"Host": target.host_header, "User-Agent": USER_AGENT, "Accept": "image/*, */*;q=0.8",
                   "Accept-Encoding": "identity", "Connection": "close"}
        conn.request("GET", target.path, headers=headers, preload_content=False, decode_content=False)
        response = conn.getresponse()
        try:
            yield response
        finally:
            response.close()
    finally:
        conn.close()


@contextlib.contextmanager
def _remote_errors(deadline: _Deadline) -> Iterator[None]:
    """Network, TLS and protocol failures as InvalidURL, with a short reason."""
    try:
        yield
    except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError) as exc:
        chain = _chain(exc)
        if deadline.expired or any(isinstance(e, TimeoutError) for e in chain) or (
            isinstance(exc, urllib3.exceptions.TimeoutError)
            and not isinstance(exc, urllib3.exceptions.NewConnectionError)
        ):
            raise InvalidURL(TIMED_OUT) from exc
        raise _remote_error(_reason(chain)) from exc


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _reason(chain: list[BaseException]) -> str:
    matches = (text for kind, text in REASONS if any(isinstance(e, kind) for e in chain))
    return next(matches, "connection failed")


def _declared_length(response: HTTPResponse) -> int | None:
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


def _read_body(response: HTTPResponse, max_bytes: int, deadline: _Deadline) -> bytes:
    """The raw body (no content decoding), refused once larger than max_bytes."""
    declared = _declared_length(response)
    if declared is not None and declared > max_bytes:
        raise InvalidImageSize("Image size is too big.")
    body = bytearray()
    while True:
        deadline.remaining()
        chunk = response.read1(min(CHUNK_BYTES, max_bytes + 1 - len(body)))
        if not chunk:
            break
        body += chunk
        if len(body) > max_bytes:
            raise InvalidImageSize("Image size is too big.")
    deadline.remaining()  # a watchdog shutdown looks like the end of a body without a length
    return bytes(body)


def _read_head(response: HTTPResponse, size: int, deadline: _Deadline) -> bytes:
    head = bytearray()
    while len(head) < size:
        deadline.remaining()
        chunk = response.read1(size - len(head))
        if not chunk:
            break
        head += chunk
    return bytes(head)


def _status_text(response: HTTPResponse) -> str:
    try:
        return f"{response.status} {http.HTTPStatus(response.status).phrase}"
    except ValueError:
        return str(response.status)


def _remote_error(reason: str) -> InvalidURL:
    return InvalidURL(
        "Invalid image URL or error downloading from target server. "
        f'Remote server error returned: "{reason}"'
    )
