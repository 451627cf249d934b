"""Email verification tokens: stored as hashes, each redeemable once, expiring with the link."""

from __future__ import annotations

from datetime import timedelta

from redis import Redis

from server.domain.credentials import hash_secret
from server.store import keys
from server.store.codec import text


class VerificationLinks:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def issue(self, token: str, tenant_id: str, lifetime: timedelta) -> None:
        self.redis.set(keys.email_verification(hash_secret(token)), tenant_id, ex=lifetime)

    def redeem(self, token: str) -> str | None:
        """The tenant id the token was issued for, and the token is gone; None if unknown, used or expired."""
        return text(self.redis.getdel(keys.email_verification(hash_secret(token))))
