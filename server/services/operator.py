"""What the operator sees and does: tenants (list, read, review Limited Access, suspend, reinstate)
and the outbox.

Every decision is recorded on the tenant, appended to the audit trail and emailed to the tenant
through the outbox.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime

from redis import Redis

from server.domain import emails, lifecycle, review
from server.domain.audit import operator_event
from server.domain.clock import now
from server.domain.emails import Email
from server.domain.tenants import AccessReview, CustomerType, Tenant, TenantNotFound, TenantStatus
from server.services.tenants import linked_signups
from server.store.audit import AuditLog
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
    """Record the review; once it leaves the tenant law enforcement, the approved tenants of its
    organization (linked by address, domain or name) go back to review as well."""
    moment = now()
    changed = _decide(tenant_id, moment, lambda t: review.reviewed(t, decision, reason, moment,
                                                                  customer_type=customer_type, country=country), redis)
    if changed.customer_type is CustomerType.LAW_ENFORCEMENT:
        for link in linked_signups(changed.organization, changed.email, TenantRepository(redis), besides=tenant_id):
            _decide(link.tenant.tenant_id, moment, functools.partial(review.reviewed_again, by_keys=link.by, at=moment),
                    redis)
    return changed


def suspend_tenant(redis: Redis, tenant_id: str, reason: str) -> Tenant:
    moment = now()
    return _decide(tenant_id, moment, lambda t: lifecycle.suspended(t, reason, moment), redis)


def reinstate_tenant(redis: Redis, tenant_id: str, reason: str) -> Tenant:
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


@dataclasses.dataclass
class TenantForOperator(Tenant):
    """A tenant as the operator sees it (AdminTenantSchema), never shown to a tenant: whether approving
    needs its customer type stated, and the other tenants of its organization."""

    needs_stated_type: bool = False
    linked_tenants: tuple[review.Link, ...] = ()


def operator_view(redis: Redis, tenant: Tenant) -> TenantForOperator:
    links = linked_signups(tenant.organization, tenant.email, TenantRepository(redis), besides=tenant.tenant_id)
    return TenantForOperator(**{field.name: getattr(tenant, field.name) for field in dataclasses.fields(tenant)},
                             needs_stated_type=review.needs_stated_type(tenant), linked_tenants=tuple(links))
