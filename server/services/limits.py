"""Rate limits: count a call against a rate and refuse it beyond."""

from __future__ import annotations

from redis import Redis

from server.domain.rates import Rate, retry_after_seconds
from server.errors import RateLimited
from server.store import ratelimit


def take(redis: Redis, scope: str, rate: tuple[int, int] | None, *, who: str | None = None) -> None:
    """Count one call against `rate` (calls, seconds) for `scope`; 429 with Retry-After beyond it."""
    if rate is None:
        return
    verdict = ratelimit.admit(redis, scope, Rate(*rate))
    if not verdict.admitted:
        retry_after = retry_after_seconds(verdict.wait_microseconds)
        message = f"Too many requests from {who}. Try again in {retry_after} seconds." if who else None
        raise RateLimited(retry_after, message)
