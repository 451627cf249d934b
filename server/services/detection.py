"""detect: faces, landmarks and attributes from pixels; faceIds kept with their embeddings."""

from __future__ import annotations

import uuid
from typing import Any

from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.detection import DetectOptions, FaceAttribute
from server.domain.faces import FaceRecord
from server.store.faces import FaceRepository
from server.vision import attributes, detector, landmarks
from server.vision.images import decode_image

NEEDS_LANDMARKS = frozenset({FaceAttribute.HEAD_POSE, FaceAttribute.QUALITY_FOR_RECOGNITION})


def detect(
    image: bytes,
    options: DetectOptions,
    *,
    tenant_id: str,
    deployment_id: str,
    capture: CaptureContext,
    faces: FaceRepository,
) -> list[dict[str, Any]]:
    pixels = decode_image(image).pixels
    results: list[dict[str, Any]] = []
    records: list[FaceRecord] = []
    created_at = now()
    want_points = options.return_landmarks or bool(NEEDS_LANDMARKS.intersection(options.attributes))
    for box in detector.detect_faces(pixels, options.detection_model):
        result: dict[str, Any] = {}
        if options.return_face_id:
            record = FaceRecord(
                face_id=str(uuid.uuid4()),
                tenant_id=tenant_id,
                deployment_id=deployment_id,
                detection_model=options.detection_model,
                recognition_model=options.recognition_model,
                embedding=detector.embed(pixels, box),
                capture=capture,
                created_at=created_at,
            )
            records.append(record)
            result["faceId"] = record.face_id
            if options.return_recognition_model:
                result["recognitionModel"] = options.recognition_model.value
        result["faceRectangle"] = box.to_public()
        points = detector.landmarks68(pixels, box) if want_points else None
        if options.return_landmarks and points is not None:
            result["faceLandmarks"] = landmarks.azure_landmarks(points)
        if options.attributes:
            result["faceAttributes"] = attributes.compute_attributes(pixels, box, points, options.attributes)
        results.append(result)
    if records:
        faces.save_all(records, options.face_id_ttl)
    return results
