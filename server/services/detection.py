"""detect: faces, landmarks and attributes from pixels; faceIds kept with their embeddings, the
capture context and provenance of their image; each detection counted and audited."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from redis import Redis

from server.domain.audit import detect_event
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.detection import DetectOptions, FaceAttribute, RecognitionModel
from server.domain.faces import FaceRecord
from server.domain.linking import organization_link_keys
from server.services.provenance import ImageEvidence
from server.services.signals import record_detected_faces
from server.store.audit import AuditLog
from server.store.faces import FaceRepository
from server.vision import attributes, detector, landmarks

NEEDS_LANDMARKS = frozenset({FaceAttribute.HEAD_POSE, FaceAttribute.QUALITY_FOR_RECOGNITION})


@dataclasses.dataclass(frozen=True)
class DetectedFace:
    face_rectangle: detector.FaceBox
    face_id: str | None = None
    recognition_model: RecognitionModel | None = None
    face_landmarks: dict[str, Any] | None = None
    face_attributes: dict[str, Any] | None = None


def detect(redis: Redis, caller: Caller, image: ImageEvidence, options: DetectOptions) -> list[DetectedFace]:
    """The faces of an image, largest first. Their faceIds, when asked for, keep the caller's capture
    context, the image's provenance and doubts, for the terms of use of later recognition calls; the
    faces count towards the tenant's live-stream throughput, and the call goes to the audit trail."""
    pixels = image.pixels
    found: list[DetectedFace] = []
    records: list[FaceRecord] = []
    created_at = now()
    want_points = options.return_landmarks or bool(NEEDS_LANDMARKS.intersection(options.attributes))
    for box in detector.detect_faces(pixels, options.detection_model):
        face = DetectedFace(face_rectangle=box)
        if options.return_face_id:
            record = FaceRecord(
                face_id=str(uuid.uuid4()),
                tenant_id=caller.tenant_id,
                deployment_id=caller.deployment_id,
                detection_model=options.detection_model,
                recognition_model=options.recognition_model,
                embedding=detector.embed(pixels, box),
                capture=caller.capture,
                created_at=created_at,
                provenance=image.provenance,
                doubts=image.doubts,
            )
            records.append(record)
            face = dataclasses.replace(face, face_id=record.face_id, recognition_model=(
                options.recognition_model if options.return_recognition_model else None))
        points = detector.landmarks68(pixels, box) if want_points else None
        if options.return_landmarks and points is not None:
            face = dataclasses.replace(face, face_landmarks=landmarks.azure_landmarks(points))
        if options.attributes:
            face = dataclasses.replace(face, face_attributes=attributes.compute_attributes(
                pixels, box, points, options.attributes))
        found.append(face)
    if records:
        FaceRepository(redis).save_all(records, options.face_id_ttl)
    account_detection(redis, caller, image, [record.face_id for record in records], len(found), created_at)
    return found


def account_detection(redis: Redis, caller: Caller, image: ImageEvidence, face_ids: list[str], found: int,
                      at: datetime) -> None:
    """What every detection leaves behind, on any surface: its faces count towards the tenant's
    live-stream throughput, and the call goes to the audit trail with its capture and provenance."""
    record_detected_faces(redis, caller.tenant_id, face_ids, found, organizations=organization_link_keys(caller.tenant))
    AuditLog(redis).append_event(detect_event(
        caller.tenant, at=at, request_id=caller.request_id, deployment_id=caller.deployment_id,
        deployment_name=caller.deployment.name, capture=caller.capture, provenance=image.provenance,
        face_ids=face_ids, doubts=image.doubts, route=caller.route, api_version=caller.api_version,
        outcome_status=200))

