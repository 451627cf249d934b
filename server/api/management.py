"""The management API (/mgmt/v1), for a tenant with its management token."""

from __future__ import annotations

from flask import Blueprint, Response

from server.api.bearer import require_tenant, require_writable_tenant
from server.api.contract import Reply, Security, contract, json_body, query_args, reply
from server.api.urls import base_url
from server.domain.deployments import KeyName, Sku
from server.extensions import get_redis
from server.schemas.management import (
    DeploymentCreateSchema,
    DeploymentSchema,
    DeploymentUpdateSchema,
    LimitQuerySchema,
    RegenerateKeySchema,
)
from server.schemas.policy import EvaluateSchema
from server.schemas.tenants import AuditEntrySchema, PolicyDecisionSchema, TenantSchema
from server.services import audit, deployments, limits, policy, tenants

bp = Blueprint("management", __name__, url_prefix="/mgmt/v1")

RESEND_RATE = (5, 3600)
"""Verification emails a tenant may ask for an hour: enough to recover, too few to spam an inbox."""


@bp.get("/tenant")
@contract(operation_id="getTenant", summary="Your tenant: status, customer type, review and decisions",
          tag="Management", security=Security.MANAGEMENT, errors=(401,),
          replies=[Reply(200, "The tenant.", TenantSchema)])
def get_tenant() -> Response:
    """The caller's own tenant: status, customer type, Limited Access review and decisions."""
    return reply(require_tenant())


@bp.post("/tenant/resendVerification")
@contract(operation_id="resendVerification", summary="Send a new email verification link", tag="Management",
          security=Security.MANAGEMENT, errors=(401, 409, 429),
          replies=[Reply(202, "A new link is in the outbox.", media_type="")])
def resend_verification() -> Response:
    """A fresh link when the first expired (links last 7 days); a few an hour per tenant."""
    tenant = require_tenant()
    limits.take(get_redis(), f"resend-verification:{tenant.tenant_id}", RESEND_RATE, who="this tenant")
    tenants.resend_verification(get_redis(), tenant, base_url=base_url())
    return reply(status=202)


@bp.get("/audit")
@contract(operation_id="listAudit", summary="Your recognition decisions, newest first", tag="Management",
          security=Security.MANAGEMENT, query=LimitQuerySchema, errors=(400, 401),
          replies=[Reply(200, "Audit entries.", AuditEntrySchema, many=True)])
def list_audit() -> Response:
    """The caller's recognition decisions, allowed and refused, newest first."""
    tenant = require_tenant()
    return reply(audit.list_audit(get_redis(), limit=query_args()["limit"], tenant_id=tenant.tenant_id))


@bp.post("/policy/evaluate")
@contract(operation_id="evaluatePolicy", summary="Dry run: would a described call be allowed, and why?",
          tag="Management", security=Security.MANAGEMENT, body=EvaluateSchema, errors=(400, 401, 404),
          replies=[Reply(200, "The decision the data plane would take.", PolicyDecisionSchema)])
def evaluate_policy() -> Response:
    """Dry run: would a described data-plane call be allowed, and why? Nothing is done or recorded."""
    tenant = require_tenant()
    body = json_body()
    redis = get_redis()
    sku = deployments.caller_for(redis, tenant, body["deployment"]).deployment.sku if body["deployment"] else Sku.S0
    return reply(policy.evaluate(redis, tenant, body["operation"], sku=sku, capture=body["capture"],
                                 face_ids=body["face_ids"], at=body["at"], policy_version=body["policy_version"]))


@bp.post("/deployments")
@contract(operation_id="createDeployment", summary="Create a deployment (its keys are shown once)",
          tag="Management", security=Security.MANAGEMENT, body=DeploymentCreateSchema, errors=(400, 401, 403, 409),
          replies=[Reply(201, "The deployment, with key1 and key2.", DeploymentSchema)])
def create_deployment() -> Response:
    """Create a deployment; its two keys are shown in this answer only."""
    tenant = require_writable_tenant()
    body = json_body()
    return reply(deployments.create_deployment(get_redis(), tenant, body["name"], Sku(body["sku"]), body["region"],
                                               endpoint=base_url()), 201)


@bp.get("/deployments")
@contract(operation_id="listDeployments", summary="Your deployments", tag="Management",
          security=Security.MANAGEMENT, errors=(401,),
          replies=[Reply(200, "Deployments by name (without keys).", DeploymentSchema, many=True)])
def list_deployments() -> Response:
    return reply(deployments.list_deployments(get_redis(), require_tenant(), endpoint=base_url()))


@bp.get("/deployments/<name>")
@contract(operation_id="getDeployment", summary="A deployment", tag="Management", security=Security.MANAGEMENT,
          errors=(401, 404), replies=[Reply(200, "The deployment (without keys).", DeploymentSchema)])
def get_deployment(name: str) -> Response:
    return reply(deployments.get_deployment(get_redis(), require_tenant(), name, endpoint=base_url()))


@bp.patch("/deployments/<name>")
@contract(operation_id="updateDeployment", summary="Change a deployment's SKU in place", tag="Management",
          security=Security.MANAGEMENT, body=DeploymentUpdateSchema, errors=(400, 401, 403, 404),
          replies=[Reply(200, "The deployment.", DeploymentSchema)])
def update_deployment(name: str) -> Response:
    """Change the SKU in place (F0 <-> S0); name and region cannot change."""
    tenant = require_writable_tenant()
    body = json_body()
    return reply(deployments.update_deployment(get_redis(), tenant, name, Sku(body["sku"]), endpoint=base_url()))


@bp.delete("/deployments/<name>")
@contract(operation_id="deleteDeployment", summary="Delete a deployment and purge its data", tag="Management",
          security=Security.MANAGEMENT, errors=(401, 403, 404), replies=[Reply(204, "Deleted.", media_type="")])
def delete_deployment(name: str) -> Response:
    """Delete a deployment: its keys stop working at once, its data is purged by a worker."""
    deployments.delete_deployment(get_redis(), require_writable_tenant(), name)
    return reply(status=204)


@bp.post("/deployments/<name>/regenerateKey")
@contract(operation_id="regenerateKey", summary="Replace key1 or key2", tag="Management",
          security=Security.MANAGEMENT, body=RegenerateKeySchema, errors=(400, 401, 403, 404),
          replies=[Reply(200, "The deployment with the new key (shown once).", DeploymentSchema)])
def regenerate_key(name: str) -> Response:
    """Replace key1 or key2: the old one stops working at once, the other keeps working."""
    tenant = require_writable_tenant()
    body = json_body()
    return reply(deployments.regenerate_key(get_redis(), tenant, name, KeyName(body["key_name"]),
                                            endpoint=base_url()))
