"""The management API (/mgmt/v1), for a tenant with its management token."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from server.api.bearer import require_tenant, require_writable_tenant
from server.api.clients import limit
from server.api.contract import Reply, Security, contract, json_body, query_args
from server.api.urls import base_url
from server.domain.deployments import KeyName, Sku
from server.extensions import get_queue, get_redis
from server.schemas.management import (
    DeploymentCreateSchema,
    DeploymentSchema,
    DeploymentUpdateSchema,
    LimitQuerySchema,
    RegenerateKeySchema,
)
from server.schemas.policy import EvaluateSchema
from server.schemas.tenants import AuditEntrySchema, PolicyDecisionSchema, TenantSchema
from server.services import deployments as deployment_service
from server.services import policy
from server.services import tenants as tenant_service
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository

bp = Blueprint("management", __name__, url_prefix="/mgmt/v1")

RESEND_RATE = (5, 3600)
"""Verification emails a tenant may ask for an hour: enough to recover, too few to spam an inbox."""

def _repository() -> DeploymentRepository:
    return DeploymentRepository(get_redis())


@bp.get("/tenant")
@contract(operation_id="getTenant", summary="Your tenant: status, customer type, review and decisions",
          tag="Management", security=Security.MANAGEMENT, errors=(401,),
          replies=[Reply(200, "The tenant.", TenantSchema)])
def get_tenant() -> Response:
    """The caller's own tenant: status, customer type, Limited Access review and decisions."""
    return jsonify(require_tenant().to_public())


@bp.post("/tenant/resendVerification")
@contract(operation_id="resendVerification", summary="Send a new email verification link", tag="Management",
          security=Security.MANAGEMENT, errors=(401, 409, 429),
          replies=[Reply(202, "A new link is in the outbox.", media_type="")])
def resend_verification() -> tuple[str, int]:
    """A fresh link when the first expired (links last 7 days); a few an hour per tenant."""
    tenant = require_tenant()
    limit(f"resend-verification:{tenant.tenant_id}", RESEND_RATE, who="this tenant")
    tenant_service.resend_verification(tenant, redis=get_redis(), base_url=base_url())
    return "", 202


@bp.get("/audit")
@contract(operation_id="listAudit", summary="Your recognition decisions, newest first", tag="Management",
          security=Security.MANAGEMENT, query=LimitQuerySchema, errors=(400, 401),
          replies=[Reply(200, "Audit entries.", AuditEntrySchema, many=True)])
def own_audit() -> Response:
    """The caller's recognition decisions, allowed and refused, newest first."""
    tenant = require_tenant()
    return jsonify(AuditLog(get_redis()).newest_of_tenant(tenant.tenant_id, query_args()["limit"]))


@bp.post("/policy/evaluate")
@contract(operation_id="evaluatePolicy", summary="Dry run: would a described call be allowed, and why?",
          tag="Management", security=Security.MANAGEMENT, body=EvaluateSchema, errors=(400, 401, 404),
          replies=[Reply(200, "The decision the data plane would take.", PolicyDecisionSchema)])
def evaluate_policy() -> Response:
    """Dry run: would a described data-plane call be allowed, and why? Nothing is done or recorded."""
    tenant = require_tenant()
    body = json_body()
    sku = _repository().get(tenant.tenant_id, body["deployment"]).sku if body["deployment"] else Sku.S0
    decision = policy.evaluate(tenant, body["operation"], sku=sku, capture=body["capture"],
                               face_ids=body["face_ids"], at=body["at"], policy_version=body["policy_version"],
                               redis=get_redis())
    return jsonify(decision.to_public())


@bp.post("/deployments")
@contract(operation_id="createDeployment", summary="Create a deployment (its keys are shown once)",
          tag="Management", security=Security.MANAGEMENT, body=DeploymentCreateSchema, errors=(400, 401, 403, 409),
          replies=[Reply(201, "The deployment, with key1 and key2.", DeploymentSchema)])
def create_deployment() -> tuple[Response, int]:
    """Create a deployment; its two keys are shown in this answer only."""
    tenant = require_writable_tenant()
    body = json_body()
    created = deployment_service.create_deployment(
        tenant.tenant_id, body["name"], Sku(body["sku"]), body["region"], deployments=_repository()
    )
    return jsonify(created.deployment.to_public(base_url(), created.keys)), 201


@bp.get("/deployments")
@contract(operation_id="listDeployments", summary="Your deployments", tag="Management",
          security=Security.MANAGEMENT, errors=(401,),
          replies=[Reply(200, "Deployments by name (without keys).", DeploymentSchema, many=True)])
def list_deployments() -> Response:
    tenant = require_tenant()
    return jsonify([d.to_public(base_url()) for d in _repository().list(tenant.tenant_id)])


@bp.get("/deployments/<name>")
@contract(operation_id="getDeployment", summary="A deployment", tag="Management", security=Security.MANAGEMENT,
          errors=(401, 404), replies=[Reply(200, "The deployment (without keys).", DeploymentSchema)])
def get_deployment(name: str) -> Response:
    tenant = require_tenant()
    return jsonify(_repository().get(tenant.tenant_id, name).to_public(base_url()))


@bp.patch("/deployments/<name>")
@contract(operation_id="updateDeployment", summary="Change a deployment's SKU in place", tag="Management",
          security=Security.MANAGEMENT, body=DeploymentUpdateSchema, errors=(400, 401, 403, 404),
          replies=[Reply(200, "The deployment.", DeploymentSchema)])
def update_deployment(name: str) -> Response:
    """Change the SKU in place (F0 <-> S0); name and region cannot change."""
    tenant = require_writable_tenant()
    body = json_body()
    return jsonify(_repository().update_sku(tenant.tenant_id, name, Sku(body["sku"])).to_public(base_url()))


@bp.delete("/deployments/<name>")
@contract(operation_id="deleteDeployment", summary="Delete a deployment and purge its data", tag="Management",
          security=Security.MANAGEMENT, errors=(401, 403, 404), replies=[Reply(204, "Deleted.", media_type="")])
def delete_deployment(name: str) -> tuple[str, int]:
    """Delete a deployment: its keys stop working at once, its data is purged by a worker."""
    tenant = require_writable_tenant()
    deleted = _repository().delete(tenant.tenant_id, name)
    get_queue("purges").enqueue("workers.jobs.purge_deployment", deleted.deployment_id)
    return "", 204


@bp.post("/deployments/<name>/regenerateKey")
@contract(operation_id="regenerateKey", summary="Replace key1 or key2", tag="Management",
          security=Security.MANAGEMENT, body=RegenerateKeySchema, errors=(400, 401, 403, 404),
          replies=[Reply(200, "The deployment with the new key (shown once).", DeploymentSchema)])
def regenerate_key(name: str) -> Response:
    """Replace key1 or key2: the old one stops working at once, the other keeps working."""
    tenant = require_writable_tenant()
    body = json_body()
    regenerated = deployment_service.regenerate_key(
        tenant.tenant_id, name, KeyName(body["key_name"]), deployments=_repository()
    )
    return jsonify(regenerated.deployment.to_public(base_url(), regenerated.keys))
