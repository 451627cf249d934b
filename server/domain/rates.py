"""Rates: how many calls a window of seconds admits, and what a refused caller is told.

The admission rule is a sliding log: a call is admitted when fewer than `calls` calls were admitted
in the trailing `seconds` (a refused call is not counted), so no window of that length, wherever it
starts, ever holds more than `calls` admitted calls. `server/store/ratelimit.py` evaluates it in one
script on Redis's clock; the functions here are its arithmetic, testable without Redis.
"""

from __future__ import annotations

import dataclasses
import ipaddress

MICROSECONDS = 1_000_000


@dataclasses.dataclass(frozen=True)
class Rate:
    calls: int
    seconds: int

    def __post_init__(self) -> None:
        if self.calls < 1 or self.seconds < 1:
            raise ValueError(f"a rate needs positive calls and seconds, not {self.calls}/{self.seconds}")

    @property
    def window_microseconds(self) -> int:
        return self.seconds * MICROSECONDS


def parse_rate(text: str) -> Rate:
    """`calls/seconds`, e.g. `20/60`; `calls` alone means per second."""
    calls, _, seconds = text.strip().partition("/")
    try:
        return Rate(int(calls), int(seconds or "1"))
    except ValueError:
        raise ValueError(f"a rate is calls/seconds with positive whole numbers, like 20/60, not {text!r}") from None


def retry_after_seconds(wait_microseconds: int) -> int:
    """Whole seconds a refused caller must wait, rounded up (never 0), so that waiting that long is enough."""
    return max(1, -(-wait_microseconds // MICROSECONDS))


def admitted_within(times_microseconds: list[int], rate: Rate) -> int:
    """The most admissions any window of the rate's length holds, for checking a run of admission
    times (on one clock) against the rule: it must never exceed `rate.calls`."""
    ordered = sorted(times_microseconds)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= rate.window_microseconds:
            start += 1
        most = max(most, end - start + 1)
    return most


IPV6_CLIENT_PREFIX = 64
"""One IPv6 client is a /64: the least a provider hands a subscriber, whose devices pick any of its 2^64
addresses at will (privacy addresses), so counting each address alone would not limit anyone."""


def client_of(address: str) -> str:
    """Who per-address limits count a caller as: its IPv4 address (an IPv4-mapped IPv6 address too),
    or its IPv6 /64 network; anything that is not an address, as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)
