"""A tenant's status over time: pending verification, active once its email is verified, suspended
and reinstated by the operator. Limited Access (domain/review.py) is a separate axis."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from server.domain.review import OPERATOR
from server.domain.tenants import Decision, Tenant, TenantStatus
from server.errors import Conflict

VERIFICATION_LINK_LIFETIME = timedelta(days=7)
"""How long an email verification link works: long enough for a week of holidays, short enough
that an old inbox leaking does not verify an address years later."""


class TenantAlreadySuspended(Conflict):
    code = "TenantAlreadySuspended"
    message = "The tenant is already suspended."


class TenantNotSuspended(Conflict):
    code = "TenantNotSuspended"
    message = "The tenant is not suspended."


class Action:
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


def email_verified(tenant: Tenant, at: datetime) -> Tenant:
    """The tenant once its email is verified: active, unless the operator suspended it meanwhile."""
    if tenant.email_verified:
        return tenant
    status = tenant.status if tenant.status is TenantStatus.SUSPENDED else TenantStatus.ACTIVE
    return dataclasses.replace(tenant, status=status, email_verified_at=at)


def suspended(tenant: Tenant, reason: str, at: datetime, *, by: str = OPERATOR) -> Tenant:
    if tenant.status is TenantStatus.SUSPENDED:
        raise TenantAlreadySuspended()
    return dataclasses.replace(tenant, status=TenantStatus.SUSPENDED,
                               decisions=(*tenant.decisions, Decision(at, Action.SUSPEND, reason, by)))


def reinstated(tenant: Tenant, reason: str, at: datetime, *, by: str = OPERATOR) -> Tenant:
    """Back to where it stood before the suspension: active if verified, else pending verification."""
    if tenant.status is not TenantStatus.SUSPENDED:
        raise TenantNotSuspended()
    status = TenantStatus.ACTIVE if tenant.email_verified else TenantStatus.PENDING_VERIFICATION
    return dataclasses.replace(tenant, status=status,
                               decisions=(*tenant.decisions, Decision(at, Action.REINSTATE, reason, by)))
