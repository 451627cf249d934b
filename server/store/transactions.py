"""Optimistic transactions: redis-py's `Redis.transaction`, typed with the value the change returns;
writes that only touch a record that still exists; and merges into a JSON record that keep what
another writer changed meanwhile."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from redis import Redis
from redis.client import Pipeline

from server.store.codec import text

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


# KEYS: the hash of records, then keys that must exist (the collection); ARGV: the record's field, the
# record as it was read, the record to write.
_SET_FIELD_IF_UNCHANGED = """
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then return 'no-collection' end
end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'missing' end
if current ~= ARGV[2] then return 'changed' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 'ok'
"""


def merge_into_record(redis: Redis, records: str, field: str, changes: Mapping[str, object], *,
                      within: str | None = None) -> str:
    """Set some fields of a JSON record kept in a hash field and keep the others as they are now: the
    merge is written only if the record is still the one it was made from, else made again, so two
    updates of different fields both stay. 'ok', 'missing' (no such record) or 'no-collection' (the
    key `within` is gone)."""
    keys_ = [records, *([within] if within is not None else [])]
    while True:
        current = redis.hget(records, field)
        merged = "" if current is None else json.dumps({**json.loads(current), **changes})
        outcome = str(text(redis.eval(_SET_FIELD_IF_UNCHANGED, len(keys_), *keys_, field, current or "", merged)))
        if outcome != "changed":
            return outcome
