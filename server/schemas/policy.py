"""The body of POST /mgmt/v1/policy/evaluate: a described data-plane call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate

from server.domain import terms
from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.domain.clock import parse_time
from server.domain.operations import OperationClass
from server.schemas.base import StrictSchema

OPERATIONS = [member.value for member in OperationClass]


class Rfc3339(fields.Field):
    """A time with an offset, like the x-visage-captured-at header."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            return parse_time(str(value))
        except ValueError:
            raise ValidationError(
                "Must be an RFC 3339 time with an offset, for example 2026-01-31T09:30:00Z.") from None


MODES = [mode.value for mode in CaptureMode]
CAMERAS = [camera.value for camera in Camera]


class CaptureSchema(StrictSchema):
    mode = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(MODES, error="mode must be live or recorded."))
    captured_at = Rfc3339(load_default=None, allow_none=True)
    camera = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(CAMERAS, error=f"camera must be one of {', '.join(CAMERAS)}."))

    @post_load
    def _context(self, data: dict[str, Any], **_: Any) -> CaptureContext:
        return CaptureContext(
            mode=CaptureMode(data["mode"]) if data["mode"] else None,
            captured_at=data["captured_at"],
            camera=Camera(data["camera"]) if data["camera"] else None,
        )


class EvaluateSchema(StrictSchema):
    operation = fields.String(required=True, validate=validate.OneOf(
        OPERATIONS, error=f"Unknown operation. Use one of: {', '.join(OPERATIONS)}."),
        metadata={"example": "identification"})
    deployment = fields.String(load_default=None, allow_none=True)
    capture = fields.Nested(CaptureSchema, load_default=None, allow_none=True)
    face_ids = fields.List(fields.String(), load_default=list, validate=validate.Length(max=1000))
    policy_version = fields.String(load_default=None, allow_none=True)
    at = Rfc3339(load_default=None, allow_none=True)

    @post_load
    def _known_version(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        versions = [doc.version for doc in terms.documents()]
        if data["policy_version"] is not None and data["policy_version"] not in versions:
            raise ValidationError(f"Unknown policy version. Use one of: {', '.join(versions)}.",
                                  field_name="policy_version")
        data["operation"] = OperationClass(data["operation"])
        data["capture"] = data["capture"] or CaptureContext()
        return data
