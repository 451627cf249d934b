"""The operator's trust list on the wire: what adding an anchor takes, and what an anchor shows."""

from __future__ import annotations

from marshmallow import fields, validate

from server.domain.provenance import DeviceClass
from server.schemas.base import ReplySchema, StrictSchema, Time

DEVICE_CLASSES = [member.value for member in DeviceClass]


class TrustAnchorCreateSchema(StrictSchema):
    """Read loosely typed: the service checks each field and says what is wrong in its own words."""

    name = fields.Raw(required=True, metadata={"type": "string", "minLength": 1, "maxLength": 128})
    certificate = fields.Raw(required=True, metadata={
        "type": "string", "description": "One PEM CA certificate (BasicConstraints CA=true) of a capture-device "
                                         "manufacturer or an evidence system."})
    device_class = fields.Raw(required=True, metadata={"type": "string", "enum": DEVICE_CLASSES})


class TrustAnchorSchema(ReplySchema):
    id = fields.String(required=True, attribute="anchor_id")
    name = fields.String(required=True)
    device_class = fields.String(required=True, validate=validate.OneOf(DEVICE_CLASSES))
    certificate = fields.String(required=True, metadata={"description": "The CA certificate, PEM."})
    fingerprint_sha256 = fields.String(required=True, attribute="fingerprint")
    subject = fields.String(required=True)
    not_after = Time(required=True)
    created = Time(required=True, attribute="created_at")
