"""Tenants on the wire: signup's answer, a tenant's record, audit entries, emails, dry runs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.domain.audit import AuditKind
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from server.schemas.management import DeploymentSchema, LimitQuerySchema

STATUSES = [status.value for status in TenantStatus]
ACCESS = [access.value for access in AccessReview]


class DecisionSchema(Schema):
    at = fields.DateTime(required=True)
    decision = fields.String(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)


class TenantSchema(Schema):
    tenant_id = fields.String(required=True)
    organization = fields.String(required=True)
    email = fields.String(required=True)
    customer_type = fields.String(required=True, validate=validate.OneOf([c.value for c in CustomerType]))
    country = fields.String(required=True)
    use_cases = fields.List(fields.String(), required=True)
    terms_version = fields.String(required=True)
    terms_accepted_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    email_verified = fields.Boolean(required=True)
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS))
    review_reasons = fields.List(fields.String(), required=True)
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
    no_policing_function = fields.Boolean(metadata={
        "description": "The signup stated that the organization has no policing function."})


class LinkedTenantSchema(Schema):
    tenant_id = fields.String(required=True)
    organization = fields.String(required=True)
    email = fields.String(required=True)
    customer_type = fields.String(required=True, validate=validate.OneOf([c.value for c in CustomerType]))
    country = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS))
    created_at = fields.DateTime(required=True)
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
    linked_by = fields.List(fields.String(), required=True, metadata={
        "description": "What the two tenants share: the same email address, email domain or organization name."})


class AdminTenantSchema(TenantSchema):
    """A tenant as the operator sees it: with the tenants of the same organization (never shown to a tenant)."""

    customer_type_to_confirm = fields.Boolean(required=True, metadata={
        "description": "Approving needs customer_type stated: the signup could be police under another type."})
    linked_tenants = fields.List(fields.Nested(LinkedTenantSchema), required=True, metadata={
        "description": "Other tenants linked by email address, email domain or organization name, oldest first."})


class SignupResultSchema(Schema):
    tenant_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS))
    management_token = fields.String(required=True, metadata={"description": "Shown once; keep it secret."})
    tenant = fields.Nested(TenantSchema, required=True)
    deployment = fields.Nested(DeploymentSchema, required=True, metadata={
        "description": "The starter deployment, with its keys (shown once)."})


class AuditEntrySchema(Schema):
    """One audit event. Which fields an entry has depends on its `kind` (see server/domain/audit.py)."""

    id = fields.String(required=True, metadata={"description": "The stream entry id."})
    kind = fields.String(validate=validate.OneOf([kind.value for kind in AuditKind]), metadata={
        "description": "What happened; entries written before kinds existed have none and are policy decisions."})
    time = fields.DateTime(required=True)
    request_id = fields.String()
    tenant_id = fields.String()
    customer_type = fields.String()
    country = fields.String()
    deployment_id = fields.String()
    deployment = fields.String()
    sku = fields.String()
    operation = fields.String(metadata={"description": "The operation class a policy decision was about."})
    route = fields.String(metadata={"description": "The operationId of the call."})
    api_version = fields.String()
    collection = fields.String(metadata={"description": "The person group or face list the call used."})
    capture_mode = fields.String()
    captured_at = fields.String()
    camera = fields.String()
    face_modes = fields.String()
    face_provenance = fields.List(fields.Dict(), metadata={"description": "Provenance of each faceId the call used."})
    provenance = fields.Dict(metadata={"description": "A detect call's provenance, as its faceIds will carry it."})
    face_ids = fields.List(fields.String())
    recent_calls = fields.String()
    realtime = fields.Boolean(allow_none=True)
    decision = fields.String(validate=validate.OneOf(["allowed", "refused"]))
    code = fields.String()
    clause = fields.String()
    policy_version = fields.String()
    reasons = fields.List(fields.String())
    outcome_status = fields.String(metadata={"description": "The HTTP status the call ended with, when known."})
    action = fields.String(metadata={"description": "An operator's action (approve, reject, correct_customer_type, "
                                                    "correct_country, suspend, reinstate) or a trust-list change "
                                                    "(add, remove)."})
    reason = fields.String()
    by = fields.String()
    status = fields.String()
    limited_access = fields.String()
    details = fields.Dict(metadata={"description": "What identifies a trust anchor added or removed."})
    seq = fields.String(metadata={"description": "The entry's position in the chain, from 1."})
    key_id = fields.String(metadata={"description": "Names the key the entry was chained with."})
    prev = fields.String(metadata={"description": "The hash this entry chains from."})
    hash = fields.String(metadata={"description": "HMAC-SHA256(audit key, prev + canonical JSON of the entry); "
                                                  "sha256 for entries written before the chain was keyed."})


class EmailSchema(Schema):
    to = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(required=True, allow_none=True)
    sent_at = fields.DateTime()
    tenant_id = fields.String()


class PolicyDecisionSchema(Schema):
    allowed = fields.Boolean(required=True)
    code = fields.String(required=True, allow_none=True)
    clause = fields.String(required=True, allow_none=True)
    policy_version = fields.String(required=True)
    message = fields.String(required=True)
    realtime = fields.Boolean(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True)


class TenantsQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        STATUSES, error="Unknown status '{input}'. Use one of: {choices}."))
    limited_access = fields.String(load_default=None, validate=validate.OneOf(
        ACCESS, error="Unknown limited_access '{input}'. Use one of: {choices}."))


class VerifyEmailQuerySchema(Schema):
    token = fields.String(load_default="", metadata={"description": "The token from the verification email."})


class AdminAuditQuerySchema(LimitQuerySchema):
    tenant_id = fields.String(load_default=None, metadata={"description": "Only this tenant's decisions."})
