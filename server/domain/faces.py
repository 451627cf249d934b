"""Detected faces (faceIds): what a detect call leaves behind for recognition calls.

A faceId belongs to the tenant whose key detected it; to anyone else it does not exist (the
same FaceNotFound as an unknown or expired id, so nothing leaks).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np

from server.domain.capture import CaptureContext
from server.domain.clock import format_time, parse_time
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.errors import Kind, NotFound

EMBEDDING_SIZE = 128
"""dlib's ResNet face encoder yields 128 float32 values."""


class FaceNotFound(NotFound):
    code = "FaceNotFound"
    message = "Face is not found."


@dataclasses.dataclass(frozen=True)
class FaceRecord:
    face_id: str
    tenant_id: str
    deployment_id: str
    detection_model: DetectionModel
    recognition_model: RecognitionModel
    embedding: np.ndarray
    capture: CaptureContext
    created_at: datetime
    provenance: Provenance = NO_PROVENANCE
    """What the image's content credentials said (a faceId from an untrusted image stays untrusted)."""
    doubts: tuple[str, ...] = ()
    """Why the detect call looked like live capture whatever it claimed (signals a caller cannot choose)."""

    def to_record(self) -> dict[str, str | bytes]:
        return {
            "tenant_id": self.tenant_id,
            "deployment_id": self.deployment_id,
            "detection_model": self.detection_model.value,
            "recognition_model": self.recognition_model.value,
            "embedding": self.embedding.astype(np.float32).tobytes(),
            "created_at": format_time(self.created_at),
            **self.capture.to_record(),
            **self.provenance.to_record(),
            "doubts": json.dumps(list(self.doubts), ensure_ascii=False),
        }

    @classmethod
    def from_record(cls, face_id: str, raw: Mapping[Any, Any]) -> FaceRecord:
        fields = {key.decode(): value for key, value in raw.items()}
        texts = {key: value.decode() for key, value in fields.items() if key != "embedding"}
        return cls(
            face_id=face_id,
            tenant_id=texts["tenant_id"],
            deployment_id=texts["deployment_id"],
            detection_model=DetectionModel(texts["detection_model"]),
            recognition_model=RecognitionModel(texts["recognition_model"]),
            embedding=np.frombuffer(fields["embedding"], dtype=np.float32),
            capture=CaptureContext.from_record(texts),
            created_at=parse_time(texts["created_at"]),
            provenance=Provenance.from_record(texts),
            doubts=tuple(json.loads(texts["doubts"])) if texts.get("doubts") else (),
        )


def owned_face(record: FaceRecord | None, tenant_id: str, *, kind: Kind = Kind.NOT_FOUND) -> FaceRecord:
    """The record if this tenant made it; otherwise FaceNotFound (404 on verify, 400 on identify)."""
    if record is None or record.tenant_id != tenant_id:
        raise FaceNotFound(kind=kind)
    return record
