"""detect: faces, landmarks and attributes from pixels; faceIds kept with their embeddings."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from redis import Redis

from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.detection import DetectOptions, FaceAttribute, RecognitionModel
from server.domain.faces import FaceRecord
from server.store.faces import FaceRepository
from server.vision import attributes, detector, landmarks
from server.vision.images import decode_image

NEEDS_LANDMARKS = frozenset({FaceAttribute.HEAD_POSE, FaceAttribute.QUALITY_FOR_RECOGNITION})


@dataclasses.dataclass(frozen=True)
class DetectedFace:
    face_rectangle: detector.FaceBox
    face_id: str | None = None
    recognition_model: RecognitionModel | None = None
    face_landmarks: dict[str, Any] | None = None
    face_attributes: dict[str, Any] | None = None


def detect(redis: Redis, caller: Caller, image: bytes, options: DetectOptions) -> list[DetectedFace]:
    """The faces of an image, largest first; their faceIds, when asked for, keep the caller's capture
    context for the terms of use of later recognition calls."""
    pixels = decode_image(image).pixels
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
    return found

