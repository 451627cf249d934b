"""Which terms of use are in force now, for the data plane and the workers (the dry run may name any)."""

from __future__ import annotations

from datetime import datetime

from redis import Redis

from server.domain import terms
from server.store.policy_in_force import raise_high_water


def document_in_force(redis: Redis, at: datetime) -> terms.PolicyDocument:
    """The newest version whose effective date has passed, and never one older than a version already
    in force: the clock of one host set backwards cannot bring back older terms."""
    return terms.in_force(at, raise_high_water(redis, terms.current(at)))
