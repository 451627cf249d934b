"""Bodies, query strings and answers of the management API's deployments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.domain.deployments import NAME_PATTERN, REGIONS, KeyName, Sku
from server.schemas.base import ReplySchema, StrictSchema, Time

SKUS = [sku.value for sku in Sku]
KEY_NAMES = [key.value for key in KeyName]


class DeploymentCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Regexp(
        NAME_PATTERN, error="A deployment name has 1 to 64 letters, digits and hyphens, and does not "
                            "start or end with a hyphen."), metadata={"example": "eu-face"})
    sku = fields.String(required=True, validate=validate.OneOf(SKUS, error=f"sku must be one of {', '.join(SKUS)}."),
                        metadata={"example": "S0"})
    region = fields.String(required=True, validate=validate.OneOf(
        REGIONS, error=f"Unknown region. Use one of: {', '.join(REGIONS)}."), metadata={"example": "westeurope"})


class DeploymentUpdateSchema(StrictSchema):
    sku = fields.String(required=True, validate=validate.OneOf(SKUS, error=f"sku must be one of {', '.join(SKUS)}."),
                        metadata={"example": "S0"})


class RegenerateKeySchema(StrictSchema):
    key_name = fields.String(data_key="keyName", required=True, validate=validate.OneOf(
        KEY_NAMES, error="keyName must be key1 or key2."), metadata={"example": "key2"})


class DeploymentKeysSchema(ReplySchema):
    key1 = fields.String()
    key2 = fields.String()


class DeploymentSchema(ReplySchema):
    """Dumped from a PublishedDeployment."""

    omit_when_none = frozenset({"keys"})

    name = fields.String(required=True, attribute="deployment.name")
    sku = fields.String(required=True, validate=validate.OneOf(SKUS), attribute="deployment.sku")
    region = fields.String(required=True, attribute="deployment.region")
    endpoint = fields.String(required=True, metadata={"description": "The base URL to call the data plane at."})
    created_at = Time(required=True, attribute="deployment.created_at")
    keys = fields.Nested(DeploymentKeysSchema, metadata={
        "description": "Only when the deployment was just created, or a key just regenerated: keys are stored "
                       "hashed and can never be read back."})


class LimitQuerySchema(Schema):
    limit = fields.Integer(load_default=100, strict=False, validate=validate.Range(
        1, 1000, error="limit must be a whole number from 1 to 1000."), error_messages={
        "invalid": "limit must be a whole number from 1 to 1000."})
