"""Management token recovery on the wire: the request by email, the link's confirmation, the answers."""

from __future__ import annotations

from marshmallow import fields, validate

from server.schemas.base import ReplySchema, StrictSchema


class RecoveryRequestSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "The contact address of the tenant whose management token was lost."},
        error_messages={"invalid": "Not a valid email address.", "required": "Enter the tenant's contact email."})


class RecoveryConfirmSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The token from the recovery link."},
        error_messages={"required": "The recovery link's token is missing."})


class RecoveryAcceptedSchema(ReplySchema):
    message = fields.String(required=True)


class RecoveredTokenSchema(ReplySchema):
    tenant_id = fields.String(required=True, attribute="tenant.tenant_id")
    management_token = fields.String(required=True, metadata={
        "description": "The new management token, shown once; the old one no longer works."})
