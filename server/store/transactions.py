"""Optimistic transactions: redis-py's `Redis.transaction`, typed with the value the change returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from redis import Redis
from redis.client import Pipeline

T = TypeVar("T")


def transaction(redis: Redis, change: Callable[[Pipeline], T], *watched: str) -> T:
    """Run `change` with `watched` keys watched: it reads, calls `pipe.multi()` and queues its writes.
    When another client changes a watched key before EXEC, redis-py runs it again. Its return value."""
    run: Callable[[Pipeline], Any] = change
    return cast(T, redis.transaction(run, *watched, value_from_callable=True))
