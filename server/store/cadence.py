"""A tenant's recent recognition calls, counted atomically across API processes.

Counting and recording a call happen in one script, so concurrent calls cannot all see a count
below the threshold and all pass (the count is the live-stream test of the terms of use).
"""

from __future__ import annotations

import uuid

from redis import Redis

from server.store import keys

_RECORD_AND_COUNT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])
"""


def record_and_count(redis: Redis, tenant_id: str, at_ms: int, window_ms: int) -> int:
    """Record a call at `at_ms` and answer how many the window ending then holds, this one included."""
    member = f"{at_ms}:{uuid.uuid4().hex}"
    return int(redis.eval(_RECORD_AND_COUNT, 1, keys.recognition_cadence(tenant_id), at_ms, at_ms - window_ms,
                          member, window_ms))


def count(redis: Redis, tenant_id: str, at_ms: int, window_ms: int) -> int:
    """Calls in the window ending at `at_ms`, recording nothing (the dry run)."""
    return int(redis.zcount(keys.recognition_cadence(tenant_id), f"({at_ms - window_ms}", at_ms))
