"""Redis URLs: Sentinel URLs parsed into what redis-py's Sentinel needs, passwords never printed."""

from __future__ import annotations

import pytest
from redis.sentinel import SentinelConnectionPool

from server.redis_connection import (
    RedisUrlError,
    SentinelTarget,
    connect,
    is_sentinel_url,
    parse_sentinel_url,
    redacted,
)


def test_a_sentinel_url_names_the_sentinels_the_primary_and_the_database() -> None:
    target = parse_sentinel_url("redis+sentinel://:s3cret@10.0.0.1:26380,sentinel-b,[::1]:26381/visage/3"
                                "?sentinel_password=sp")
    assert target == SentinelTarget(
        sentinels=(("10.0.0.1", 26380), ("sentinel-b", 26379), ("::1", 26381)),
        service_name="visage", db=3, username=None, password="s3cret", sentinel_password="sp")


def test_the_database_defaults_to_zero_and_a_username_is_kept() -> None:
    target = parse_sentinel_url("redis+sentinel://app:pw@h1/mymaster")
    assert (target.db, target.username, target.password, target.sentinels) == (0, "app", "pw", (("h1", 26379),))


@pytest.mark.parametrize("url", [
    "redis+sentinel://h1:26379",
    "redis+sentinel://h1:26379/",
    "redis+sentinel://h1:26379/name/db0",
    "redis+sentinel://h1:26379/name/0/extra",
    "redis+sentinel:///name",
    "redis+sentinel://h1:port/name",
    "redis+sentinel://h1:\u00b2/name",  # a digit to str.isdigit(), not to int()
    "redis+sentinel://h1/name/\u00b2",
    "redis+sentinel://h1/name?timeout=3",
    "redis://h1/0",
])
def test_malformed_sentinel_urls_are_refused_with_the_reason(url: str) -> None:
    with pytest.raises(RedisUrlError):
        parse_sentinel_url(url)


def test_which_urls_are_sentinel_urls() -> None:
    assert is_sentinel_url("redis+sentinel://h/x") and is_sentinel_url("REDIS+SENTINEL://h/x")
    assert not is_sentinel_url("redis://h:6379/0") and not is_sentinel_url("")


def test_connect_makes_a_sentinel_managed_client_without_contacting_anything() -> None:
    client = connect("redis+sentinel://127.0.0.1:1,127.0.0.1:2/visage/4")
    pool = client.connection_pool
    assert isinstance(pool, SentinelConnectionPool)
    assert pool.service_name == "visage" and pool.connection_kwargs["db"] == 4
    assert [(s.connection_pool.connection_kwargs["host"], s.connection_pool.connection_kwargs["port"])
            for s in pool.sentinel_manager.sentinels] == [("127.0.0.1", 1), ("127.0.0.1", 2)]


def test_connect_keeps_plain_urls_to_redis_py() -> None:
    kwargs = connect("redis://:pw@example.invalid:6390/5").connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("example.invalid", 6390, 5, "pw")


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://:pw@h:6379/0", "redis://***@h:6379/0"),
    ("redis://user:pw@h:6379/0", "redis://user:***@h:6379/0"),
    ("redis+sentinel://:pw@a:1,b:2/m/0?sentinel_password=x", "redis+sentinel://***@a:1,b:2/m/0?sentinel_password=***"),
    ("redis://h:6379/0", "redis://h:6379/0"),
])
def test_printed_urls_hide_every_password(url: str, shown: str) -> None:
    assert redacted(url) == shown


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/notanumber", "redis://127.0.0.1:6379/5x",
                                 "rediss://:secret@example.invalid/²"])
def test_a_database_that_is_not_a_number_is_refused_not_read_as_database_0(url: str) -> None:
    with pytest.raises(RedisUrlError, match="the database must be a number") as refused:
        connect(url)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(("url", "db"), [("redis://127.0.0.1:6379", 0), ("redis://127.0.0.1:6379/", 0),
                                         ("redis://127.0.0.1:6379/5", 5), ("unix:///tmp/redis.sock?db=3", 3)])
def test_a_numbered_or_absent_database_is_kept(url: str, db: int) -> None:
    assert connect(url).connection_pool.connection_kwargs.get("db", 0) == db
