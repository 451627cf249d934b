"""C2PA provenance through the SDK: the operator's trust list, the provenance detect answers, and the
audit trail's kinds and provenance."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime

import pytest
import responses
from responses import matchers
from visage import (
    AdminClient,
    AuditKind,
    ConflictError,
    DeviceClass,
    FaceClient,
    LimitedAccess,
    NotFoundError,
    ProvenanceStatus,
    TenantStatus,
)
from visage.models import DetectResult, FaceDetectionResult, FaceRectangle, Provenance
from visage_fakes import BASE, ENDPOINT, body_of, error_body

PEM = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"
ANCHOR = {
    "id": "a-1", "name": "Acme body cameras", "device_class": "body-worn", "certificate": PEM,
    "fingerprint_sha256": "ab" * 32, "subject": "CN=Acme Body Camera CA", "not_after": "2036-01-31T00:00:00Z",
    "created": "2026-01-31T09:30:00.000Z",
}
ANCHORS = f"{ENDPOINT}/admin/v1/trust-anchors"


def test_add_trust_anchor_posts_the_pem_and_reads_the_anchor(admin: AdminClient,
                                                             http: responses.RequestsMock) -> None:
    call = http.post(ANCHORS, status=201, json=ANCHOR)
    anchor = admin.add_trust_anchor("Acme body cameras", PEM, DeviceClass.BODY_WORN)
    assert body_of(call.calls[0]) == {"name": "Acme body cameras", "certificate": PEM, "device_class": "body-worn"}
    assert call.calls[0].request.headers["Authorization"] == "Bearer admin-token"
    assert anchor.device_class is DeviceClass.BODY_WORN and anchor.id == "a-1"
    assert anchor.not_after == datetime(2036, 1, 31, tzinfo=UTC) and anchor.extra == {}


def test_a_pem_read_in_binary_is_sent_as_text(admin: AdminClient, http: responses.RequestsMock) -> None:
    call = http.post(ANCHORS, status=201, json={**ANCHOR, "device_class": "evidence-system"})
    anchor = admin.add_trust_anchor("Evidence", PEM.encode("ascii"), "evidence-system")
    assert body_of(call.calls[0])["certificate"] == PEM and anchor.device_class is DeviceClass.EVIDENCE_SYSTEM


def test_a_der_certificate_is_refused_before_anything_is_sent(admin: AdminClient) -> None:
    with pytest.raises(ValueError, match="PEM"):
        admin.add_trust_anchor("Acme", b"\x30\x82\x01\xff", DeviceClass.DASH)


def test_a_listed_ca_is_a_conflict(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.post(ANCHORS, status=409, json=error_body("TrustAnchorExists", "This CA is listed already as a-1."))
    with pytest.raises(ConflictError) as caught:
        admin.add_trust_anchor("Acme again", PEM, DeviceClass.BODY_WORN)
    assert caught.value.code == "TrustAnchorExists" and len(http.calls) == 1  # a POST: not retried


def test_list_and_delete_trust_anchors(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.get(ANCHORS, json=[ANCHOR, {**ANCHOR, "id": "a/2", "device_class": "tripod-cam"}])
    delete = http.delete(f"{ANCHORS}/a%2F2", status=204)
    anchors = list(admin.list_trust_anchors())
    assert [anchor.id for anchor in anchors] == ["a-1", "a/2"]
    assert anchors[1].device_class == "tripod-cam" and not anchors[1].device_class.known  # a newer server's class
    assert admin.delete_trust_anchor("a/2") is None and delete.call_count == 1
    with pytest.raises(ValueError, match="anchor_id"):
        admin.delete_trust_anchor("")


def test_deleting_an_unknown_anchor_is_not_found(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.delete(f"{ANCHORS}/nope", status=404, json=error_body("TrustAnchorNotFound", "No such trust anchor."))
    with pytest.raises(NotFoundError):
        admin.delete_trust_anchor("nope")


FACE = {"faceId": "f-1", "faceRectangle": {"top": 1, "left": 2, "width": 3, "height": 4}}


@pytest.mark.parametrize(("header", "expected"), [
    ({"x-visage-provenance": "trusted"}, ProvenanceStatus.TRUSTED),
    ({"x-visage-provenance": "Untrusted"}, ProvenanceStatus.UNTRUSTED),
    ({"x-visage-provenance": "none"}, ProvenanceStatus.NONE),
    ({}, None),
])
def test_detect_answers_the_provenance_of_the_image(client: FaceClient, http: responses.RequestsMock,
                                                    header: dict[str, str],
                                                    expected: ProvenanceStatus | None) -> None:
    http.post(f"{BASE}/detect", json=[FACE], headers=header)
    faces = client.detect(b"signed image")
    assert faces.provenance is expected
    assert isinstance(faces, list) and faces == [FaceDetectionResult.from_wire(FACE)]  # still the list of faces
    assert [face.face_id for face in faces] == ["f-1"] and faces[0].face_rectangle.width == 3


def test_detect_from_url_answers_provenance_too_and_keeps_an_unknown_status(client: FaceClient,
                                                                            http: responses.RequestsMock) -> None:
    http.post(f"{BASE}/detect", json=[], headers={"x-visage-provenance": "revoked"},
              match=[matchers.json_params_matcher({"url": "https://img.example/a.jpg"})])
    faces = client.detect_from_url("https://img.example/a.jpg")
    assert faces == [] and not faces
    assert faces.provenance == "revoked" and faces.provenance is not None and not faces.provenance.known


def test_a_detect_result_copies_and_pickles_with_its_provenance() -> None:
    faces = DetectResult([FaceDetectionResult(FaceRectangle(1, 2, 3, 4))], provenance=ProvenanceStatus.TRUSTED)
    for twin in (copy.copy(faces), copy.deepcopy(faces), pickle.loads(pickle.dumps(faces))):
        assert twin == faces and twin.provenance is ProvenanceStatus.TRUSTED
    assert "provenance=<ProvenanceStatus.TRUSTED: 'trusted'>" in repr(faces)
    assert DetectResult().provenance is None and DetectResult() == []


TRUSTED = {"status": "trusted", "captured_at": "2026-01-28T09:30:00Z", "device_class": "body-worn",
           "trust_anchor_id": "a-1"}
NONE = {"status": "none", "captured_at": None, "device_class": None, "trust_anchor_id": None}
TRAIL = [
    {"id": "6-0", "kind": "call_outcome", "time": "2026-01-31T09:30:02Z", "tenant_id": "t-1", "request_id": "r-2",
     "route": "verifyFaceToFace", "api_version": "v1.2", "outcome_status": "200", "seq": "6", "key_id": "k1",
     "prev": "p5", "hash": "h6"},
    {"id": "5-0", "kind": "policy_decision", "time": "2026-01-31T09:30:01Z", "tenant_id": "t-1",
     "request_id": "r-2", "customer_type": "law_enforcement", "country": "FR", "operation": "verification",
     "route": "verifyFaceToFace", "api_version": "v1.2", "collection": "", "capture_mode": "", "captured_at": "",
     "camera": "", "face_modes": "none,none", "provenance": NONE, "face_provenance": [TRUSTED, TRUSTED],
     "doubts": [], "recent_calls": "1", "recent_faces": "2", "realtime": False, "decision": "allowed", "code": "",
     "clause": "", "policy_version": "2026-12", "reasons": [], "outcome_status": ""},
    {"id": "4-0", "kind": "policy_decision", "time": "2026-01-31T09:30:00Z", "tenant_id": "t-1",
     "operation": "verification", "face_provenance": [NONE, TRUSTED], "doubts": ["frames at a video's rate"],
     "realtime": True, "decision": "refused", "code": "TermsOfUseViolation",
     "clause": "le-realtime-identification", "policy_version": "2026-12", "reasons": ["no content credentials"]},
    {"id": "3-0", "kind": "detect", "time": "2026-01-31T09:29:00Z", "tenant_id": "t-1", "route": "detect",
     "provenance": TRUSTED, "doubts": [], "face_ids": ["f-1"], "capture_mode": "", "outcome_status": "200"},
    {"id": "2-0", "kind": "trust_list_change", "time": "2026-01-31T09:28:00Z", "tenant_id": "", "action": "add",
     "by": "operator", "details": {"trust_anchor_id": "a-1", "name": "Acme", "device_class": "body-worn",
                                    "certificate_sha256": "ab" * 32, "certificate_subject": "CN=Acme"}},
    {"id": "1-0", "kind": "operator_review", "time": "2026-01-31T09:27:00Z", "tenant_id": "t-1",
     "action": "approve", "reason": "recorded footage only", "by": "operator", "customer_type": "law_enforcement",
     "country": "FR", "status": "active", "limited_access": "approved"},
    {"id": "0-0", "time": "2025-01-31T09:27:00Z", "tenant_id": "t-1", "decision": "refused", "clause": "x"},
]


def test_the_audit_trail_reads_every_kind(admin: AdminClient, http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/admin/v1/audit", json=TRAIL)
    outcome, allowed, refused, detect, trust, review, legacy = admin.list_audit()
    assert [entry.kind for entry in (outcome, allowed, refused, detect, trust, review, legacy)] == [
        AuditKind.CALL_OUTCOME, AuditKind.POLICY_DECISION, AuditKind.POLICY_DECISION, AuditKind.DETECT,
        AuditKind.TRUST_LIST_CHANGE, AuditKind.OPERATOR_REVIEW, AuditKind.POLICY_DECISION]
    assert all(entry.extra == {} for entry in (outcome, allowed, refused, detect, trust, review, legacy))

    assert (outcome.route, outcome.api_version, outcome.outcome_status, outcome.seq) == (
        "verifyFaceToFace", "v1.2", "200", "6")
    assert (outcome.key_id, outcome.prev, outcome.hash) == ("k1", "p5", "h6")

    assert allowed.face_provenance == (Provenance.from_wire(TRUSTED),) * 2
    assert allowed.face_provenance[0].trusted and allowed.face_provenance[0].device_class is DeviceClass.BODY_WORN
    assert allowed.face_provenance[0].captured_at == datetime(2026, 1, 28, 9, 30, tzinfo=UTC)
    assert allowed.provenance is not None and allowed.provenance.status is ProvenanceStatus.NONE
    assert allowed.provenance.captured_at is None and not allowed.provenance.trusted
    assert allowed.recent_faces == "2" and allowed.collection is None and allowed.outcome_status is None

    assert refused.doubts == ("frames at a video's rate",) and refused.realtime
    assert [p.status for p in refused.face_provenance] == [ProvenanceStatus.NONE, ProvenanceStatus.TRUSTED]

    assert detect.provenance == Provenance.from_wire(TRUSTED) and detect.face_ids == ("f-1",)
    assert trust.action == "add" and trust.details is not None and trust.details["device_class"] == "body-worn"
    assert trust.tenant_id is None
    assert (review.action, review.by, review.status, review.limited_access) == (
        "approve", "operator", TenantStatus.ACTIVE, LimitedAccess.APPROVED)


def test_allowed_and_refused_speak_only_of_policy_decisions(admin: AdminClient,
                                                            http: responses.RequestsMock) -> None:
    http.get(f"{ENDPOINT}/admin/v1/audit", json=TRAIL)
    trail = list(admin.list_audit())
    assert [entry.allowed for entry in trail] == [None, True, False, None, None, None, False]
    assert [entry.refused for entry in trail] == [False, False, True, False, False, False, True]
