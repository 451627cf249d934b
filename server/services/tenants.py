"""Signup and email verification: a tenant, its first deployment, and the link that activates it."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from redis import Redis

from server.domain import emails, lifecycle, review, terms
from server.domain.clock import now
from server.domain.credentials import new_token
from server.domain.deployments import PublishedDeployment
from server.domain.linking import link_keys, shared
from server.domain.misrepresentation import police_matches
from server.domain.starter import STARTER_NAME, STARTER_SKU, region_for
from server.domain.tenants import CustomerType, Tenant, TenantStatus
from server.errors import Conflict
from server.services.deployments import create_deployment
from server.store.outbox import Outbox
from server.store.tenants import TenantRepository
from server.store.verification_links import VerificationLinks

VERIFY_PATH = "/signup/verify"
"""Where the verification link points (served by server/api/signup.py)."""


@dataclasses.dataclass(frozen=True)
class SignupResult:
    tenant: Tenant
    management_token: str
    deployment: PublishedDeployment
    """The starter deployment, with its keys."""


def sign_up(redis: Redis, form: dict[str, Any], *, base_url: str,
            auto_approved: Collection[CustomerType] = review.AUTO_APPROVED_TYPES) -> SignupResult:
    """Create the tenant (pending verification), its starter deployment, and email the verification link."""
    moment = now()
    customer_type = CustomerType(form["customer_type"])
    tenants = TenantRepository(redis)
    no_policing_function = bool(form.get("no_policing_function"))
    admission = review.initial_access(
        customer_type,
        declared_use_cases=form["use_cases"],
        police_matches=police_matches(form["organization"], form["email"]),
        linked=linked_signups(form["organization"], form["email"], tenants),
        no_policing_function=no_policing_function,
        auto_approved=auto_approved,
    )
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
        status=TenantStatus.PENDING_VERIFICATION,
        access=admission.access,
        review_reasons=admission.reasons,
        no_policing_function=no_policing_function,
        customer_type_to_confirm=admission.confirm_type,
    )
    token = new_token()
    tenants.add(tenant, token)
    starter = create_deployment(redis, tenant, STARTER_NAME, STARTER_SKU, region_for(tenant.country),
                                endpoint=base_url)
    _send_verification(tenant, redis, base_url)
    return SignupResult(tenant=tenant, management_token=token, deployment=starter)


def linked_signups(organization: str, email: str, tenants: TenantRepository,
                   besides: str | None = None) -> list[review.Link]:
    """Earlier tenants of the same organization, each with what links it: address, domain or name."""
    keys = link_keys(organization, email)
    return [review.Link(other, shared(keys, other))
            for other in tenants.linked([key.id for key in keys], besides=besides)]


def authenticate_management_token(redis: Redis, token: str) -> Tenant | None:
    """The tenant a management token belongs to, if any."""
    return TenantRepository(redis).by_management_token(token)


def verify_email(redis: Redis, token: str) -> Tenant | None:
    """Redeem a verification link: the tenant, now verified; None if the link is unknown, used or expired."""
    tenant_id = VerificationLinks(redis).redeem(token) if token else None
    if tenant_id is None:
        return None
    moment = now()
    return TenantRepository(redis).update(tenant_id, lambda tenant: lifecycle.email_verified(tenant, moment))


def resend_verification(redis: Redis, tenant: Tenant, *, base_url: str) -> None:
    """A fresh verification link, for a tenant whose first one expired or went missing."""
    if tenant.email_verified:
        raise Conflict("The email address of this tenant is already verified.", code="EmailAlreadyVerified")
    _send_verification(tenant, redis, base_url, now())


def _send_verification(tenant: Tenant, redis: Redis, base_url: str, at: datetime | None = None) -> None:
    secret = new_token()
    lifetime = lifecycle.VERIFICATION_LINK_LIFETIME
    VerificationLinks(redis).issue(secret, tenant.tenant_id, lifetime)
    link = f"{base_url}{VERIFY_PATH}?{urlencode({'token': secret})}"
    Outbox(redis).send(emails.verification_email(tenant, link, lifetime.days, at or tenant.created_at))
