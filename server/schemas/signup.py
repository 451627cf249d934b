"""The signup form, for JSON and the web page alike."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates_schema

from server.domain.tenants import CustomerType
from server.domain.use_cases import use_case_ids
from server.schemas.base import StrictSchema, country_code

CUSTOMER_TYPES = [member.value for member in CustomerType]
TERMS_NOT_ACCEPTED = "The terms of use must be accepted to sign up."
POLICE_WITH_NO_POLICING = "A law_enforcement signup cannot state that the organization has no policing function."


def _use_case(value: str) -> None:
    if value not in use_case_ids():
        raise ValidationError(f"Unknown use case '{value}'. Use any of: {', '.join(use_case_ids())}.")


class SignupSchema(StrictSchema):
    organization = fields.String(required=True, validate=validate.Length(min=2, max=200),
                                 error_messages={"required": "Enter the organization's name."},
                                 metadata={"example": "Contoso Photo Ltd"})
    email = fields.Email(required=True, validate=validate.Length(max=254),
                         error_messages={"invalid": "Not a valid email address.",
                                         "required": "Enter a contact email address."},
                         metadata={"example": "dev@contoso.example"})
    customer_type = fields.String(
        required=True,
        error_messages={"required": "Choose a customer type."},
        validate=validate.OneOf(
            CUSTOMER_TYPES, error=f"Unknown customer type. Use one of: {', '.join(CUSTOMER_TYPES)}."
        ),
        metadata={"example": "commercial"},
    )
    country = fields.String(required=True, validate=country_code, error_messages={"required": "Choose a country."},
                            metadata={"example": "GB"})
    use_cases = fields.List(fields.String(validate=_use_case), required=True,
                            validate=validate.Length(min=1, error="Declare at least one intended use case."),
                            error_messages={"required": "Declare at least one intended use case."},
                            metadata={"example": ["identity_verification"]})
    no_policing_function = fields.Boolean(load_default=False, metadata={
        "description": "The organization has no policing function (no police, law-enforcement, border or criminal "
                       "investigation powers). A government signup that does not state it waits for an operator's "
                       "review, who confirms its customer type."})
    accept_terms = fields.Boolean(required=True, validate=validate.Equal(True, error=TERMS_NOT_ACCEPTED),
                                  error_messages={"required": TERMS_NOT_ACCEPTED}, metadata={"example": True})

    @pre_load
    def _normalise(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("organization", "email", "customer_type", "country"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if isinstance(data.get("country"), str):
            data["country"] = data["country"].upper()
        if isinstance(data.get("customer_type"), str):
            data["customer_type"] = data["customer_type"].lower()
        if isinstance(data.get("email"), str):
            local, _, domain = data["email"].rpartition("@")
            data["email"] = f"{local}@{domain.lower()}" if local else data["email"]
        return data

    @validates_schema
    def _no_policing_is_not_police(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("no_policing_function") and data.get("customer_type") == CustomerType.LAW_ENFORCEMENT.value:
            raise ValidationError(POLICE_WITH_NO_POLICING, field_name="no_policing_function")

    @post_load
    def _unique_use_cases(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["use_cases"] = list(dict.fromkeys(data["use_cases"]))
        return data
