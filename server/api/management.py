"""The management API (/mgmt/v1), for a tenant with its management token."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from server.api import bodies
from server.api.bearer import require_tenant
from server.api.urls import base_url
from server.domain.deployments import KeyName, Sku
from server.extensions import get_queue, get_redis
from server.schemas.management import DeploymentCreateSchema, DeploymentUpdateSchema, RegenerateKeySchema
from server.services import deployments as deployment_service
from server.store.deployments import DeploymentRepository

bp = Blueprint("management", __name__, url_prefix="/mgmt/v1")

create_body = DeploymentCreateSchema()
update_body = DeploymentUpdateSchema()
regenerate_body = RegenerateKeySchema()


def _repository() -> DeploymentRepository:
    return DeploymentRepository(get_redis())


@bp.get("/tenant")
def get_tenant() -> Response:
    """The caller's own tenant: status, customer type, Limited Access review and decisions."""
    return jsonify(require_tenant().to_public())


@bp.post("/deployments")
def create_deployment() -> tuple[Response, int]:
    """Create a deployment; its two keys are shown in this answer only."""
    tenant = require_tenant()
    body = create_body.load(bodies.json_object())
    created = deployment_service.create_deployment(
        tenant.tenant_id, body["name"], Sku(body["sku"]), body["region"], deployments=_repository()
    )
    return jsonify(created.deployment.to_public(base_url(), created.keys)), 201


@bp.get("/deployments")
def list_deployments() -> Response:
    tenant = require_tenant()
    return jsonify({"value": [d.to_public(base_url()) for d in _repository().list(tenant.tenant_id)]})


@bp.get("/deployments/<name>")
def get_deployment(name: str) -> Response:
    tenant = require_tenant()
    return jsonify(_repository().get(tenant.tenant_id, name).to_public(base_url()))


@bp.patch("/deployments/<name>")
def update_deployment(name: str) -> Response:
    """Change the SKU in place (F0 <-> S0); name and region cannot change."""
    tenant = require_tenant()
    body = update_body.load(bodies.json_object())
    return jsonify(_repository().update_sku(tenant.tenant_id, name, Sku(body["sku"])).to_public(base_url()))


@bp.delete("/deployments/<name>")
def delete_deployment(name: str) -> tuple[str, int]:
    """Delete a deployment: its keys stop working at once, its data is purged by a worker."""
    tenant = require_tenant()
    deleted = _repository().delete(tenant.tenant_id, name)
    get_queue("purges").enqueue("workers.jobs.purge_deployment", deleted.deployment_id)
    return "", 204


@bp.post("/deployments/<name>/regenerateKey")
def regenerate_key(name: str) -> Response:
    """Replace key1 or key2: the old one stops working at once, the other keeps working."""
    tenant = require_tenant()
    body = regenerate_body.load(bodies.json_object() if request.content_length else {})
    regenerated = deployment_service.regenerate_key(
        tenant.tenant_id, name, KeyName(body["key_name"]), deployments=_repository()
    )
    return jsonify(regenerated.deployment.to_public(base_url(), regenerated.keys))
