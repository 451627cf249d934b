"""Which terms of use are in force now, for the data plane, the workers and the dry run."""

from __future__ import annotations

from datetime import datetime

from redis import Redis

from server.domain import terms
from server.store.policy_in_force import high_water, raise_high_water


def document_in_force(redis: Redis, at: datetime, *, record: bool = True) -> terms.PolicyDocument:
    """The newest version whose effective date has passed, and never one older than a version already
    in force: the clock of one host set backwards cannot bring back older terms. `record=False` (the
    dry run) reads the high-water mark without raising it."""
    newest = raise_high_water(redis, terms.current(at)) if record else high_water(redis)
    return terms.in_force(at, newest)
