"""What the operator does to a tenant: review its Limited Access, suspend it, reinstate it.

Every decision is recorded on the tenant, appended to the audit trail and emailed to the tenant
through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis import Redis

from server.domain import emails, lifecycle, review
from server.domain.audit import operator_event
from server.domain.clock import format_time, now
from server.domain.tenants import CustomerType, Tenant
from server.services.tenants import linked_signups
from server.store.audit import AuditLog
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
    """Apply the decision, then put each decision it recorded on the audit trail and in the outbox."""
    changed = TenantRepository(redis).update(tenant_id, change)
    outbox, trail = Outbox(redis), AuditLog(redis)
    for decision in changed.decisions:
        if decision.at == moment:
            trail.append_event(operator_event(changed, decision))
            outbox.send(emails.decision_email(changed, decision))
    return changed


def operator_view(tenant: Tenant, *, redis: Redis) -> dict[str, object]:
    """A tenant as the operator sees it (AdminTenantSchema): its record, whether approving needs its
    customer type stated, and the other tenants of its organization with their type, status and
    decisions. Never shown to a tenant."""
    links = linked_signups(tenant.organization, tenant.email, TenantRepository(redis), besides=tenant.tenant_id)
    return {
        **tenant.to_public(),
        "customer_type_to_confirm": review.needs_stated_type(tenant),
        "linked_tenants": [_linked(link) for link in links],
    }


def _linked(link: review.Link) -> dict[str, object]:
    other = link.tenant
    return {
        "tenant_id": other.tenant_id,
        "organization": other.organization,
        "email": other.email,
        "customer_type": other.customer_type.value,
        "country": other.country,
        "status": other.status.value,
        "limited_access": other.access.value,
        "created_at": format_time(other.created_at),
        "decisions": [decision.to_dict() for decision in other.decisions],
        "linked_by": [key.describe() for key in link.by],
    }
