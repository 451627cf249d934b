"""The operator API and the terms of use through the SDK, against `visage up`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sdk_live import Account, open_account
from visage import (
    AdminClient,
    AuthenticationError,
    Camera,
    CaptureContext,
    CustomerType,
    LimitedAccess,
    OperationClass,
    ReviewDecision,
    TermsOfUseViolation,
)

from tests.support.faces import photo
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow

OBAMA = photo("people/obama/obama.jpg")
OBAMA_AGAIN = photo("people/obama/obama2.jpg")


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


def test_law_enforcement_cannot_verify_from_a_body_worn_camera_live(live: LiveVisage) -> None:
    police = open_account(live.endpoint, customer_type=CustomerType.LAW_ENFORCEMENT, country="FR")
    with AdminClient(live.endpoint, live.admin_token) as admin:
        admin.review_tenant(police.tenant_id, decision=ReviewDecision.APPROVE, reason="approved for recorded footage")
    live_capture = CaptureContext.live(camera=Camera.BODY_WORN)
    with police.face_client() as client:
        first = client.detect(OBAMA.file, capture=live_capture)[0].face_id
        second = client.detect(OBAMA_AGAIN.file, capture=live_capture)[0].face_id
        assert first and second
        with pytest.raises(TermsOfUseViolation) as refused:
            client.verify_face_to_face(first, second, capture=live_capture)
        assert refused.value.status == 403 and refused.value.clause == "le-realtime-identification"
        assert refused.value.policy_version
        recorded = CaptureContext.recorded(captured_at=datetime(2024, 5, 1, tzinfo=UTC))
        a = client.detect(OBAMA.file, capture=recorded)[0].face_id
        b = client.detect(OBAMA_AGAIN.file, capture=recorded)[0].face_id
        assert a and b and client.verify_face_to_face(a, b, capture=recorded).is_identical
    with police.management() as management:
        dry_run = management.evaluate_policy(OperationClass.IDENTIFICATION, capture=live_capture)
        assert not dry_run.allowed and dry_run.clause == "le-realtime-identification" and dry_run.realtime
    with AdminClient(live.endpoint, live.admin_token) as admin:
        trail = list(admin.list_audit(tenant_id=police.tenant_id, limit=10))
    assert [entry.decision for entry in trail[:2]] == ["allowed", "refused"]
    assert trail[1].clause == "le-realtime-identification" and trail[1].camera is Camera.BODY_WORN
