"""Management-token recovery links: stored by the hash of their token, each redeemable once, expiring.

A link remembers the token hash it replaces, so redeeming it fails once any other recovery has
replaced the token since: of several links sent, the first one used wins and the others die.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import NamedTuple

from redis import Redis

from server.domain.credentials import hash_secret
from server.store import keys
from server.store.codec import text


class RecoveryLink(NamedTuple):
    tenant_id: str
    replaces: str
    """The hash of the management token the link replaces."""


class RecoveryLinks:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def issue(self, token: str, link: RecoveryLink, lifetime: timedelta) -> None:
        record = json.dumps({"tenant_id": link.tenant_id, "replaces": link.replaces})
        self.redis.set(keys.token_recovery(hash_secret(token)), record, ex=lifetime)

    def exists(self, token: str) -> bool:
        """Whether the link is still there to redeem (opening it must not use it up)."""
        return bool(self.redis.exists(keys.token_recovery(hash_secret(token))))

    def redeem(self, token: str) -> RecoveryLink | None:
        """The link, now gone; None if unknown, used or expired."""
        raw = text(self.redis.getdel(keys.token_recovery(hash_secret(token))))
        if raw is None:
            return None
        record = json.loads(raw)
        return RecoveryLink(record["tenant_id"], record["replaces"])
