"""Fixed-window rate limits in Redis, shared by every API process."""

from __future__ import annotations

import math
import time

from redis import Redis

from server.store import keys


def hit(redis: Redis, scope: str, limit: int, window_seconds: int) -> int | None:
    """Count one call; None when allowed, else the seconds until the window resets."""
    now = time.time()
    window_start = int(now // window_seconds) * window_seconds
    key = keys.rate_window(scope, window_start)
    with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_seconds + 1)
        count, _ = pipe.execute()
    if int(count) <= limit:
        return None
    return max(1, math.ceil(window_start + window_seconds - now))
