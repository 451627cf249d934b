"""The facts behind the signals, on Redis's own clock: faces per window, claimed times, recent frames.

Every script reads the time with TIME inside Redis, so neither the caller nor a host whose clock is
wrong chooses it, and each records and reads in one atomic step across API processes.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis import Redis

from server.store.codec import text

_COUNT_FACES = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local retention, window, record = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local counts = {now}
for i, key in ipairs(KEYS) do
  local since = now - window
  local count
  if record then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - retention)
    for j = 4, #ARGV do redis.call('ZADD', key, now, ARGV[j]) end
    redis.call('PEXPIRE', key, retention)
    count = redis.call('ZCOUNT', key, '(' .. since, '+inf')
  else
    count = redis.call('ZCOUNT', key, '(' .. since, '+inf')
    for j = 4, #ARGV do
      local seen = redis.call('ZSCORE', key, ARGV[j])
      if not seen or tonumber(seen) <= since then count = count + 1 end
    end
  end
  counts[i + 1] = count
end
return counts
"""

_REMEMBER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('LPUSH', KEYS[1], now .. '|' .. ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('LRANGE', KEYS[1], 0, -1)
"""


def count_faces(redis: Redis, scope_keys: Sequence[str], faces: Sequence[str], *, window_ms: int,
                retention_ms: int, record: bool) -> list[int]:
    """Distinct faces each scope handled in the window ending now (Redis's now), these included.

    Recording adds `faces` (a face seen again is counted once, at its latest time); without
    recording (the dry run) nothing changes and the count says what recording would give."""
    answer = redis.eval(_COUNT_FACES, len(scope_keys), *scope_keys, retention_ms, window_ms, "1" if record else "0",
                        *faces)
    return [int(count) for count in answer[1:]]


def remember(redis: Redis, key: str, value: str, *, keep: int, ttl_ms: int) -> list[tuple[int, str]]:
    """Push `value` stamped with Redis's time onto a short list; the list, newest first, as (ms, value)."""
    entries = [str(text(raw)) for raw in redis.eval(_REMEMBER, 1, key, value, keep, ttl_ms)]
    return [(int(stamp), rest) for stamp, _, rest in (entry.partition("|") for entry in entries)]
