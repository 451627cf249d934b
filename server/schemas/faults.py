"""Injected faults on the wire: what adding one takes, and what a fault shows."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from server import defaults
from server.domain.deployments import NAME_PATTERN
from server.domain.faults import ANY_OPERATION, INJECTABLE_STATUSES
from server.schemas.base import ReplySchema, StrictSchema, Time


class Fraction(fields.Float):
    """A JSON number from 0 to 1; a string or a boolean is not one."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _whole(low: int, high: int | None, what: str, **options: Any) -> fields.Integer:
    limit = f"from {low} to {high}" if high is not None else f"of {low} or more"
    message = f"{what} must be a whole number {limit}."
    return fields.Integer(strict=True, validate=validate.Range(low, high, error=message),
                          error_messages={"invalid": message}, **options)


class FaultCreateSchema(StrictSchema):
    tenant_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Only this tenant's calls (a deployment name is unique only within a tenant); null: any "
                       "tenant's."})
    deployment = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        NAME_PATTERN, error="'deployment' is a deployment name: 1 to 64 letters, digits and hyphens."), metadata={
        "description": "Only calls through deployments of this name; null: every deployment.", "example": "starter"})
    operation = fields.String(load_default=ANY_OPERATION, metadata={
        "description": "A data-plane operationId (detect, identify, createLargePersonGroup, ...), or * for all.",
        "example": "detect"})
    status = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.OneOf(
        INJECTABLE_STATUSES, error="'status' must be 429, 500, 503, or null for a delay only."), metadata={
        "description": "The error to answer with, in Azure's envelope (429 and 503 with Retry-After); null: the "
                       "call goes ahead after the delay.", "example": 503})
    probability = Fraction(load_default=1.0, validate=validate.Range(
        0, 1, error="'probability' must be a number from 0 to 1."), error_messages={
        "invalid": "'probability' must be a number from 0 to 1."}, metadata={
        "description": "The chance that a matching call is hit."})
    latency_ms = _whole(0, defaults.FAULT_MAX_LATENCY_MS, "'latency_ms'", load_default=0,
                        metadata={"description": "Milliseconds to wait before answering."})
    count = _whole(1, defaults.FAULT_MAX_COUNT, "'count'", load_default=None, allow_none=True, metadata={
        "description": "Hit only the next this-many matching calls (counted across every API process), then "
                       "disappear; null: until deleted.", "example": 2})
    retry_after = _whole(1, defaults.FAULT_MAX_RETRY_AFTER_SECONDS, "'retry_after'",
                         load_default=defaults.FAULT_RETRY_AFTER_SECONDS,
                         metadata={"description": "Seconds in the Retry-After of an injected 429 or 503."})

    @validates_schema
    def _does_something(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") is None and not data.get("latency_ms"):
            raise ValidationError("A fault needs a status, a latency_ms, or both.", "status")


class FaultSchema(ReplySchema):
    id = fields.String(required=True, attribute="fault_id")
    tenant_id = fields.String(required=True, allow_none=True)
    deployment = fields.String(required=True, allow_none=True)
    operation = fields.String(required=True)
    status = fields.Integer(required=True, allow_none=True)
    probability = fields.Float(required=True)
    latency_ms = fields.Integer(required=True)
    count = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Hits left; null when the fault hits until deleted."})
    retry_after = fields.Integer(required=True)
    created = Time(required=True, attribute="created_at")
