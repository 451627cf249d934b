"""The decision function beyond the table: order of refusals, Limited Access, verification, wording."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.domain import terms
from server.domain.capture import CaptureContext
from server.domain.deployments import Sku
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import LIMITED_ACCESS_MESSAGE, decide, is_realtime
from server.domain.tenants import AccessReview, TenantStatus
from tests.support.policy import LONG_AGO, NOW, live, recorded, request, tenant

CURRENT = terms.current(NOW)
AZURE_MESSAGE = ("Feature is not supported, missing approval for one or more of the following features: "
                 "Identification, Verification.")
NON_RECOGNITION = sorted(set(OperationClass) - RECOGNITION_CLASSES - {OperationClass.FACE_ENROLLMENT})


def test_the_policy_documents_carry_what_the_engine_needs() -> None:
    versions = {doc.version: doc for doc in terms.documents()}
    assert {"2020-06", "2024-05"} <= set(versions)
    assert {c.id for c in versions["2024-05"].clauses} >= {
        "us-police-recognition", "le-realtime-identification", "sensitive-attributes"}
    for doc in versions.values():
        for clause in doc.clauses:
            assert clause.text and clause.source and clause.effective <= doc.effective, clause.id
        if any(c.scope.get("realtime_only") for c in doc.clauses):
            cadence = doc.settings["realtime_cadence"]
            assert doc.settings["realtime_recency_seconds"] > 0 and cadence.get("calls", cadence.get("faces")) > 0
    assert terms.current(NOW).version == "2024-05"


def test_limited_access_message_is_azures_word_for_word() -> None:
    assert LIMITED_ACCESS_MESSAGE == AZURE_MESSAGE


@pytest.mark.parametrize("operation", sorted(RECOGNITION_CLASSES))
def test_f0_deployments_have_no_recognition(operation: OperationClass) -> None:
    decision = decide(request(operation=operation, sku=Sku.F0), CURRENT)
    assert (decision.allowed, decision.code) == (False, "UnsupportedFeature")
    assert decision.message.startswith(AZURE_MESSAGE)


@pytest.mark.parametrize("access", [AccessReview.PENDING, AccessReview.REJECTED, AccessReview.NOT_REQUESTED])
def test_recognition_needs_approval(access: AccessReview) -> None:
    decision = decide(request(tenant(access=access)), CURRENT)
    assert (decision.allowed, decision.code, decision.clause) == (False, "UnsupportedFeature", None)
    assert decision.message.startswith(AZURE_MESSAGE)


@pytest.mark.parametrize("operation", NON_RECOGNITION)
@pytest.mark.parametrize("access", list(AccessReview))
def test_detection_and_collections_need_no_approval_and_no_s0(operation: OperationClass, access: AccessReview) -> None:
    police = tenant("law_enforcement", "US", access=access)
    assert decide(request(police, operation, live(), sku=Sku.F0), CURRENT).allowed


def test_enrolling_a_face_captured_in_real_time_is_refused_to_law_enforcement() -> None:
    """A face added to a collection from live capture could be searched afterwards: the real-time
    clause covers the enrollment, not only the later search."""
    enroll = OperationClass.FACE_ENROLLMENT
    uk_police = tenant("law_enforcement", "GB")
    refused = decide(request(uk_police, enroll, live()), CURRENT)
    assert (refused.allowed, refused.clause) == (False, "le-realtime-identification")
    assert not decide(request(uk_police, enroll, CaptureContext()), CURRENT).allowed  # no context: fail closed
    assert decide(request(uk_police, enroll, recorded(timedelta(days=3))), CURRENT).allowed
    us_police = decide(request(tenant("law_enforcement", "US"), enroll, recorded(timedelta(days=3))), CURRENT)
    assert (us_police.allowed, us_police.clause) == (False, "us-police-recognition")
    assert decide(request(tenant("commercial", "GB"), enroll, live()), CURRENT).allowed


def test_terms_come_before_limited_access() -> None:
    pending_police = tenant("law_enforcement", "DE", access=AccessReview.PENDING)
    decision = decide(request(pending_police, capture=live()), CURRENT)
    assert (decision.code, decision.clause) == ("TermsOfUseViolation", "le-realtime-identification")


@pytest.mark.parametrize("operation", list(OperationClass))
def test_a_suspended_tenant_can_do_nothing_and_that_is_said_first(operation: OperationClass) -> None:
    suspended = tenant("law_enforcement", "US", status=TenantStatus.SUSPENDED)
    decision = decide(request(suspended, operation, live(), sku=Sku.F0), CURRENT)
    assert (decision.allowed, decision.code) == (False, "TenantSuspended")


@pytest.mark.parametrize("operation", [OperationClass.DETECTION, OperationClass.VERIFICATION])
def test_an_unverified_tenant_works_for_72_hours_then_is_refused(operation: OperationClass) -> None:
    fresh = tenant(status=TenantStatus.PENDING_VERIFICATION, email_verified_at=None,
                   created_at=NOW - timedelta(hours=71, minutes=59))
    assert decide(request(fresh, operation), CURRENT).allowed
    overdue = tenant(status=TenantStatus.PENDING_VERIFICATION, email_verified_at=None,
                     created_at=NOW - timedelta(hours=72))
    decision = decide(request(overdue, operation), CURRENT)
    assert (decision.allowed, decision.code) == (False, "TenantNotVerified")
    assert "verification link" in decision.message


def test_a_refusal_under_the_terms_leaves_as_azures_envelope_with_the_clause_and_version() -> None:
    decision = decide(request(tenant("law_enforcement", "IN"), capture=live()), CURRENT)
    error = decision.to_error()
    assert error.kind.value == 403 and error.code == "TermsOfUseViolation"
    body = error.to_dict()["error"]
    assert body["innererror"] == {"code": "le-realtime-identification", "policyVersion": "2024-05"}
    assert body["message"] == decision.message


def test_the_message_says_why_in_words() -> None:
    decision = decide(request(tenant("law_enforcement", "FR"), capture=live(), recent_calls=40), CURRENT)
    assert "le-realtime-identification" in decision.message and "2024-05" in decision.message
    assert "captured live" in decision.message and "40 recognition calls in 60 seconds" in decision.message
    assert "Detection stays allowed" in decision.message and "Nothing was done" in decision.message


def test_an_allowed_decision_is_not_an_error() -> None:
    decision = decide(request(), CURRENT)
    assert decision.allowed and decision.code is None
    with pytest.raises(ValueError):
        decision.to_error()


def test_realtime_is_reported_only_when_a_realtime_clause_could_apply() -> None:
    assert decide(request(tenant("commercial"), capture=live()), CURRENT).realtime is None
    assert decide(request(tenant("law_enforcement", "JP"), capture=recorded(LONG_AGO)), CURRENT).realtime is False


def test_is_realtime_fails_closed_and_names_every_reason() -> None:
    realtime, reasons = is_realtime(CaptureContext(), (live(), recorded(None)), NOW, 31, CURRENT)
    assert realtime
    assert reasons == (
        "the request declares no capture mode, which counts as live",
        "a faceId it uses was captured live",
        "a faceId it uses is recorded but gives no capture time, so its age is unknown",
        "31 recognition calls in 60 seconds is a cadence only a live stream produces (more than 30)",
    )
    assert is_realtime(recorded(LONG_AGO), (recorded(LONG_AGO),), NOW, 1, CURRENT) == (False, ())


def test_a_clause_applies_only_from_its_effective_date() -> None:
    police = tenant("law_enforcement", "GB")
    before = CURRENT.clauses[-1].effective - timedelta(seconds=1)
    assert decide(request(police, capture=live(), at=before), CURRENT).allowed
