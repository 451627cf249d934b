"""What the operator does to a tenant: review its Limited Access, suspend it, reinstate it.

Every decision is recorded on the tenant and emailed to it through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis import Redis

from server.domain import emails, lifecycle, review
from server.domain.clock import now
from server.domain.tenants import CustomerType, Tenant
from server.store.outbox import Outbox
from server.store.tenants import TenantRepository


def review_tenant(tenant_id: str, decision: str, reason: str, *, customer_type: CustomerType | None,
                  redis: Redis, country: str | None = None) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: review.reviewed(t, decision, reason, moment,
                                                               customer_type=customer_type, country=country), redis)


def suspend(tenant_id: str, reason: str, *, redis: Redis) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: lifecycle.suspended(t, reason, moment), redis)


def reinstate(tenant_id: str, reason: str, *, redis: Redis) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: lifecycle.reinstated(t, reason, moment), redis)


def _decide(tenant_id: str, moment: datetime, change: Callable[[Tenant], Tenant], redis: Redis) -> Tenant:
    changed = TenantRepository(redis).update(tenant_id, change)
    outbox = Outbox(redis)
    for decision in changed.decisions:
        if decision.at == moment:
            outbox.send(emails.decision_email(changed, decision))
    return changed
