"""The operator API (/admin/v1), with the admin token."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from server.api.bearer import require_admin
from server.api.contract import Reply, Security, contract, json_body, query_args, reply
from server.api.dataplane import operation_ids
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from server.extensions import get_redis
from server.schemas.admin import ReasonSchema, ReviewSchema
from server.schemas.faults import FaultCreateSchema, FaultSchema
from server.schemas.tenants import (
    AdminAuditQuerySchema,
    AdminTenantSchema,
    AuditEntrySchema,
    EmailSchema,
    TenantSchema,
    TenantsQuerySchema,
)
from server.schemas.trust_anchors import TrustAnchorCreateSchema, TrustAnchorSchema
from server.services import audit, faults, operator, trust_anchors

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")


@bp.before_request
def _only_the_operator() -> None:
    require_admin()


@bp.get("/tenants")
@contract(operation_id="adminListTenants", summary="Every tenant, oldest first", tag="Operator",
          security=Security.ADMIN, query=TenantsQuerySchema, errors=(400, 401),
          replies=[Reply(200, "Tenants.", TenantSchema, many=True)])
def list_tenants() -> Response:
    """Every tenant, oldest first; `?status=` and `?limited_access=` filter."""
    query = query_args()
    status = TenantStatus(query["status"]) if query["status"] else None
    access = AccessReview(query["limited_access"]) if query["limited_access"] else None
    return reply(operator.list_tenants(get_redis(), status, access))


@bp.get("/tenants/<tenant_id>")
@contract(operation_id="adminGetTenant", summary="A tenant, with the tenants of its organization", tag="Operator",
          security=Security.ADMIN, errors=(401, 404),
          replies=[Reply(200, "The tenant, whether approving needs its type stated, and its linked tenants.",
                         AdminTenantSchema)])
def get_tenant(tenant_id: str) -> Response:
    redis = get_redis()
    return reply(operator.operator_view(redis, operator.get_tenant(redis, tenant_id)))


@bp.post("/tenants/<tenant_id>/review")
@contract(operation_id="adminReviewTenant", summary="Approve or reject Limited Access, with a reason",
          tag="Operator", security=Security.ADMIN, body=ReviewSchema, errors=(400, 401, 404),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def review_tenant(tenant_id: str) -> Response:
    """Approve or reject Limited Access, with a reason; optionally correct the customer type."""
    body = json_body()
    corrected = CustomerType(body["customer_type"]) if body["customer_type"] else None
    return reply(operator.review_tenant(get_redis(), tenant_id, body["decision"], body["reason"].strip(),
                                        customer_type=corrected, country=body["country"]))


@bp.post("/tenants/<tenant_id>/suspend")
@contract(operation_id="adminSuspendTenant", summary="Suspend a tenant, with a reason", tag="Operator",
          security=Security.ADMIN, body=ReasonSchema, errors=(400, 401, 404, 409),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def suspend_tenant(tenant_id: str) -> Response:
    return reply(operator.suspend_tenant(get_redis(), tenant_id, json_body()["reason"].strip()))


@bp.post("/tenants/<tenant_id>/reinstate")
@contract(operation_id="adminReinstateTenant", summary="Reinstate a suspended tenant, with a reason",
          tag="Operator", security=Security.ADMIN, body=ReasonSchema, errors=(400, 401, 404, 409),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def reinstate_tenant(tenant_id: str) -> Response:
    return reply(operator.reinstate_tenant(get_redis(), tenant_id, json_body()["reason"].strip()))


@bp.get("/audit")
@contract(operation_id="adminListAudit", summary="Recognition decisions of every tenant, newest first",
          tag="Operator", security=Security.ADMIN, query=AdminAuditQuerySchema, errors=(400, 401),
          replies=[Reply(200, "Audit entries.", AuditEntrySchema, many=True)])
def admin_list_audit() -> Response:
    """Recognition decisions, newest first; `?tenant_id=` narrows to one tenant."""
    query = query_args()
    return reply(audit.list_audit(get_redis(), limit=query["limit"], tenant_id=query["tenant_id"]))


@bp.get("/outbox")
@contract(operation_id="adminListOutbox", summary="The emails Visage would have sent, newest first",
          tag="Operator", security=Security.ADMIN, errors=(401,),
          replies=[Reply(200, "Emails.", EmailSchema, many=True)])
def admin_list_outbox() -> Response:
    """The emails Visage would have sent, newest first."""
    return reply(operator.list_outbox(get_redis()))


@bp.post("/trust-anchors")
@contract(operation_id="adminAddTrustAnchor", summary="List a capture-device certificate authority",
          tag="Operator", security=Security.ADMIN, body=TrustAnchorCreateSchema, errors=(400, 401, 409),
          description="Images signed (C2PA) under a listed CA are trusted: their capture time is the manifest's "
                      "c2pa.created time and their camera the anchor's device class. Tenants cannot add anchors.",
          replies=[Reply(201, "The anchor.", TrustAnchorSchema)])
def admin_add_trust_anchor() -> Response:
    body = json_body()
    return reply(trust_anchors.add_trust_anchor(get_redis(), name=body["name"], certificate=body["certificate"],
                                                device_class=body["device_class"]), 201)


@bp.get("/trust-anchors")
@contract(operation_id="adminListTrustAnchors", summary="The trust list", tag="Operator", security=Security.ADMIN,
          errors=(401,), replies=[Reply(200, "Anchors, oldest first.", TrustAnchorSchema, many=True)])
def admin_list_trust_anchors() -> Response:
    return reply(trust_anchors.list_trust_anchors(get_redis()))


@bp.delete("/trust-anchors/<anchor_id>")
@contract(operation_id="adminDeleteTrustAnchor", summary="Remove a CA from the trust list", tag="Operator",
          security=Security.ADMIN, errors=(401, 404), path_names={"anchor_id": "id"},
          description="Faces trusted under it count as untrusted from now on (a leaked key, say).",
          replies=[Reply(204, "Removed.", media_type="")])
def admin_delete_trust_anchor(anchor_id: str) -> Response:
    trust_anchors.delete_trust_anchor(get_redis(), anchor_id)
    return reply(status=204)


@bp.post("/faults")
@contract(operation_id="adminAddFault", summary="Inject a fault into data-plane calls", tag="Operator",
          security=Security.ADMIN, body=FaultCreateSchema, errors=(400, 401, 404),
          description="Matching calls (by tenant, deployment name and operationId) wait latency_ms, then answer "
                      "status in Azure's envelope (429 and 503 with Retry-After), with probability, for the next "
                      "count calls or until deleted. Checked after authentication and before the rate limit and the "
                      "terms of use: an injected error changes nothing and is not a policy decision. The answer it "
                      "shaped carries x-visage-fault: <id>.",
          replies=[Reply(201, "The fault.", FaultSchema)])
def admin_add_fault() -> Response:
    return reply(faults.add_fault(get_redis(), json_body(), operations=operation_ids(current_app)), 201)


@bp.get("/faults")
@contract(operation_id="adminListFaults", summary="The injected faults", tag="Operator", security=Security.ADMIN,
          errors=(401,), replies=[Reply(200, "Faults, oldest first (the order they are checked in).", FaultSchema,
                                        many=True)])
def admin_list_faults() -> Response:
    return reply(faults.list_faults(get_redis()))


@bp.delete("/faults/<fault_id>")
@contract(operation_id="adminDeleteFault", summary="Stop injecting a fault", tag="Operator", security=Security.ADMIN,
          errors=(401, 404), path_names={"fault_id": "id"}, replies=[Reply(204, "Removed.", media_type="")])
def admin_delete_fault(fault_id: str) -> Response:
    faults.delete_fault(get_redis(), fault_id)
    return reply(status=204)
