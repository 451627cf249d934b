"""Tenants on the wire: signup's answer, a tenant's record, audit entries, emails, dry runs."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from server.domain.audit import AuditKind
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from server.schemas.base import ReplySchema, Time
from server.schemas.management import DeploymentSchema, LimitQuerySchema

STATUSES = [status.value for status in TenantStatus]
ACCESS = [access.value for access in AccessReview]


class DecisionSchema(ReplySchema):
    at = Time(required=True)
    decision = fields.String(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)


class TenantSchema(ReplySchema):
    """What the tenant itself, and the operator, see of a tenant."""

    tenant_id = fields.String(required=True)
    organization = fields.String(required=True)
    email = fields.String(required=True)
    customer_type = fields.String(required=True, validate=validate.OneOf([c.value for c in CustomerType]))
    country = fields.String(required=True)
    use_cases = fields.List(fields.String(), required=True)
    terms_version = fields.String(required=True)
    terms_accepted_at = Time(required=True)
    created_at = Time(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    email_verified = fields.Boolean(required=True)
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS), attribute="access")
    review_reasons = fields.List(fields.String(), required=True)
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
    no_policing_function = fields.Boolean(metadata={
        "description": "The signup stated that the organization has no policing function."})
    development = fields.Boolean(required=True, metadata={
        "description": "The development tenant of `visage up --dev`, whose keys and token are public. It follows "
                       "the terms of use like any tenant."})


class LinkedTenantSchema(ReplySchema):
    """Dumped from a review.Link: the other tenant, and what links the two."""

    tenant_id = fields.String(required=True, attribute="tenant.tenant_id")
    organization = fields.String(required=True, attribute="tenant.organization")
    email = fields.String(required=True, attribute="tenant.email")
    customer_type = fields.String(required=True, validate=validate.OneOf([c.value for c in CustomerType]),
                                  attribute="tenant.customer_type")
    country = fields.String(required=True, attribute="tenant.country")
    status = fields.String(required=True, validate=validate.OneOf(STATUSES), attribute="tenant.status")
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS), attribute="tenant.access")
    created_at = Time(required=True, attribute="tenant.created_at")
    decisions = fields.List(fields.Nested(DecisionSchema), required=True, attribute="tenant.decisions")
    linked_by = fields.Function(lambda link: [key.describe() for key in link.by], required=True, metadata={
        "type": "array", "items": {"type": "string"},
        "description": "What the two tenants share: the same email address, email domain or organization name."})


class AdminTenantSchema(TenantSchema):
    """A tenant as the operator sees it: with the tenants of the same organization (never shown to a tenant)."""

    customer_type_to_confirm = fields.Boolean(required=True, attribute="needs_stated_type", metadata={
        "description": "Approving needs customer_type stated: the signup could be police under another type."})
    linked_tenants = fields.List(fields.Nested(LinkedTenantSchema), required=True, metadata={
        "description": "Other tenants linked by email address, email domain or organization name, oldest first."})


class SignupResultSchema(ReplySchema):
    tenant_id = fields.String(required=True, attribute="tenant.tenant_id")
    status = fields.String(required=True, validate=validate.OneOf(STATUSES), attribute="tenant.status")
    limited_access = fields.String(required=True, validate=validate.OneOf(ACCESS), attribute="tenant.access")
    management_token = fields.String(required=True, metadata={"description": "Shown once; keep it secret."})
    tenant = fields.Nested(TenantSchema, required=True)
    deployment = fields.Nested(DeploymentSchema, required=True, metadata={
        "description": "The starter deployment, with its keys (shown once)."})


class AuditEntrySchema(ReplySchema):
    """One audit event. Which fields an entry has depends on its `kind` (see server/domain/audit.py)."""

    id = fields.String(required=True, metadata={"description": "The stream entry id."})
    kind = fields.String(validate=validate.OneOf([kind.value for kind in AuditKind]), metadata={
        "description": "What happened; entries written before kinds existed have none and are policy decisions."})
    time = fields.String(required=True, metadata={"format": "date-time"})
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
    provenance = fields.Dict(metadata={
        "description": "What the content credentials of the call's image showed: a detect call's, as its faceIds "
                       "will carry it, or an enrollment's."})
    doubts = fields.List(fields.String(), metadata={"description": "Signals a caller cannot choose that doubted its "
                                                                   "word (real time for law enforcement)."})
    recent_faces = fields.String(metadata={"description": "Faces the tenant or its organization handled in the "
                                                         "cadence window, this call's included."})
    face_ids = fields.List(fields.String())
    recent_calls = fields.String()
    realtime = fields.Boolean(allow_none=True)
    decision = fields.String(validate=validate.OneOf(["allowed", "refused"]))
    code = fields.String()
    clause = fields.String()
    policy_version = fields.String()
    reasons = fields.List(fields.String())
    outcome_status = fields.String(metadata={"description": "The HTTP status the call ended with, when known."})
    development = fields.Boolean(metadata={
        "description": "True on the policy decisions and detect calls of the development tenant of `visage up "
                       "--dev`; absent for every other tenant."})
    action = fields.String(metadata={"description": "An operator's action (approve, reject, review_again, "
                                                    "correct_customer_type, correct_country, suspend, reinstate), "
                                                    "a trust-list change "
                                                    "(add, remove), a step of a management token recovery "
                                                    "(link_sent, token_replaced) or what happened to a media job "
                                                    "(submitted, ended, deleted)."})
    reason = fields.String()
    by = fields.String()
    status = fields.String()
    limited_access = fields.String()
    details = fields.Dict(metadata={"description": "What identifies a trust anchor added or removed, or a media job "
                                                   "(job_id, method, input, output, and what it redacted)."})
    seq = fields.String(metadata={"description": "The entry's position in the chain, from 1."})
    key_id = fields.String(metadata={"description": "Names the key the entry was chained with."})
    prev = fields.String(metadata={"description": "The hash this entry chains from."})
    hash = fields.String(metadata={"description": "HMAC-SHA256(audit key, prev + canonical JSON of the entry); "
                                                  "sha256 for entries written before the chain was keyed."})


class EmailSchema(ReplySchema):
    to = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(required=True, allow_none=True)
    sent_at = Time()
    tenant_id = fields.String()


class PolicyDecisionSchema(ReplySchema):
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


class EmailLinkQuerySchema(Schema):
    """A link from an email (verification, token recovery), opened in a browser: parameters it does
    not know (a mail client's tracking, say) are ignored, and a wrong or missing token is the page's
    own 400, never a JSON error."""

    class Meta:
        unknown = EXCLUDE

    token = fields.String(load_default="", metadata={"description": "The token from the email's link."})


class AdminAuditQuerySchema(LimitQuerySchema):
    tenant_id = fields.String(load_default=None, metadata={"description": "Only this tenant's decisions."})
