"""What an audit entry adds about provenance and doubts, as flat strings beside the decision's fields.

Every recognition or enrollment decision records what the content credentials showed and which
signals doubted the caller's word, for commercial tenants too (for them it decides nothing)."""

from __future__ import annotations

import json

from server.domain.clock import format_time
from server.domain.policy import PolicyRequest


def provenance_fields(request: PolicyRequest) -> dict[str, str]:
    faces = request.face_provenances
    return {
        **request.provenance.to_record(),
        "face_provenance": ",".join(face.status.value for face in faces),
        "face_captured_at": ",".join(format_time(face.captured_at) if face.captured_at else "" for face in faces),
        "face_device_classes": ",".join(face.device_class.value if face.device_class else "" for face in faces),
        "doubts": json.dumps(list(request.doubts), ensure_ascii=False),
        "recent_faces": str(request.recent_faces),
    }
