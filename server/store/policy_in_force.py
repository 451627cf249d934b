"""The newest terms-of-use version ever in force, kept in Redis as a high-water mark.

Raising it compares effective times inside one script, so concurrent API processes (some perhaps
with a clock set backwards) can only move it forward.
"""

from __future__ import annotations

from redis import Redis

from server.domain.terms import PolicyDocument
from server.store import keys
from server.store.codec import text

_RAISE = """
local current = redis.call('HGET', KEYS[1], 'effective_ms')
if not current or tonumber(current) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'version', ARGV[1], 'effective_ms', ARGV[2])
end
return redis.call('HGET', KEYS[1], 'version')
"""


def raise_high_water(redis: Redis, document: PolicyDocument) -> str:
    """Record that `document` is in force by the clock; the newest version ever recorded."""
    effective_ms = int(document.effective.timestamp() * 1000)
    return str(text(redis.eval(_RAISE, 1, keys.policy_in_force(), document.version, effective_ms)))


def high_water(redis: Redis) -> str | None:
    """The newest version ever recorded in force, recording nothing (the dry run)."""
    return text(redis.hget(keys.policy_in_force(), "version"))
