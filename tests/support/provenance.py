"""Police calls under terms 2026-12, described by what each face's headers said and its provenance shows,
with whether the clause text makes each real time (the table's rows)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.domain.deployments import Sku
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import PolicyRequest
from server.domain.provenance import NO_PROVENANCE, DeviceClass, Provenance, ProvenanceStatus
from server.domain.tenants import CustomerType
from tests.support.policy import tenant

AT = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
"""A moment under terms 2026-12."""

OLD = timedelta(days=3)
COUNTRIES = ("US", "PR", "GU", "GB", "DE", "IN", "BR", "JP")
OPERATIONS = (*sorted(RECOGNITION_CLASSES), OperationClass.FACE_ENROLLMENT)


def trusted(age: timedelta | None, device: DeviceClass = DeviceClass.FIXED) -> Provenance:
    return Provenance(ProvenanceStatus.TRUSTED, None if age is None else AT - age, device, "anchor-1", "Test CA")


UNTRUSTED = Provenance(ProvenanceStatus.UNTRUSTED, codes=("assertion.dataHash.mismatch",),
                       reasons=("the image changed after it was signed",))
NO_HEADERS = CaptureContext()


def said(mode: CaptureMode | None = CaptureMode.RECORDED, age: timedelta | None = OLD,
         camera: Camera | None = None) -> CaptureContext:
    return CaptureContext(mode, None if age is None else AT - age, camera)


@dataclasses.dataclass(frozen=True)
class Scenario:
    faces: tuple[tuple[CaptureContext, Provenance], ...]
    """Each face's capture headers (from its detect call, or this call for an enrollment) and provenance."""
    realtime: bool
    """Per the clause text."""
    doubts: tuple[str, ...] = ()
    recent_faces: int = 1

    def request(self, customer_type: CustomerType, country: str, operation: OperationClass) -> PolicyRequest:
        call = self.faces[0][0] if self.faces else NO_HEADERS
        enrolling = operation is OperationClass.FACE_ENROLLMENT
        return PolicyRequest(
            tenant=tenant(customer_type.value, country), sku=Sku.S0, operation=operation,
            capture=call, face_captures=() if enrolling else tuple(c for c, _ in self.faces), at=AT,
            recent_recognition_calls=1, provenance=self.faces[0][1] if enrolling and self.faces else NO_PROVENANCE,
            face_provenances=() if enrolling else tuple(p for _, p in self.faces), doubts=self.doubts,
            recent_faces=self.recent_faces,
        )


SCENARIOS: dict[str, Scenario] = {
    "trusted body-worn capture 3 days old, no headers": Scenario(((NO_HEADERS, trusted(OLD, DeviceClass.BODY_WORN)),),
                                                                 False),
    "trusted fixed capture 3 days old, headers agreeing": Scenario(
        ((said(camera=Camera.FIXED), trusted(OLD)),), False),
    "trusted capture 24 hours old exactly": Scenario(((NO_HEADERS, trusted(timedelta(hours=24))),), False),
    "trusted evidence-system capture, camera header body-worn": Scenario(
        ((said(camera=Camera.BODY_WORN), trusted(OLD, DeviceClass.EVIDENCE_SYSTEM)),), False),
    "trusted old, captured-at header 30 seconds off": Scenario(
        ((said(age=OLD + timedelta(seconds=30)), trusted(OLD)),), False),
    "trusted old, camera header unknown": Scenario(((said(camera=Camera.UNKNOWN), trusted(OLD)),), False),
    "trusted old, at 60 faces a minute": Scenario(((NO_HEADERS, trusted(OLD)),), False, recent_faces=60),
    "two faces, both trusted and old": Scenario(((NO_HEADERS, trusted(OLD)), (NO_HEADERS, trusted(OLD * 2))), False),
    "trusted body-worn capture an hour old": Scenario(
        ((NO_HEADERS, trusted(timedelta(hours=1), DeviceClass.BODY_WORN)),), True),
    "trusted dash capture 23 hours 59 minutes old": Scenario(
        ((NO_HEADERS, trusted(timedelta(hours=23, minutes=59), DeviceClass.DASH)),), True),
    "trusted fixed capture an hour old": Scenario(((NO_HEADERS, trusted(timedelta(hours=1))),), True),
    "trusted capture in the future": Scenario(((NO_HEADERS, trusted(-timedelta(hours=1))),), True),
    "trusted capture without a capture time": Scenario(((NO_HEADERS, trusted(None)),), True),
    "untrusted image, recorded headers 3 days old": Scenario(((said(), UNTRUSTED),), True),
    "no provenance, recorded headers 3 days old": Scenario(((said(camera=Camera.FIXED), NO_PROVENANCE),), True),
    "no provenance, no headers": Scenario(((NO_HEADERS, NO_PROVENANCE),), True),
    "trusted old, header says live": Scenario(((said(CaptureMode.LIVE, None), trusted(OLD)),), True),
    "trusted old, captured-at header 2 days later": Scenario(((said(age=timedelta(days=1)), trusted(OLD)),), True),
    "trusted old body-worn, camera header says dash": Scenario(
        ((said(camera=Camera.DASH), trusted(OLD, DeviceClass.BODY_WORN)),), True),
    "one face trusted and old, one untrusted": Scenario(((NO_HEADERS, trusted(OLD)), (NO_HEADERS, UNTRUSTED)), True),
    "trusted old, with a doubt": Scenario(((NO_HEADERS, trusted(OLD)),), True,
                                          doubts=("near-identical frames at a video's frame rate",)),
    "trusted old, at 61 faces a minute": Scenario(((NO_HEADERS, trusted(OLD)),), True, recent_faces=61),
    "no face at all": Scenario((), True),
}
