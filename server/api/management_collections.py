"""Large person groups through the management API, for infrastructure tools such as Terraform.

The same operations as the data plane's `/face/{v}/largepersongroups`, authorised by the tenant's
management token and addressed by deployment name, so provisioning needs no data-plane key.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g

from server.api.bearer import require_tenant, require_writable_tenant
from server.api.contract import Reply, Security, contract, json_body, query_args, reply
from server.api.management import bp
from server.domain import detection as detection_rules
from server.domain.callers import Caller
from server.domain.collections import CollectionKind
from server.domain.tenants import Tenant
from server.extensions import get_redis
from server.schemas.collections import (
    COLLECTION_SCHEMAS,
    CollectionCreateSchema,
    NameAndUserDataSchema,
    PageQuerySchema,
)
from server.services import collections, deployments

LPG = CollectionKind.LARGE_PERSON_GROUP
GROUP = COLLECTION_SCHEMAS[LPG]
PATH_NAMES = {"group_id": "largePersonGroupId"}


def _caller(tenant: Tenant, deployment: str) -> Caller:
    return deployments.caller_for(get_redis(), tenant, deployment, g.request_id)


def _documented(operation_id: str, summary: str, errors: tuple[int, ...], answer: Reply, **more: Any) -> Any:
    return contract(operation_id=operation_id, summary=summary, tag="Management", security=Security.MANAGEMENT,
                    errors=errors, replies=[answer], path_names=PATH_NAMES, **more)


@bp.put("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("createManagedLargePersonGroup", "Create a large person group in a deployment", (400, 401, 403, 404, 409),
             Reply(201, "The group.", GROUP), body=CollectionCreateSchema)
def create_managed_large_person_group(deployment: str, group_id: str) -> Response:
    """Create a large person group in a deployment; 409 when it exists."""
    caller = _caller(require_writable_tenant(), deployment)
    body = json_body()
    created = collections.create_collection(get_redis(), caller, LPG, group_id, body["name"], body["userData"],
                                            detection_rules.parse_recognition_model(body["recognitionModel"]))
    return reply(created, 201)


@bp.get("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("getManagedLargePersonGroup", "A large person group of a deployment", (400, 401, 404),
             Reply(200, "The group.", GROUP))
def get_managed_large_person_group(deployment: str, group_id: str) -> Response:
    return reply(collections.get_collection(get_redis(), _caller(require_tenant(), deployment), LPG, group_id))


@bp.get("/deployments/<deployment>/largepersongroups")
@_documented("listManagedLargePersonGroups", "The large person groups of a deployment", (400, 401, 404),
             Reply(200, "Groups in id order.", GROUP, many=True), query=PageQuerySchema)
def list_managed_large_person_groups(deployment: str) -> Response:
    caller = _caller(require_tenant(), deployment)
    query = query_args()
    return reply(collections.list_collections(get_redis(), caller, LPG, query["start"], query["top"]))


@bp.patch("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("updateManagedLargePersonGroup", "Rename a large person group or change its userData",
             (400, 401, 403, 404), Reply(200, "The group.", GROUP), body=NameAndUserDataSchema)
def update_managed_large_person_group(deployment: str, group_id: str) -> Response:
    """Change the name or userData (the recognition model cannot change after creation)."""
    caller = _caller(require_writable_tenant(), deployment)
    body = json_body()
    return reply(collections.update_collection(get_redis(), caller, LPG, group_id, body["name"], body["userData"]))


@bp.delete("/deployments/<deployment>/largepersongroups/<group_id>")
@_documented("deleteManagedLargePersonGroup", "Delete a large person group", (400, 401, 403, 404),
             Reply(204, "Deleted.", media_type=""))
def delete_managed_large_person_group(deployment: str, group_id: str) -> Response:
    collections.delete_collection(get_redis(), _caller(require_writable_tenant(), deployment), LPG, group_id)
    return reply(status=204)
