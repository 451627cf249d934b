"""Limited Access review: where a tenant starts at signup, and the operator's decisions after.

Detection needs no approval. Verification and identification do: the declared use cases say
whether recognition is wanted at all, customer types an operator trusts are approved at once, the
others wait for a person, and so does a signup whose organization or email reads as police while
declaring another customer type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime

from server.domain.tenants import AccessReview, CustomerType, Decision, Tenant, TenantStatus
from server.domain.use_cases import use_cases
from server.errors import BadArgument

AUTO_APPROVED_TYPES = frozenset({
    CustomerType.COMMERCIAL, CustomerType.EDUCATION, CustomerType.HEALTHCARE,
    CustomerType.NONPROFIT, CustomerType.INDIVIDUAL,
})
"""Approved for recognition without review, unless something else calls for one (the operator's
VISAGE_AUTO_APPROVED_CUSTOMER_TYPES replaces this)."""

OPERATOR = "operator"
"""Who a decision taken through the operator API is recorded as."""


POLICE_SIGNUP_REASON = "the signup reads as law enforcement"
"""How a review reason for a signup that reads as police begins; approving such a signup needs the
operator to state the customer type, so that a police tenant is not approved as something else."""


class ReviewDecision:
    APPROVE = "approve"
    REJECT = "reject"
    CORRECT_CUSTOMER_TYPE = "correct_customer_type"
    CORRECT_COUNTRY = "correct_country"


def wants_recognition(declared: Collection[str]) -> bool:
    """Whether any declared use case needs a Limited Access feature (verification, identification)."""
    return any(case.features for case in use_cases() if case.id in declared)


def initial_access(
    customer_type: CustomerType,
    *,
    declared_use_cases: Collection[str] | None = None,
    police_matches: Sequence[str] = (),
    earlier_signups: Sequence[Tenant] = (),
    auto_approved: Collection[CustomerType] = AUTO_APPROVED_TYPES,
) -> tuple[AccessReview, tuple[str, ...]]:
    """Where Limited Access starts, and the reasons when a review is needed."""
    doubts = sorted({why for earlier in earlier_signups if (why := _doubt_about(earlier, customer_type))})
    # the tenant reads its own reasons: say what, never which other tenant
    reasons: list[str] = [f"the email address signed up before, as {why}" for why in doubts]
    if police_matches and customer_type is not CustomerType.LAW_ENFORCEMENT:
        reasons.append(f"{POLICE_SIGNUP_REASON} ({'; '.join(police_matches)}) but declares customer "
                       f"type {customer_type.value}")
    wanted = declared_use_cases is None or wants_recognition(declared_use_cases)
    if wanted and customer_type not in auto_approved:
        reasons.append(f"customer type {customer_type.value} is reviewed by an operator")
    if reasons:
        return AccessReview.PENDING, tuple(reasons)
    if not wanted:
        return AccessReview.NOT_REQUESTED, ("the declared use cases need detection only",)
    return AccessReview.APPROVED, ()


def _doubt_about(earlier: Tenant, customer_type: CustomerType) -> str | None:
    """Why an earlier tenant of the same email calls for a review of a new signup, if it does: a
    police tenant, or a rejected or suspended one, signing up again as something else."""
    if earlier.customer_type is CustomerType.LAW_ENFORCEMENT and customer_type is not CustomerType.LAW_ENFORCEMENT:
        return "a law_enforcement tenant"
    if earlier.access is AccessReview.REJECTED:
        return "whose Limited Access was rejected"
    if earlier.status is TenantStatus.SUSPENDED:
        return "which is suspended"
    return None


def reviewed(
    tenant: Tenant,
    decision: str,
    reason: str,
    at: datetime,
    *,
    customer_type: CustomerType | None = None,
    country: str | None = None,
    by: str = OPERATOR,
) -> Tenant:
    """The tenant after an operator approves or rejects it, optionally correcting its customer type
    and country (the terms of use depend on both)."""
    if (decision == ReviewDecision.APPROVE and customer_type is None
            and any(reason.startswith(POLICE_SIGNUP_REASON) for reason in tenant.review_reasons)):
        raise BadArgument("This signup reads as law enforcement: approve it with customer_type set, "
                          "law_enforcement or the type you confirmed it is.", details={"target": "customer_type"})
    decisions = list(tenant.decisions)
    corrected_country = tenant.country
    if country is not None and country != tenant.country:
        decisions.append(Decision(at, ReviewDecision.CORRECT_COUNTRY, f"{tenant.country} -> {country}: {reason}", by))
        corrected_country = country
    corrected = tenant.customer_type
    if customer_type is not None and customer_type is not tenant.customer_type:
        decisions.append(Decision(at, ReviewDecision.CORRECT_CUSTOMER_TYPE,
                                  f"{tenant.customer_type.value} -> {customer_type.value}: {reason}", by))
        corrected = customer_type
    access = AccessReview.APPROVED if decision == ReviewDecision.APPROVE else AccessReview.REJECTED
    decisions.append(Decision(at, decision, reason, by))
    return dataclasses.replace(tenant, customer_type=corrected, country=corrected_country, access=access,
                               decisions=tuple(decisions))
