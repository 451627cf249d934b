"""verify: are two faces the same person?"""

from __future__ import annotations

from typing import Any

from server.domain import similarity
from server.domain.faces import owned_face
from server.errors import BadArgument
from server.store.faces import FaceRepository


def verify_face_to_face(face_id1: str, face_id2: str, *, tenant_id: str, faces: FaceRepository) -> dict[str, Any]:
    first, second = (owned_face(record, tenant_id) for record in faces.get_many([face_id1, face_id2]))
    if first.recognition_model is not second.recognition_model:
        raise BadArgument("'recognitionModel' is incompatible.")
    confidence = similarity.confidence_from_distance(similarity.distance(first.embedding, second.embedding))
    return {"isIdentical": similarity.is_identical(confidence), "confidence": confidence}
