"""signup, and what a tenant or the operator does with a tenant record."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from server.domain import review, terms
from server.domain.clock import now
from server.domain.credentials import new_token
from server.domain.tenants import CustomerType, Tenant, TenantStatus
from server.store.tenants import TenantRepository


@dataclasses.dataclass(frozen=True)
class SignupResult:
    tenant: Tenant
    management_token: str


def sign_up(form: dict[str, Any], *, tenants: TenantRepository) -> SignupResult:
    moment = now()
    customer_type = CustomerType(form["customer_type"])
    access, reasons = review.initial_access(customer_type)
    tenant = Tenant(
        tenant_id=str(uuid.uuid4()),
        organization=form["organization"],
        email=form["email"],
        customer_type=customer_type,
        country=form["country"],
        use_cases=tuple(form["use_cases"]),
        terms_version=terms.current(moment).version,
        terms_accepted_at=moment,
        created_at=moment,
        status=TenantStatus.ACTIVE,
        access=access,
        review_reasons=reasons,
    )
    token = new_token()
    tenants.add(tenant, token)
    return SignupResult(tenant=tenant, management_token=token)
