"""The rate rule's arithmetic: parsing, Retry-After rounding, and the window check tests use."""

from __future__ import annotations

import pytest

from server.config import parse_proxy_hops, parse_rate_limits
from server.domain.rates import Rate, admitted_within, client_of, parse_rate, retry_after_seconds


def test_a_rate_is_calls_per_seconds() -> None:
    assert parse_rate("20/60") == Rate(20, 60)
    assert parse_rate(" 10 ") == Rate(10, 1)


@pytest.mark.parametrize("text", ["0/60", "20/0", "-1/5", "twenty/60", "20/a minute", ""])
def test_a_rate_that_admits_nothing_or_is_not_numbers_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(text)


def test_per_sku_limits_keep_their_syntax_and_defaults() -> None:
    assert parse_rate_limits("F0=5/60") == {"F0": (5, 60), "S0": (10, 1)}
    assert parse_rate_limits("s0=100/1,F0=30/60") == {"F0": (30, 60), "S0": (100, 1)}
    assert parse_rate_limits("off") is None


@pytest.mark.parametrize(("wait", "seconds"), [
    (1, 1), (999_999, 1), (1_000_000, 1), (1_000_001, 2), (59_000_001, 60), (60_000_000, 60), (0, 1),
])
def test_retry_after_is_whole_seconds_rounded_up_and_never_zero(wait: int, seconds: int) -> None:
    assert retry_after_seconds(wait) == seconds


def test_the_window_check_counts_the_fullest_window_of_the_rates_length() -> None:
    rate = Rate(3, 1)
    second = 1_000_000
    assert admitted_within([0, 1, 2], rate) == 3
    # three just before a calendar second and three just after: six in 2 ms, whatever the calendar says
    assert admitted_within([second - 3, second - 2, second - 1, second, second + 1, second + 2], rate) == 6
    # an admission exactly one window after another is in the next window
    assert admitted_within([0, second, 2 * second], rate) == 1


@pytest.mark.parametrize(("text", "hops"), [("", 0), ("0", 0), ("1", 1), ("true", 1), ("yes", 1), ("2", 2)])
def test_trust_proxy_is_a_number_of_hops(text: str, hops: int) -> None:
    assert parse_proxy_hops(text) == hops


@pytest.mark.parametrize("text", ["-1", "leftmost", "1.5", "\u00b2", "\u0661"])
def test_trust_proxy_refuses_what_is_not_a_count(text: str) -> None:
    with pytest.raises(ValueError):
        parse_proxy_hops(text)


@pytest.mark.parametrize(("address", "client"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # the same subscriber's privacy address
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("unknown", "unknown"),
])
def test_per_address_limits_count_an_ipv4_address_or_an_ipv6_64(address: str, client: str) -> None:
    assert client_of(address) == client
