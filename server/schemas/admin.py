"""Bodies of the operator API."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from server.domain.review import ReviewDecision
from server.domain.tenants import CustomerType
from server.schemas.base import StrictSchema, country_code

CUSTOMER_TYPES = [member.value for member in CustomerType]
DECISIONS = [ReviewDecision.APPROVE, ReviewDecision.REJECT]



def _not_blank(value: str) -> None:
    if not value.strip() or len(value) > 2000:
        raise ValidationError("Give a reason (1 to 2000 characters).")


def _reason() -> fields.String:
    return fields.String(required=True, validate=_not_blank,
                         metadata={"example": "Registration checked with the company register."})


class ReviewSchema(StrictSchema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS, error="decision must be approve or "
                                                                                      "reject."),
                             metadata={"example": "approve"})
    reason = _reason()
    customer_type = fields.String(load_default=None, validate=validate.OneOf(
        CUSTOMER_TYPES, error=f"Unknown customer type. Use one of: {', '.join(CUSTOMER_TYPES)}."))
    country = fields.String(load_default=None, validate=country_code, metadata={
        "description": "A corrected ISO 3166-1 alpha-2 country, when the signup's was wrong."})


class ReasonSchema(StrictSchema):
    reason = _reason()
