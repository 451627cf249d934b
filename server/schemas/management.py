"""Bodies of the management API."""

from __future__ import annotations

from marshmallow import fields, validate

from server.domain.deployments import NAME_PATTERN, REGIONS, KeyName, Sku
from server.schemas.base import StrictSchema

SKUS = [sku.value for sku in Sku]
KEY_NAMES = [key.value for key in KeyName]


class DeploymentCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Regexp(
        NAME_PATTERN, error="A deployment name has 1 to 64 letters, digits and hyphens, and does not "
                            "start or end with a hyphen."))
    sku = fields.String(required=True, validate=validate.OneOf(SKUS, error=f"sku must be one of {', '.join(SKUS)}."))
    region = fields.String(required=True, validate=validate.OneOf(
        REGIONS, error=f"Unknown region. Use one of: {', '.join(REGIONS)}."))


class DeploymentUpdateSchema(StrictSchema):
    sku = fields.String(required=True, validate=validate.OneOf(SKUS, error=f"sku must be one of {', '.join(SKUS)}."))


class RegenerateKeySchema(StrictSchema):
    key_name = fields.String(data_key="keyName", required=True, validate=validate.OneOf(
        KEY_NAMES, error="keyName must be key1 or key2."))
