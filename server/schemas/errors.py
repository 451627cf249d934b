"""The error envelope every route answers with when it fails."""

from __future__ import annotations

from marshmallow import Schema, fields


class InnerErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "For TermsOfUseViolation: the clause id."})
    policyVersion = fields.String(metadata={"description": "For TermsOfUseViolation: the policy version."})
    message = fields.String()


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    target = fields.String()


class ErrorSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    target = fields.String()
    details = fields.List(fields.Nested(ErrorDetailSchema))
    innererror = fields.Nested(InnerErrorSchema)


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorSchema, required=True)
