"""The operator API (/admin/v1), with the admin token."""

from __future__ import annotations

from flask import Blueprint, Response

from server.api.bearer import require_admin
from server.api.contract import Reply, Security, contract, json_body, query_args, reply
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from server.extensions import get_redis
from server.schemas.admin import ReasonSchema, ReviewSchema
from server.schemas.tenants import (
    AdminAuditQuerySchema,
    AuditEntrySchema,
    EmailSchema,
    TenantSchema,
    TenantsQuerySchema,
)
from server.services import audit, operator

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
@contract(operation_id="adminGetTenant", summary="A tenant", tag="Operator", security=Security.ADMIN,
          errors=(401, 404), replies=[Reply(200, "The tenant.", TenantSchema)])
def get_tenant(tenant_id: str) -> Response:
    return reply(operator.get_tenant(get_redis(), tenant_id))


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
