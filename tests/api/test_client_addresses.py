"""Client addresses behind proxies: the X-Forwarded-For entry the outermost trusted proxy wrote
decides, never one a client wrote; with no proxy configured the header decides nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from tests.conftest import TEST_REDIS_URL
from tests.support.tenants import ADMIN_TOKEN, signup_form

SIGNUPS_PER_ADDRESS = 2

MakeClient = Callable[[int], FlaskClient]


@pytest.fixture
def behind_proxies(redis_db: Redis) -> MakeClient:
    def make(hops: int) -> FlaskClient:
        from server import create_app

        app: Flask = create_app({"TESTING": True, "REDIS_URL": TEST_REDIS_URL, "ADMIN_TOKEN": ADMIN_TOKEN,
                                 "RATE_LIMITS": None, "SIGNUP_RATE_LIMIT": (SIGNUPS_PER_ADDRESS, 3600),
                                 "TRUST_PROXY": hops})
        return app.test_client()

    return make


def sign_up(client: FlaskClient, forwarded_for: str | None, *, peer: str = "10.0.0.2") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return client.post("/signup", json=signup_form(), headers=headers,
                       environ_base={"REMOTE_ADDR": peer}).status_code


def test_forged_leftmost_entries_do_not_escape_the_limit_behind_one_proxy(behind_proxies: MakeClient) -> None:
    client = behind_proxies(1)
    # the proxy appends the address it saw (203.0.113.7); the client wrote whatever it liked before it
    forged = [sign_up(client, f"198.51.100.{n}, 203.0.113.7") for n in range(SIGNUPS_PER_ADDRESS + 2)]
    assert forged == [201] * SIGNUPS_PER_ADDRESS + [429, 429]
    assert sign_up(client, "203.0.113.8") == 201  # another client behind the same proxy has its own budget


def test_two_proxies_take_the_entry_the_outer_one_wrote(behind_proxies: MakeClient) -> None:
    client = behind_proxies(2)
    # client -> outer proxy (appends 203.0.113.7) -> inner proxy (appends 10.1.1.1) -> Visage
    answers = [sign_up(client, f"192.0.2.{n}, 203.0.113.7, 10.1.1.{n}") for n in range(SIGNUPS_PER_ADDRESS + 1)]
    assert answers == [201] * SIGNUPS_PER_ADDRESS + [429]
    assert sign_up(client, "192.0.2.1, 203.0.113.9, 10.1.1.1") == 201


def test_without_a_proxy_the_header_decides_nothing(behind_proxies: MakeClient) -> None:
    client = behind_proxies(0)
    answers = [sign_up(client, f"198.51.100.{n}") for n in range(SIGNUPS_PER_ADDRESS + 1)]
    assert answers == [201] * SIGNUPS_PER_ADDRESS + [429]
    assert sign_up(client, None, peer="10.0.0.3") == 201  # the socket peer is the address


def test_fewer_entries_than_proxies_fall_back_to_the_peer(behind_proxies: MakeClient) -> None:
    client = behind_proxies(2)
    # only one entry although two proxies are configured: werkzeug trusts none of it
    answers = [sign_up(client, f"198.51.100.{n}") for n in range(SIGNUPS_PER_ADDRESS + 1)]
    assert answers == [201] * SIGNUPS_PER_ADDRESS + [429]


def test_an_ipv6_subscriber_is_one_client_whichever_address_of_its_64_it_calls_from(
        behind_proxies: MakeClient) -> None:
    client = behind_proxies(0)
    answers = [sign_up(client, None, peer=f"2001:db8:7:1:{n:x}::{n + 1:x}") for n in range(SIGNUPS_PER_ADDRESS + 1)]
    assert answers == [201] * SIGNUPS_PER_ADDRESS + [429]
    assert sign_up(client, None, peer="2001:db8:7:2::1") == 201  # the next /64 is another subscriber
