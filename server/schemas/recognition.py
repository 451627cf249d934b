"""Bodies of the recognition calls: verify (and, as they land, identify, findsimilars, group)."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from server.schemas.base import WireSchema


class FaceIdField(fields.String):
    """A faceId: a UUID, or Azure's "<what> ID is invalid." message."""

    def __init__(self, message: str = "Face ID is invalid.", **kwargs: Any) -> None:
        super().__init__(error_messages={"invalid": message, "null": message, "required": message}, **kwargs)
        self.invalid_message = message

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(self.invalid_message)
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValidationError(self.invalid_message) from None


class VerifySchema(WireSchema):
    face_id1 = FaceIdField(data_key="faceId1", load_default=None)
    face_id2 = FaceIdField(data_key="faceId2", load_default=None)
    face_id = FaceIdField(data_key="faceId", load_default=None)
    person_id = FaceIdField("Person ID is invalid.", data_key="personId", load_default=None)
    person_group_id = fields.String(data_key="personGroupId", load_default=None)
    large_person_group_id = fields.String(data_key="largePersonGroupId", load_default=None)

    @validates_schema
    def _one_form(self, data: dict[str, Any], **_: Any) -> None:
        face_to_face = data["face_id1"] is not None or data["face_id2"] is not None
        if face_to_face:
            if data["face_id1"] is None or data["face_id2"] is None:
                raise ValidationError("Face ID is invalid.")
            return
        if data["face_id"] is None:
            raise ValidationError("Face ID is invalid.")
