"""Injected faults in Redis: every API process and host sees the same list, and a fault with a
count hits exactly that many calls, however many processes race for it."""

from __future__ import annotations

from redis import Redis

from server.domain.faults import Fault
from server.store import keys
from server.store.codec import text

# HINCRBY on a field a racing call already deleted makes it -1: that call lost the race.
_TAKE_HIT = """
local left = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if left <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if left < 0 then return 0 end
return 1
"""

# The place in the order is one more than the last one's (1 for the first), decided in Redis.
_ADD = """
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
redis.call('ZADD', KEYS[3], (tonumber(last[2]) or 0) + 1, ARGV[1])
return 1
"""


class FaultListFull(Exception):
    pass


class FaultStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def add(self, fault: Fault, *, max_faults: int) -> None:
        count = "" if fault.count is None else str(fault.count)
        if not self.redis.eval(_ADD, 3, keys.faults(), keys.fault_hits_left(), keys.fault_order(), fault.fault_id,
                               fault.to_json(), count, max_faults):
            raise FaultListFull()

    def list(self) -> list[Fault]:
        """Every fault, in the order they were added, with the hits it has left."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(keys.faults())
            pipe.hgetall(keys.fault_hits_left())
            pipe.zrange(keys.fault_order(), 0, -1, withscores=True)
            definitions, hits_left, order = pipe.execute()
        left = {str(text(fault_id)): int(count) for fault_id, count in hits_left.items()}
        place = {str(text(fault_id)): score for fault_id, score in order}
        faults = [Fault.from_json(str(text(fault_id)), raw, remaining=left.get(str(text(fault_id)), 0))
                  for fault_id, raw in definitions.items()]
        # a fault added before the order was kept has no place: it was added before every one that has
        return sorted(faults, key=lambda fault: (place.get(fault.fault_id, 0), fault.created_at, fault.fault_id))

    def delete(self, fault_id: str) -> bool:
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(keys.faults(), fault_id)
            pipe.hdel(keys.fault_hits_left(), fault_id)
            pipe.zrem(keys.fault_order(), fault_id)
            deleted, _, _ = pipe.execute()
        return bool(deleted)

    def take_hit(self, fault: Fault) -> bool:
        """Whether this call may be hit by `fault`: always for one without a count; for one with a
        count, only while hits are left (the last hit removes it)."""
        if fault.count is None:
            return True
        return bool(self.redis.eval(_TAKE_HIT, 3, keys.faults(), keys.fault_hits_left(), keys.fault_order(),
                                    fault.fault_id))
