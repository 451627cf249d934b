"""The outbox: emails Visage would have sent, newest first, for the operator to read."""

from __future__ import annotations

from redis import Redis

from server.domain.emails import Email
from server.store import keys

OUTBOX_LIMIT = 10_000
"""Emails kept; older ones fall off. Enough for a team's whole trial, small enough to read in one call."""


class Outbox:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def send(self, email: Email) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(keys.outbox(), email.to_json())
            pipe.ltrim(keys.outbox(), 0, OUTBOX_LIMIT - 1)
            pipe.execute()

    def newest(self, limit: int = OUTBOX_LIMIT) -> list[Email]:
        return [Email.from_json(raw) for raw in self.redis.lrange(keys.outbox(), 0, limit - 1)]
