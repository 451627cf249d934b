"""Query parameters of detect (and of add-face, which shares detectionModel)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load

from server import defaults
from server.domain import detection
from server.schemas.base import WireSchema


def _invalid(name: str) -> dict[str, str | list[Any] | dict[Any, Any]]:
    return {"invalid": f"Invalid argument {name}.", "null": f"Invalid argument {name}."}


class DetectQuerySchema(WireSchema):
    detection_model = fields.String(data_key="detectionModel", load_default=None)
    recognition_model = fields.String(data_key="recognitionModel", load_default=None)
    return_face_id = fields.Boolean(data_key="returnFaceId", load_default=True,
                                    error_messages=_invalid("returnFaceId"))
    return_landmarks = fields.Boolean(data_key="returnFaceLandmarks", load_default=False,
                                      error_messages=_invalid("returnFaceLandmarks"))
    return_recognition_model = fields.Boolean(data_key="returnRecognitionModel", load_default=False,
                                              error_messages=_invalid("returnRecognitionModel"))
    attributes = fields.String(data_key="returnFaceAttributes", load_default=None)
    face_id_ttl = fields.Integer(data_key="faceIdTimeToLive", load_default=defaults.FACE_ID_TTL_DEFAULT,
                                 strict=False, error_messages=_invalid("faceIdTimeToLive"))

    @post_load
    def _to_options(self, data: dict[str, Any], **_: Any) -> detection.DetectOptions:
        attributes, sensitive = detection.parse_attributes(data["attributes"])
        options = detection.DetectOptions(
            detection_model=detection.parse_detection_model(data["detection_model"]),
            recognition_model=detection.parse_recognition_model(data["recognition_model"]),
            return_face_id=data["return_face_id"],
            return_landmarks=data["return_landmarks"],
            return_recognition_model=data["return_recognition_model"],
            attributes=attributes,
            sensitive_attributes=sensitive,
            face_id_ttl=detection.check_face_id_ttl(data["face_id_ttl"]),
        )
        return detection.check_options(options)
