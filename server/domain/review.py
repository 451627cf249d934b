"""Limited Access review: where a tenant starts at signup, and the operator's decisions after.

Detection needs no approval. Verification and identification do: the declared use cases say
whether recognition is wanted at all, customer types an operator trusts are approved at once, the
others wait for a person. So do, whatever their customer type: a signup whose organization or email
reads as police while declaring another type, a government signup that does not state it has no
policing function, one that asks for identification on footage, and one linked to an earlier police,
rejected or suspended tenant.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime

from server.domain.linking import LinkKey, LinkKind
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
"""How a review reason for a signup that reads as police begins. Tenants recorded before
`Tenant.customer_type_to_confirm` existed are known by it."""

GOVERNMENT_REASON = ("customer type government without a statement that the organization has no policing "
                     "function: an operator confirms its type")

FOOTAGE_REASON = "the declared use cases ask for identification on footage ({cases}), which an operator reviews"

LINKED_REASON = ("the signup shares {how} with an earlier signup that an operator looks at together with this "
                 "one")
"""Said to the tenant, which must never learn who else signed up or how that went: the operator's
view of the tenant names the linked tenants and their decisions."""


class ReviewDecision:
    APPROVE = "approve"
    REJECT = "reject"
    CORRECT_CUSTOMER_TYPE = "correct_customer_type"
    CORRECT_COUNTRY = "correct_country"
    REVIEW_AGAIN = "review_again"


@dataclasses.dataclass(frozen=True)
class Link:
    """An earlier tenant a signup is linked to, and by what (see domain/linking.py)."""

    tenant: Tenant
    by: tuple[LinkKey, ...]

    @property
    def kinds(self) -> tuple[LinkKind, ...]:
        return tuple(key.kind for key in self.by)


@dataclasses.dataclass(frozen=True)
class Admission:
    """Where Limited Access starts: the state, the reasons a review is needed, and whether approving
    needs the operator to state the customer type (police could be hiding behind the declared one)."""

    access: AccessReview
    reasons: tuple[str, ...] = ()
    confirm_type: bool = False


def wants_recognition(declared: Collection[str]) -> bool:
    """Whether any declared use case needs a Limited Access feature (verification, identification)."""
    return any(case.features for case in use_cases() if case.id in declared)


def on_footage(declared: Collection[str]) -> tuple[str, ...]:
    """The declared use cases that identify people on footage."""
    return tuple(case.id for case in use_cases() if case.on_footage and case.id in declared)


def initial_access(
    customer_type: CustomerType,
    *,
    declared_use_cases: Collection[str] | None = None,
    police_matches: Sequence[str] = (),
    linked: Sequence[Link] = (),
    no_policing_function: bool = False,
    auto_approved: Collection[CustomerType] = AUTO_APPROVED_TYPES,
) -> Admission:
    """Where Limited Access starts, and the reasons when a review is needed."""
    police = customer_type is CustomerType.LAW_ENFORCEMENT
    reasons: list[str] = []
    confirm = False
    for earlier in linked:
        why = _doubt_about(earlier.tenant, customer_type)
        if why is None:
            continue
        confirm |= earlier.tenant.customer_type is CustomerType.LAW_ENFORCEMENT
        # the same mailbox is the same person, who may hear its own history; anything else stays unsaid
        reasons.append(f"the email address signed up before, as {why}" if LinkKind.EMAIL in earlier.kinds else
                       LINKED_REASON.format(how=_describe(earlier.kinds)))
    if police_matches and not police:
        reasons.append(f"{POLICE_SIGNUP_REASON} ({'; '.join(police_matches)}) but declares customer "
                       f"type {customer_type.value}")
        confirm = True
    if customer_type is CustomerType.GOVERNMENT and not no_policing_function:
        reasons.append(GOVERNMENT_REASON)
        confirm = True
    if footage := on_footage(declared_use_cases or ()):
        reasons.append(FOOTAGE_REASON.format(cases=", ".join(footage)))
        confirm = True
    wanted = declared_use_cases is None or wants_recognition(declared_use_cases)
    if wanted and customer_type not in auto_approved:
        reasons.append(f"customer type {customer_type.value} is reviewed by an operator")
    if reasons:
        return Admission(AccessReview.PENDING, tuple(dict.fromkeys(reasons)), confirm and not police)
    if not wanted:
        return Admission(AccessReview.NOT_REQUESTED, ("the declared use cases need detection only",))
    return Admission(AccessReview.APPROVED)


REVIEW_AGAIN_REASON = ("the tenant shares {how} with another signup that an operator looks at together with this "
                      "one: Limited Access is reviewed again, and approving it needs the customer type stated")
"""Said to an approved tenant whose organization an operator has since confirmed as police through a
linked tenant; like LINKED_REASON, it never says who the other tenant is or what it is."""


def reviewed_again(tenant: Tenant, *, by_keys: Sequence[LinkKey], at: datetime, by: str = OPERATOR) -> Tenant:
    """An approved tenant linked (by `by_keys`) to a tenant the operator has just confirmed as law
    enforcement, sent back to review with its customer type to state: the organization is police, and
    its other tenants must not keep the recognition its police tenant is refused. A tenant that is
    police itself, not approved, or approved again by an operator after being sent back once, is
    returned as it is."""
    if (tenant.customer_type is CustomerType.LAW_ENFORCEMENT or tenant.access is not AccessReview.APPROVED
            or any(decision.decision == ReviewDecision.REVIEW_AGAIN for decision in tenant.decisions)):
        return tenant
    reason = REVIEW_AGAIN_REASON.format(how=_describe([key.kind for key in by_keys]))
    return dataclasses.replace(tenant, access=AccessReview.PENDING, customer_type_to_confirm=True,
                               review_reasons=(*tenant.review_reasons, reason),
                               decisions=(*tenant.decisions, Decision(at, ReviewDecision.REVIEW_AGAIN, reason, by)))


def needs_stated_type(tenant: Tenant) -> bool:
    """Whether approving this tenant needs the operator to state its customer type."""
    return tenant.customer_type_to_confirm or any(reason.startswith(POLICE_SIGNUP_REASON)
                                                  for reason in tenant.review_reasons)


def _describe(kinds: Sequence[LinkKind]) -> str:
    names = {LinkKind.EMAIL: "its email address", LinkKind.DOMAIN: "its email domain",
             LinkKind.ORGANIZATION: "its organization name"}
    return " and ".join(names[kind] for kind in kinds)


def _doubt_about(earlier: Tenant, customer_type: CustomerType) -> str | None:
    """Why an earlier linked tenant calls for a review of a new signup, if it does: a police tenant
    signing up again as something else, or a rejected or suspended one signing up again."""
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
    if decision == ReviewDecision.APPROVE and customer_type is None and needs_stated_type(tenant):
        raise BadArgument("This signup could be law enforcement under another customer type (see its review "
                          "reasons): approve it with customer_type set, law_enforcement or the type you confirmed "
                          "it is.", details={"target": "customer_type"})
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
