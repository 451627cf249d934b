"""The operator API and the terms of use through the SDK, against `visage up`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sdk_live import Account, open_account, signup_form
from visage import (
    AdminClient,
    AuditKind,
    AuthenticationError,
    Camera,
    CaptureContext,
    CustomerType,
    DeviceClass,
    InvalidRequestError,
    LimitedAccess,
    ManagementClient,
    OperationClass,
    ProvenanceStatus,
    ReviewDecision,
    TermsOfUseViolation,
)
from visage.models import DetectResult

from tests.support.c2pa import pem, pki, reencoded
from tests.support.faces import Photo, photo
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow

OBAMA = photo("people/obama/obama.jpg")
OBAMA_AGAIN = photo("people/obama/obama2.jpg")


def without_exif(image: Photo) -> bytes:
    """The photo as a camera would hand it over: its own EXIF (some photos were taken years ago) dropped,
    as tests/support/terms.py does before signing."""
    return reencoded(image.read(), quality=95)


def face_id(faces: DetectResult) -> str:
    [face] = faces
    assert face.face_id
    return face.face_id


def test_admin_lists_tenants(live: LiveVisage, account: Account) -> None:
    with AdminClient(live.endpoint, live.admin_token) as admin:
        tenants = list(admin.list_tenants())
    assert account.tenant_id in {tenant.tenant_id for tenant in tenants}


def test_a_wrong_admin_token_is_an_authentication_error(live: LiveVisage) -> None:
    with AdminClient(live.endpoint, "wrong") as admin, pytest.raises(AuthenticationError) as caught:
        list(admin.list_tenants())
    assert caught.value.code == "Unauthorized"


def test_admin_reviews_and_reads_the_outbox(live: LiveVisage) -> None:
    police = open_account(live.endpoint, customer_type="law_enforcement")
    with AdminClient(live.endpoint, live.admin_token) as admin:
        assert admin.get_tenant(police.tenant_id).limited_access is LimitedAccess.PENDING_REVIEW
        reviewed = admin.review_tenant(police.tenant_id, decision=ReviewDecision.APPROVE,
                                       reason="checked by the SDK e2e test")
        assert reviewed.limited_access is LimitedAccess.APPROVED
        assert reviewed.decisions and reviewed.decisions[-1].reason == "checked by the SDK e2e test"
        outbox = list(admin.list_outbox())
        mine = [message for message in outbox if message.tenant_id == police.tenant_id]
        assert mine and all(message.to and message.subject for message in mine)


def test_the_operator_sees_what_a_signup_stated_and_the_tenants_it_is_linked_to_live(live: LiveVisage) -> None:
    domain = f"ruritania-{uuid.uuid4().hex[:8]}.example"
    police = open_account(live.endpoint, customer_type=CustomerType.LAW_ENFORCEMENT, email=f"chief@{domain}",
                          organization=f"Ruritania Constabulary {domain}")
    ministry = open_account(live.endpoint, customer_type=CustomerType.GOVERNMENT, email=f"it@{domain}",
                            organization=f"Ruritania Ministry {domain}")
    with ManagementClient(live.endpoint) as anonymous:
        stated = anonymous.sign_up(**signup_form(customer_type=CustomerType.GOVERNMENT), no_policing_function=True)
    with AdminClient(live.endpoint, live.admin_token) as admin:
        admin.review_tenant(police.tenant_id, decision=ReviewDecision.REJECT, reason="real-time use declared")
        seen = admin.get_tenant(ministry.tenant_id)
        assert seen.customer_type_to_confirm and not seen.no_policing_function
        assert seen.limited_access is LimitedAccess.PENDING_REVIEW
        [linked] = seen.linked_tenants
        assert linked.tenant_id == police.tenant_id and linked.customer_type is CustomerType.LAW_ENFORCEMENT
        assert linked.limited_access is LimitedAccess.REJECTED and linked.decisions[-1].decision == "reject"
        assert any(domain in why for why in linked.linked_by)
        with pytest.raises(InvalidRequestError) as unstated:
            admin.review_tenant(ministry.tenant_id, decision=ReviewDecision.APPROVE, reason="looks fine")
        assert unstated.value.target == "customer_type"
        corrected = admin.review_tenant(ministry.tenant_id, decision=ReviewDecision.APPROVE, reason="it is police",
                                        customer_type=CustomerType.LAW_ENFORCEMENT, country="IE")
        assert (corrected.customer_type, corrected.country) == (CustomerType.LAW_ENFORCEMENT, "IE")

        other = admin.get_tenant(stated.tenant_id)
        assert other.no_policing_function and not other.customer_type_to_confirm and other.linked_tenants == ()
        assert stated.tenant is not None and stated.tenant.no_policing_function


def test_law_enforcement_cannot_verify_from_a_body_worn_camera_live(live: LiveVisage) -> None:
    """Terms 2026-12 through the SDK: what police say in headers no longer decides; content
    credentials signed under a CA the operator lists, older than a day, do."""
    police = open_account(live.endpoint, customer_type=CustomerType.LAW_ENFORCEMENT, country="FR")
    with AdminClient(live.endpoint, live.admin_token) as admin:
        admin.review_tenant(police.tenant_id, decision=ReviewDecision.APPROVE, reason="approved for recorded footage")
        anchor = admin.add_trust_anchor("SDK e2e body cameras", pem(pki().ca[1]), DeviceClass.BODY_WORN)
    captured = datetime.now(UTC) - timedelta(days=3)
    signed = [pki().body_cam.sign(without_exif(photo), captured_at=captured) for photo in (OBAMA, OBAMA_AGAIN)]
    live_capture = CaptureContext.live(camera=Camera.BODY_WORN)
    claimed = CaptureContext.recorded(captured_at=captured, camera=Camera.BODY_WORN)
    with police.face_client() as client:
        first, second = (client.detect(image.file, capture=live_capture) for image in (OBAMA, OBAMA_AGAIN))
        assert first.provenance is second.provenance is ProvenanceStatus.NONE
        with pytest.raises(TermsOfUseViolation) as refused_live:
            client.verify_face_to_face(face_id(first), face_id(second), capture=live_capture)
        unsigned = [client.detect(without_exif(image), capture=claimed) for image in (OBAMA, OBAMA_AGAIN)]
        with pytest.raises(TermsOfUseViolation) as refused_unsigned:  # headers alone: not recorded for police
            client.verify_face_to_face(face_id(unsigned[0]), face_id(unsigned[1]), capture=claimed)
        trusted = [client.detect(image) for image in signed]
        assert [faces.provenance for faces in trusted] == [ProvenanceStatus.TRUSTED] * 2
        assert client.verify_face_to_face(face_id(trusted[0]), face_id(trusted[1])).is_identical
    for refusal in (refused_live.value, refused_unsigned.value):
        assert refusal.status == 403 and refusal.clause == "le-realtime-identification"
        assert refusal.policy_version == "2026-12"
    assert "without content credentials" in refused_unsigned.value.message
    with police.management() as management:
        dry_run = management.evaluate_policy(OperationClass.IDENTIFICATION, capture=live_capture)
        assert not dry_run.allowed and dry_run.clause == "le-realtime-identification" and dry_run.realtime

    with AdminClient(live.endpoint, live.admin_token) as admin:
        trail = list(admin.list_audit(tenant_id=police.tenant_id, limit=50))
    assert {AuditKind.OPERATOR_REVIEW, AuditKind.DETECT, AuditKind.POLICY_DECISION} <= {e.kind for e in trail}
    decisions = [entry for entry in trail if entry.kind is AuditKind.POLICY_DECISION]  # newest first
    assert [entry.allowed for entry in decisions] == [True, False, False]
    allowed, refused_unsigned_entry, refused_live_entry = decisions
    assert refused_live_entry.camera is Camera.BODY_WORN and refused_live_entry.refused
    assert refused_unsigned_entry.clause == "le-realtime-identification"
    assert [p.status for p in refused_unsigned_entry.face_provenance] == [ProvenanceStatus.NONE] * 2
    assert allowed.route and allowed.policy_version == "2026-12" and len(allowed.face_provenance) == 2
    for provenance in allowed.face_provenance:
        assert provenance.trusted and provenance.device_class is DeviceClass.BODY_WORN
        assert provenance.trust_anchor_id == anchor.id
        assert provenance.captured_at is not None and abs(provenance.captured_at - captured) < timedelta(seconds=1)
    detects = [entry for entry in trail if entry.kind is AuditKind.DETECT]
    assert [entry.provenance.status for entry in detects[:2] if entry.provenance] == [ProvenanceStatus.TRUSTED] * 2
    assert all(entry.allowed is None for entry in detects)
    review = next(entry for entry in trail if entry.kind is AuditKind.OPERATOR_REVIEW)
    assert (review.action, review.reason) == ("approve", "approved for recorded footage")
