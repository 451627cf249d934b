"""The one seam for marshmallow customisation: how input is read and how replies are written.

Azure's service matches JSON property and query parameter names without regard to case (the
official SDKs send camelCase, older samples other casings), so data-plane schemas map each
incoming name to its declared spelling before loading; unknown names are ignored, as Azure does.
Management input is strict. Replies are dumped from the domain's records (`ReplySchema`), with
times in Azure's format (`Time`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_dump, pre_load

from server.domain.clock import format_time
from server.domain.tenants import is_country_code

REQUIRED_IN_DOCUMENT = "x-visage-required"
"""Field metadata: required in the OpenAPI document although the schema loads it as optional, so
that a missing value reaches the check that answers in Azure's words."""


def country_code(value: str) -> None:
    """A marshmallow validator: an ISO 3166-1 alpha-2 code."""
    if not is_country_code(value):
        raise ValidationError(f"'{value}' is not an ISO 3166-1 alpha-2 country code (for example US, GB, DE).")


def required(metadata: dict[str, Any]) -> dict[str, Any]:
    return {**metadata, REQUIRED_IN_DOCUMENT: True}


class WireSchema(Schema):
    """Data-plane input: case-insensitive names, unknown ones ignored."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _canonical_names(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        spelled = [str(field.data_key or name) for name, field in self.fields.items()]
        declared = {name.lower(): name for name in spelled}
        canonical: dict[str, Any] = {}
        for key, value in data.items():
            name = declared.get(str(key).lower(), str(key))
            if name not in canonical:
                canonical[name] = value
        return canonical


class StrictSchema(Schema):
    """Management and signup input: exact names, unknown ones refused (typos are caught)."""

    class Meta:
        unknown = RAISE


class Time(fields.DateTime):
    """A moment as Azure writes it: UTC, RFC 3339 with milliseconds and a Z."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_time(value)


class ReplySchema(Schema):
    """What a route answers, dumped from the domain's records by attribute name. The wire names in
    `omit_when_none` are left out when they have no value, as Azure leaves them out."""

    omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @post_dump
    def _omit_absent(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for name in self.omit_when_none:
            if data.get(name, ...) is None:
                del data[name]
        return data
