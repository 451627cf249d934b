"""Terms 2026-12 beyond the table: wording of refusals, commercial tenants unchanged, older versions
unchanged for the dry run, the version in force against a clock set backwards, stored provenance."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import numpy as np
import pytest

from server.domain import terms
from server.domain.audit import policy_decision_event
from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.domain.operations import OperationClass
from server.domain.policy import PolicyRequest, decide
from server.domain.provenance import NO_PROVENANCE, DeviceClass, Provenance, ProvenanceStatus
from server.domain.tenants import CustomerType
from tests.support.policy import NOW, UNDER_2020_06
from tests.support.provenance import AT, OLD, OPERATIONS, SCENARIOS, trusted

POLICE = CustomerType.LAW_ENFORCEMENT
CURRENT = terms.current(AT)


def refusal(name: str, operation: OperationClass = OperationClass.IDENTIFICATION) -> str:
    decision = decide(SCENARIOS[name].request(POLICE, "GB", operation), CURRENT)
    assert not decision.allowed
    return decision.message


@pytest.mark.parametrize(("scenario", "device"), [
    ("trusted body-worn capture an hour old", "body-worn camera"),
    ("trusted dash capture 23 hours 59 minutes old", "dash camera"),
])
def test_a_fresh_patrol_camera_capture_is_refused_naming_the_device_class(scenario: str, device: str) -> None:
    message = refusal(scenario)
    assert "le-realtime-identification" in message
    assert f"captured by a {device} " in message


def test_the_refusal_says_what_the_caller_may_still_do_and_how_to_present_provenance() -> None:
    message = refusal("no provenance, recorded headers 3 days old")
    for words in ("Detection and face redaction stay allowed", "recorded footage with provenance", "C2PA",
                  "trust anchor", "more than 24 hours", "Capture headers alone do not make footage recorded",
                  "without content credentials"):
        assert words in message, words


@pytest.mark.parametrize(("scenario", "field", "shown"), [
    ("trusted old, header says live", "x-visage-capture-mode on the detect call of a face it uses says live",
     "trusted c2pa.created time"),
    ("trusted old, captured-at header 2 days later", "x-visage-captured-at on this call says 2026-12-09T12:00",
     f"c2pa.created time {(AT - OLD).strftime('%Y-%m-%dT%H:%M')}"),
    ("trusted old body-worn, camera header says dash", "x-visage-camera on this call says dash",
     "listed for body-worn devices"),
])
def test_a_header_contradicting_a_trusted_manifest_says_which_field_contradicted_which(
        scenario: str, field: str, shown: str) -> None:
    decision = decide(SCENARIOS[scenario].request(POLICE, "GB", OperationClass.IDENTIFICATION), CURRENT)
    assert decision.realtime is True
    assert any(field in reason and "contradicts" in reason and shown in reason for reason in decision.reasons), \
        decision.reasons


def test_the_headers_of_the_call_itself_are_checked_against_its_faces() -> None:
    case = SCENARIOS["trusted fixed capture 3 days old, headers agreeing"]
    request = dataclasses.replace(case.request(POLICE, "GB", OperationClass.IDENTIFICATION),
                                  capture=CaptureContext(CaptureMode.LIVE, None, Camera.BODY_WORN))
    decision = decide(request, CURRENT)
    assert not decision.allowed
    assert [r for r in decision.reasons if r.startswith("x-visage-capture-mode on this call says live")]
    assert [r for r in decision.reasons if r.startswith("x-visage-camera on this call says body-worn")]


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("customer_type", [kind for kind in CustomerType if kind is not POLICE])
def test_other_customers_see_no_change(scenario: str, customer_type: CustomerType) -> None:
    for operation in OPERATIONS:
        if operation is OperationClass.FACE_ENROLLMENT and len(SCENARIOS[scenario].faces) != 1:
            continue
        request = SCENARIOS[scenario].request(customer_type, "US", operation)
        new, old = decide(request, CURRENT), decide(request, terms.document("2024-05"))
        assert (new.allowed, new.code, new.clause, new.realtime, new.reasons) == \
               (old.allowed, old.code, old.clause, old.realtime, old.reasons)
        assert new.message == old.message.replace("2024-05", "2026-12")


@pytest.mark.parametrize("version", ["2020-06", "2024-05"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_older_versions_decide_as_before_whatever_the_provenance(version: str, scenario: str) -> None:
    moment = UNDER_2020_06 if version == "2020-06" else NOW
    for customer_type, country in ((POLICE, "US"), (POLICE, "GB"), (CustomerType.COMMERCIAL, "GB")):
        with_provenance = dataclasses.replace(SCENARIOS[scenario].request(customer_type, country,
                                                                         OperationClass.IDENTIFICATION), at=moment)
        without = dataclasses.replace(with_provenance, face_provenances=(), provenance=NO_PROVENANCE, doubts=(),
                                      recent_faces=0)
        assert decide(with_provenance, terms.document(version)) == decide(without, terms.document(version))


def test_the_version_in_force_does_not_follow_a_clock_set_backwards() -> None:
    back_in_march = datetime(2026, 3, 2, tzinfo=UTC)
    assert terms.in_force(back_in_march, None).version == "2024-05"
    assert terms.in_force(back_in_march, "2026-12").version == "2026-12"
    assert terms.in_force(AT, "2024-05").version == "2026-12"
    assert terms.in_force(AT, "2099-01").version == "2026-12"
    assert terms.document("2024-05").version == "2024-05"  # the dry run still names older versions


def test_terms_2026_12_are_in_force_from_the_first_of_december() -> None:
    assert terms.current(datetime(2026, 11, 30, 23, 59, tzinfo=UTC)).version == "2024-05"
    assert terms.current(datetime(2026, 12, 1, tzinfo=UTC)).version == "2026-12"


def test_provenance_is_kept_with_a_face_and_old_records_read_as_none() -> None:
    provenance = trusted(OLD, DeviceClass.DASH)
    record = FaceRecord("f", "t", "d", DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_04,
                        np.zeros(128, dtype=np.float32), CaptureContext(), AT, provenance, ("a doubt",))
    stored = {key.encode(): value if isinstance(value, bytes) else value.encode()
              for key, value in record.to_record().items()}
    back = FaceRecord.from_record("f", stored)
    assert (back.provenance.status, back.provenance.captured_at, back.provenance.device_class,
            back.provenance.anchor_id) == (ProvenanceStatus.TRUSTED, AT - OLD, DeviceClass.DASH, "anchor-1")
    assert back.doubts == ("a doubt",)
    before_provenance = {key: value for key, value in stored.items()
                         if not key.startswith(b"provenance") and key != b"doubts"}
    old = FaceRecord.from_record("f", before_provenance)
    assert (old.provenance, old.doubts) == (NO_PROVENANCE, ())


def test_an_untrusted_record_keeps_no_capture_time_or_class() -> None:
    forged = {"provenance": "untrusted", "provenance_captured_at": "2020-01-01T00:00:00Z",
              "provenance_device_class": "fixed"}
    assert Provenance.from_record(forged) == Provenance(ProvenanceStatus.UNTRUSTED)


def audit_entry(request: PolicyRequest) -> dict[str, str]:
    return policy_decision_event(request, decide(request, CURRENT), request_id="r", deployment_id="d",
                                 deployment_name="n").entry()


def test_the_audit_entry_says_what_the_credentials_showed_and_what_was_doubted() -> None:
    case = SCENARIOS["trusted old, with a doubt"]
    fields = audit_entry(case.request(CustomerType.COMMERCIAL, "GB", OperationClass.IDENTIFICATION))
    faces = json.loads(fields["face_provenance"])
    assert [(face["status"], face["device_class"]) for face in faces] == [("trusted", "fixed")]
    assert json.loads(fields["doubts"]) == list(case.doubts)
    enrolling = audit_entry(SCENARIOS["trusted old, camera header unknown"].request(
        POLICE, "GB", OperationClass.FACE_ENROLLMENT))
    image = json.loads(enrolling["provenance"])
    assert (image["status"], image["device_class"]) == ("trusted", "fixed")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_police_allowed_on_old_trusted_footage_are_told_why(operation: OperationClass) -> None:
    request = SCENARIOS["trusted body-worn capture 3 days old, no headers"].request(POLICE, "GB", operation)
    decision = decide(request, CURRENT)
    assert (decision.allowed, decision.realtime) == (True, False)
    assert decision.reasons == ("every face it uses comes from an image with trusted content credentials captured "
                                "before the real-time threshold",)
