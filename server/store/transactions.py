"""Optimistic transactions: redis-py's `Redis.transaction`, typed with the value the change returns;
and writes that only touch a record that still exists."""

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


_UPDATE_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
  return 1
end
return 0
"""


def update_if_present(redis: Redis, key: str, record: dict[str, str]) -> bool:
    """Set these fields of a hash only if it still exists (a job deleted while a worker runs it is not
    brought back by the worker's next write); whether it did."""
    flat = [item for pair in record.items() for item in pair]
    return bool(redis.eval(_UPDATE_IF_PRESENT, 1, key, *flat))
