"""Sliding-log rate limits in Redis, exact across every API process and host.

One script decides each call atomically, on Redis's own clock (`TIME`): hosts whose clocks disagree
still share one window, and no host's timestamp is ever trusted. The log of a scope is a sorted set
of the admission times (microseconds) in its trailing window; a refused call writes nothing. The log
holds at most `calls` entries (20 for F0, 10 for S0).
"""

from __future__ import annotations

import dataclasses

from redis import Redis

from server.domain.rates import Rate
from server.store import keys

# Members are "seconds:microseconds:count", unique even for two calls in one microsecond (the count
# then differs). Lua's numbers are doubles: microseconds since 1970 (about 1.8e15) are exact below 2^53.
_ADMIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local calls = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local held = redis.call('ZCARD', KEYS[1])
if held < calls then
  redis.call('ZADD', KEYS[1], now, clock[1] .. ':' .. clock[2] .. ':' .. held)
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return {1, clock[1], clock[2], 0}
end
local leaving = redis.call('ZRANGE', KEYS[1], held - calls, held - calls, 'WITHSCORES')
return {0, clock[1], clock[2], tostring(tonumber(leaving[2]) + window - now)}
"""


@dataclasses.dataclass(frozen=True)
class Verdict:
    admitted: bool
    at_microseconds: int
    """Redis's time when the call was decided."""
    wait_microseconds: int
    """For a refused call, how long until the next one would be admitted (0 when admitted)."""


def admit(redis: Redis, scope: str, rate: Rate) -> Verdict:
    """Admit one call of `scope` under `rate`, or refuse it and say how long to wait."""
    admitted, seconds, micros, wait = redis.eval(_ADMIT, 1, keys.rate_log(scope), rate.calls,
                                                 rate.window_microseconds)
    return Verdict(bool(admitted), int(seconds) * 1_000_000 + int(micros), int(wait))
