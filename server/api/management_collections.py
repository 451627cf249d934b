"""Large person groups through the management API, for infrastructure tools such as Terraform.

The same operations as the data plane's `/face/{v}/largepersongroups`, authorised by the tenant's
management token and addressed by deployment name, so provisioning needs no data-plane key.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from server.api.bearer import require_tenant, require_writable_tenant
from server.api.collections import collection_view
from server.api.contract import Reply, Security, contract, json_body, query_args
from server.api.management import bp
from server.domain import detection as detection_rules
from server.domain.collections import RULES, CollectionKind
from server.domain.tenants import Tenant
from server.extensions import get_redis
from server.schemas.collections import (
    COLLECTION_SCHEMAS,
    CollectionCreateSchema,
    NameAndUserDataSchema,
    PageQuerySchema,
)
from server.services import collections as service
from server.store.deployments import DeploymentRepository

LARGE_PERSON_GROUPS = RULES[CollectionKind.LARGE_PERSON_GROUP]
GROUP = COLLECTION_SCHEMAS[CollectionKind.LARGE_PERSON_GROUP]
PATH_NAMES = {"group_id": "largePersonGroupId"}


def _scope(tenant: Tenant, deployment: str) -> service.Scope:
    found = DeploymentRepository(get_redis()).get(tenant.tenant_id, deployment)
    return service.Scope(get_redis(), found.deployment_id, found.sku, LARGE_PERSON_GROUPS)


def _view(scope: service.Scope, group_id: str) -> Response:
    return jsonify(collection_view(LARGE_PERSON_GROUPS, service.get_collection(scope, group_id), with_model=True))


def _documented(operation_id: str, summary: str, errors: tuple[int, ...], reply: Reply, **more: Any) -> Any:
    return contract(operation_id=operation_id, summary=summary, tag="Management", security=Security.MANAGEMENT,
                    errors=errors, replies=[reply], path_names=PATH_NAMES, **more)


@bp.put("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("createManagedLargePersonGroup", "Create a large person group in a deployment", (400, 401, 403, 404, 409),
             Reply(201, "The group.", GROUP), body=CollectionCreateSchema)
def create_large_person_group(deployment: str, group_id: str) -> tuple[Response, int]:
    """Create a large person group in a deployment; 409 when it exists."""
    scope = _scope(require_writable_tenant(), deployment)
    body = json_body()
    service.create_collection(scope, group_id, body["name"], body["userData"],
                              detection_rules.parse_recognition_model(body["recognitionModel"]))
    return _view(scope, group_id), 201


@bp.get("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("getManagedLargePersonGroup", "A large person group of a deployment", (400, 401, 404),
             Reply(200, "The group.", GROUP))
def get_large_person_group(deployment: str, group_id: str) -> Response:
    return _view(_scope(require_tenant(), deployment), group_id)


@bp.get("/deployments/<deployment>/largepersongroups")
@_documented("listManagedLargePersonGroups", "The large person groups of a deployment", (400, 401, 404),
             Reply(200, "Groups in id order.", GROUP, many=True), query=PageQuerySchema)
def list_large_person_groups(deployment: str) -> Response:
    scope = _scope(require_tenant(), deployment)
    query = query_args()
    records = service.list_collections(scope, query["start"], query["top"])
    return jsonify([collection_view(LARGE_PERSON_GROUPS, record, with_model=True) for record in records])


@bp.patch("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("updateManagedLargePersonGroup", "Rename a large person group or change its userData",
             (400, 401, 403, 404), Reply(200, "The group.", GROUP), body=NameAndUserDataSchema)
def update_large_person_group(deployment: str, group_id: str) -> Response:
    """Change the name or userData (the recognition model cannot change after creation)."""
    scope = _scope(require_writable_tenant(), deployment)
    body = json_body()
    service.update_collection(scope, group_id, body["name"], body["userData"])
    return _view(scope, group_id)


@bp.delete("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("deleteManagedLargePersonGroup", "Delete a large person group", (400, 401, 403, 404),
             Reply(204, "Deleted.", media_type=""))
def delete_large_person_group(deployment: str, group_id: str) -> tuple[str, int]:
    service.delete_collection(_scope(require_writable_tenant(), deployment), group_id)
    return "", 204
