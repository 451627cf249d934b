"""What the operator sees and does: tenants (list, read, review Limited Access, suspend, reinstate)
and the outbox.

Every decision is recorded on the tenant and emailed to it through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis import Redis

from server.domain import emails, lifecycle, review
from server.domain.clock import now
from server.domain.emails import Email
from server.domain.tenants import AccessReview, CustomerType, Tenant, TenantNotFound, TenantStatus
from server.store.outbox import Outbox
from server.store.tenants import TenantRepository


def list_tenants(redis: Redis, status: TenantStatus | None = None, access: AccessReview | None = None) -> list[Tenant]:
    """Every tenant, oldest first, optionally only those of one status or Limited Access state."""
    return TenantRepository(redis).list(status, access)


def get_tenant(redis: Redis, tenant_id: str) -> Tenant:
    tenant = TenantRepository(redis).get(tenant_id)
    if tenant is None:
        raise TenantNotFound()
    return tenant


def list_outbox(redis: Redis) -> list[Email]:
    """The emails Visage would have sent, newest first."""
    return Outbox(redis).newest()


def review_tenant(redis: Redis, tenant_id: str, decision: str, reason: str, *, customer_type: CustomerType | None,
                  country: str | None = None) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: review.reviewed(t, decision, reason, moment,
                                                               customer_type=customer_type, country=country), redis)


def suspend_tenant(redis: Redis, tenant_id: str, reason: str) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: lifecycle.suspended(t, reason, moment), redis)


def reinstate_tenant(redis: Redis, tenant_id: str, reason: str) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: lifecycle.reinstated(t, reason, moment), redis)


def _decide(tenant_id: str, moment: datetime, change: Callable[[Tenant], Tenant], redis: Redis) -> Tenant:
    changed = TenantRepository(redis).update(tenant_id, change)
    outbox = Outbox(redis)
    for decision in changed.decisions:
        if decision.at == moment:
            outbox.send(emails.decision_email(changed, decision))
    return changed
