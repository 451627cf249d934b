"""Signup review rules beyond the customer type: footage, government without a statement, linked signups."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from server.domain.linking import link_keys
from server.domain.review import Link, ReviewDecision, initial_access, needs_stated_type, reviewed, reviewed_again
from server.domain.tenants import AccessReview, CustomerType, Decision, Tenant, TenantStatus
from server.errors import BadArgument

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def tenant(**changes: object) -> Tenant:
    base = Tenant(tenant_id="t-earlier", organization="Metro Unit", email="chief@metro.example",
                  customer_type=CustomerType.COMMERCIAL, country="GB", use_cases=("identity_verification",),
                  terms_version="2024-05", terms_accepted_at=AT, created_at=AT, status=TenantStatus.ACTIVE,
                  access=AccessReview.APPROVED)
    return dataclasses.replace(base, **changes)


def link_to(earlier: Tenant, organization: str, email: str) -> Link:
    theirs = {key.id for key in link_keys(earlier.organization, earlier.email)}
    return Link(earlier, tuple(key for key in link_keys(organization, email) if key.id in theirs))


@pytest.mark.parametrize("kind", [member for member in CustomerType if member is not CustomerType.LAW_ENFORCEMENT])
@pytest.mark.parametrize("case", ["investigative_identification", "missing_persons"])
def test_identification_on_footage_is_reviewed_whatever_the_customer_type(kind: CustomerType, case: str) -> None:
    admission = initial_access(kind, declared_use_cases=["identity_verification", case], no_policing_function=True)
    assert admission.access is AccessReview.PENDING and admission.confirm_type
    assert any(case in reason and "footage" in reason for reason in admission.reasons)


def test_use_cases_on_a_persons_own_face_are_not_footage() -> None:
    admission = initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification",
                                                                            "touchless_access_control"])
    assert admission.access is AccessReview.APPROVED


def test_a_police_signup_declaring_law_enforcement_is_not_asked_to_confirm_the_worst_type() -> None:
    admission = initial_access(CustomerType.LAW_ENFORCEMENT, declared_use_cases=["investigative_identification"])
    assert admission.access is AccessReview.PENDING and not admission.confirm_type


def test_government_without_the_statement_is_reviewed_even_when_the_operator_auto_approves_government() -> None:
    everyone = list(CustomerType)
    silent = initial_access(CustomerType.GOVERNMENT, declared_use_cases=["identity_verification"],
                            auto_approved=everyone)
    assert silent.access is AccessReview.PENDING and silent.confirm_type
    assert "no policing function" in silent.reasons[0]
    stated = initial_access(CustomerType.GOVERNMENT, declared_use_cases=["identity_verification"],
                            no_policing_function=True, auto_approved=everyone)
    assert stated.access is AccessReview.APPROVED


def test_government_detection_only_without_the_statement_still_waits() -> None:
    assert initial_access(CustomerType.GOVERNMENT, declared_use_cases=["redaction"]).access is AccessReview.PENDING


def test_approving_a_signup_that_must_be_confirmed_needs_the_customer_type() -> None:
    pending = tenant(access=AccessReview.PENDING, customer_type=CustomerType.GOVERNMENT,
                     customer_type_to_confirm=True)
    with pytest.raises(BadArgument) as refused:
        reviewed(pending, ReviewDecision.APPROVE, "looks fine", AT)
    assert refused.value.details["target"] == "customer_type"
    approved = reviewed(pending, ReviewDecision.APPROVE, "culture", AT, customer_type=CustomerType.GOVERNMENT)
    assert approved.access is AccessReview.APPROVED
    assert reviewed(pending, ReviewDecision.REJECT, "no", AT).access is AccessReview.REJECTED


def test_tenants_recorded_before_the_flag_are_known_by_their_police_reason() -> None:
    legacy = tenant(review_reasons=("the signup reads as law enforcement (organization contains 'police')",))
    assert needs_stated_type(legacy) and not needs_stated_type(tenant())


@pytest.mark.parametrize(("earlier", "why"), [
    (tenant(customer_type=CustomerType.LAW_ENFORCEMENT), "a law_enforcement tenant"),
    (tenant(access=AccessReview.REJECTED), "rejected"),
    (tenant(status=TenantStatus.SUSPENDED), "suspended"),
])
def test_the_same_mailbox_signing_up_again_hears_its_own_history(earlier: Tenant, why: str) -> None:
    again = link_to(earlier, "Metro Analytics", "Chief+new@METRO.example")
    admission = initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification"], linked=[again])
    assert admission.access is AccessReview.PENDING
    assert any("email address signed up before" in reason and why in reason for reason in admission.reasons)


def test_a_second_tenant_of_a_police_domain_is_reviewed_without_learning_about_the_first() -> None:
    police = tenant(customer_type=CustomerType.LAW_ENFORCEMENT, access=AccessReview.PENDING)
    colleague = link_to(police, "Data Services", "someone.else@mail.metro.example")
    admission = initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification"],
                               linked=[colleague])
    assert admission.access is AccessReview.PENDING and admission.confirm_type
    [reason] = admission.reasons
    assert "email domain" in reason
    for secret in ("law_enforcement", "Metro Unit", "chief@", "t-earlier", "rejected"):
        assert secret not in reason


def test_a_rejected_organization_signing_up_under_another_address_and_spelling_is_reviewed() -> None:
    rejected = tenant(access=AccessReview.REJECTED,
                      decisions=(Decision(AT, "reject", "real-time use declared", "operator"),))
    again = link_to(rejected, "METRO UNIT Ltd", "ops@elsewhere.example")
    admission = initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification"], linked=[again])
    assert admission.access is AccessReview.PENDING
    assert "organization name" in admission.reasons[0] and "real-time" not in admission.reasons[0]


def test_a_link_to_a_tenant_in_good_standing_changes_nothing() -> None:
    colleague = link_to(tenant(), "Metro Unit", "other@metro.example")
    assert initial_access(CustomerType.COMMERCIAL, declared_use_cases=["identity_verification"],
                          linked=[colleague]).access is AccessReview.APPROVED


def test_an_approved_tenant_linked_to_confirmed_police_goes_back_to_review_without_learning_why() -> None:
    colleague = tenant(organization="Metro Data", email="analyst@metro.example")
    again = reviewed_again(colleague, by_keys=link_to(colleague, "Metro Unit", "chief@metro.example").by, at=AT)
    assert again.access is AccessReview.PENDING and again.customer_type_to_confirm
    assert again.decisions[-1].decision == ReviewDecision.REVIEW_AGAIN and "email domain" in again.decisions[-1].reason
    for secret in ("law_enforcement", "Metro Unit", "chief@"):
        assert secret not in again.decisions[-1].reason
    assert needs_stated_type(again)


@pytest.mark.parametrize("changes", [
    {"customer_type": CustomerType.LAW_ENFORCEMENT}, {"access": AccessReview.PENDING},
    {"access": AccessReview.REJECTED},
    {"decisions": (Decision(AT, ReviewDecision.REVIEW_AGAIN, "linked", "operator"),
                   Decision(AT, ReviewDecision.APPROVE, "a different firm", "operator"))},
])
def test_a_linked_tenant_that_is_police_or_not_approved_is_left_as_it_is(changes: dict[str, object]) -> None:
    other = tenant(**changes)
    assert reviewed_again(other, by_keys=link_to(other, "Metro Unit", "chief@metro.example").by, at=AT) is other
