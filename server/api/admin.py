"""The operator API (/admin/v1), with the admin token."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from server.api.bearer import require_admin
from server.api.contract import Reply, Security, contract, json_body, query_args
from server.domain.tenants import AccessReview, CustomerType, TenantNotFound, TenantStatus
from server.extensions import get_redis
from server.schemas.admin import ReasonSchema, ReviewSchema
from server.schemas.tenants import (
    AdminAuditQuerySchema,
    AuditEntrySchema,
    EmailSchema,
    TenantSchema,
    TenantsQuerySchema,
)
from server.services import operator
from server.store.audit import AuditLog
from server.store.outbox import Outbox
from server.store.tenants import TenantRepository

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
    tenants = TenantRepository(get_redis()).list(status, access)
    return jsonify([tenant.to_public() for tenant in tenants])


@bp.get("/tenants/<tenant_id>")
@contract(operation_id="adminGetTenant", summary="A tenant", tag="Operator", security=Security.ADMIN,
          errors=(401, 404), replies=[Reply(200, "The tenant.", TenantSchema)])
def get_tenant(tenant_id: str) -> Response:
    tenant = TenantRepository(get_redis()).get(tenant_id)
    if tenant is None:
        raise TenantNotFound()
    return jsonify(tenant.to_public())


@bp.post("/tenants/<tenant_id>/review")
@contract(operation_id="adminReviewTenant", summary="Approve or reject Limited Access, with a reason",
          tag="Operator", security=Security.ADMIN, body=ReviewSchema, errors=(400, 401, 404),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def review_tenant(tenant_id: str) -> Response:
    """Approve or reject Limited Access, with a reason; optionally correct the customer type."""
    body = json_body()
    corrected = CustomerType(body["customer_type"]) if body["customer_type"] else None
    tenant = operator.review_tenant(tenant_id, body["decision"], body["reason"].strip(), customer_type=corrected,
                                    country=body["country"], redis=get_redis())
    return jsonify(tenant.to_public())


@bp.post("/tenants/<tenant_id>/suspend")
@contract(operation_id="adminSuspendTenant", summary="Suspend a tenant, with a reason", tag="Operator",
          security=Security.ADMIN, body=ReasonSchema, errors=(400, 401, 404, 409),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def suspend_tenant(tenant_id: str) -> Response:
    body = json_body()
    return jsonify(operator.suspend(tenant_id, body["reason"].strip(), redis=get_redis()).to_public())


@bp.post("/tenants/<tenant_id>/reinstate")
@contract(operation_id="adminReinstateTenant", summary="Reinstate a suspended tenant, with a reason",
          tag="Operator", security=Security.ADMIN, body=ReasonSchema, errors=(400, 401, 404, 409),
          replies=[Reply(200, "The tenant after the decision.", TenantSchema)])
def reinstate_tenant(tenant_id: str) -> Response:
    body = json_body()
    return jsonify(operator.reinstate(tenant_id, body["reason"].strip(), redis=get_redis()).to_public())


@bp.get("/audit")
@contract(operation_id="adminListAudit", summary="Recognition decisions of every tenant, newest first",
          tag="Operator", security=Security.ADMIN, query=AdminAuditQuerySchema, errors=(400, 401),
          replies=[Reply(200, "Audit entries.", AuditEntrySchema, many=True)])
def audit() -> Response:
    """Recognition decisions, newest first; `?tenant_id=` narrows to one tenant."""
    query = query_args()
    log, limit, tenant_id = AuditLog(get_redis()), query["limit"], query["tenant_id"]
    return jsonify(log.newest_of_tenant(tenant_id, limit) if tenant_id else log.newest(limit))


@bp.get("/outbox")
@contract(operation_id="adminListOutbox", summary="The emails Visage would have sent, newest first",
          tag="Operator", security=Security.ADMIN, errors=(401,),
          replies=[Reply(200, "Emails.", EmailSchema, many=True)])
def outbox() -> Response:
    """The emails Visage would have sent, newest first."""
    return jsonify([email.to_public() for email in Outbox(get_redis()).newest()])

