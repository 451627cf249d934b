"""Real time decided by provenance (terms 2026-12 on): what the faces' content credentials show.

Under these terms a law-enforcement call is real time unless every face it uses comes from an image
with trusted C2PA content credentials whose capture time is older than the threshold. The caller's
capture headers can no longer make a call recorded; they can only contradict a trusted manifest,
which makes the call doubtful, and doubtful counts as real time. So do the signals a caller cannot
choose (`doubts`, gathered by the data plane) and a live stream's throughput in faces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.domain.clock import format_time
from server.domain.provenance import PATROL_CAMERAS, Provenance, ProvenanceStatus

PROVENANCE_BASIS = "provenance"
"""The `realtime_basis` setting of a policy document that decides real time by content credentials."""

PROVENANCE_HINT = (
    "Detection and face redaction stay allowed, and so does recognition on recorded footage with provenance: "
    "every face must come from an image that carries C2PA content credentials signed by the capture device or an "
    "evidence system under a certificate authority the Visage operator lists as a trust anchor, whose c2pa.created "
    "action says it was captured more than {hours} hours before the call. Send the signed image unchanged (any "
    "edit breaks its hash). Capture headers alone do not make footage recorded, and headers that contradict the "
    "content credentials make a call doubtful."
)
"""Ends a real-time refusal under these terms: what the caller may still do, and how to show provenance."""


THIS_CALL = "this call"


@dataclasses.dataclass(frozen=True)
class ProvenanceSettings:
    recency: timedelta
    cadence_faces: int
    cadence_seconds: int
    tolerance: timedelta

    @property
    def hours(self) -> int:
        return int(self.recency.total_seconds() // 3600)


@dataclasses.dataclass(frozen=True)
class FaceEvidence:
    """One face a call uses: what the caller said about its capture, and what its image's credentials show."""

    said: CaptureContext
    shown: Provenance
    subject: str
    """How the reasons name it: "the image" (a face being added) or "a face it uses" (a faceId)."""
    said_by: str
    """Whose headers `said` are: "this call", or "the detect call of a face it uses"."""


def uses_provenance(settings: dict[str, Any]) -> bool:
    return settings.get("realtime_basis") == PROVENANCE_BASIS


def settings_of(version: str, settings: dict[str, Any]) -> ProvenanceSettings:
    try:
        cadence = settings["realtime_cadence"]
        return ProvenanceSettings(
            recency=timedelta(seconds=int(settings["realtime_recency_seconds"])),
            cadence_faces=int(cadence["faces"]),
            cadence_seconds=int(cadence["seconds"]),
            tolerance=timedelta(seconds=int(settings["header_tolerance_seconds"])),
        )
    except KeyError as missing:
        raise ValueError(f"policy {version} decides real time by provenance but has no setting {missing}") from None


def realtime_reasons(faces: Sequence[FaceEvidence], call: CaptureContext, doubts: Sequence[str], recent_faces: int,
                     at: datetime, settings: ProvenanceSettings) -> tuple[str, ...]:
    """Why the call counts as real time; empty when it does not."""
    reasons: list[str] = []
    if not faces:
        reasons.append("it names no face Visage knows, so none is proven to come from an image with content "
                       "credentials (fail closed)")
    for face in faces:
        reasons.extend(_face_reasons(face, at, settings))
        for whose, said in ((face.said_by, face.said), (THIS_CALL, call)):
            reasons.extend(_contradictions(said, face, whose, at, settings))
    reasons.extend(doubts)
    if recent_faces > settings.cadence_faces:
        reasons.append(f"{recent_faces} faces in {settings.cadence_seconds} seconds is a live stream's throughput "
                       f"(more than {settings.cadence_faces})")
    return tuple(dict.fromkeys(reasons))


def _face_reasons(face: FaceEvidence, at: datetime, settings: ProvenanceSettings) -> Iterable[str]:
    shown, subject = face.shown, face.subject
    if shown.status is ProvenanceStatus.NONE:
        yield f"{subject} comes from an image without content credentials (C2PA), so its capture is unproven"
        return
    if shown.status is ProvenanceStatus.UNTRUSTED:
        why = "; ".join(shown.reasons) or "not signed under a listed trust anchor, or changed after signing"
        yield f"{subject} comes from an image whose content credentials are not trusted ({why})"
        return
    if shown.captured_at is None:
        yield f"{subject} has trusted content credentials that give no capture time"
    elif shown.captured_at > at:
        yield f"{subject} has trusted content credentials whose capture time is in the future"
    elif at - shown.captured_at < settings.recency:
        age = _age(at - shown.captured_at)
        if shown.device_class in PATROL_CAMERAS:
            yield (f"{subject} was captured by a {shown.device_class.value} camera {age} before the call (trusted "
                   f"content credentials), less than {settings.hours} hours: recognition on a patrol camera's "
                   f"footage that fresh is what the clause forbids")
        else:
            device = f"a {shown.device_class.value} device" if shown.device_class else "a listed device"
            yield (f"{subject} was captured by {device} {age} before the call (trusted content credentials), "
                   f"less than {settings.hours} hours")


def _contradictions(said: CaptureContext, face: FaceEvidence, whose: str, at: datetime,
                    settings: ProvenanceSettings) -> Iterable[str]:
    """Headers that disagree with trusted content credentials: the call is doubtful, field by field."""
    shown = face.shown
    if not shown.trusted or shown.captured_at is None:
        return
    when = format_time(shown.captured_at)
    if said.mode is CaptureMode.LIVE and at - shown.captured_at >= settings.recency:
        yield (f"x-visage-capture-mode on {whose} says live, which contradicts the trusted c2pa.created time "
               f"{when} of {face.subject}")
    if said.captured_at is not None and abs(said.captured_at - shown.captured_at) > settings.tolerance:
        yield (f"x-visage-captured-at on {whose} says {format_time(said.captured_at)}, which contradicts the trusted "
               f"c2pa.created time {when} of {face.subject}")
    device = shown.device_class
    if (said.camera not in (None, Camera.UNKNOWN) and device is not None and device.is_camera
            and said.camera.value != device.value):
        yield (f"x-visage-camera on {whose} says {said.camera.value}, which contradicts the trusted content "
               f"credentials of {face.subject}, signed under a trust anchor listed for {device.value} devices")


def frame_provenance(footage: Provenance, timestamp_ms: int) -> Provenance:
    """A frame of trusted footage was captured when the footage was plus the frame's timestamp: a
    recording that started 25 hours ago is fresher than a day two hours in."""
    if not footage.trusted or footage.captured_at is None:
        return footage
    return dataclasses.replace(footage, captured_at=footage.captured_at + timedelta(milliseconds=timestamp_ms))


def _age(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    return f"{minutes // 60} hours"
