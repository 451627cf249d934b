"""Read-only views of every collection kind through the management API, for the web console.

A collection belongs to a deployment and the data plane reaches it with that deployment's key; the
console holds the tenant's management token instead, so these routes address a deployment by name
(another tenant's is 404) and answer what the data plane's reads answer, through the same services.
Large person groups already have their list and get in management_collections.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, g

from server import defaults
from server.api.bearer import require_tenant
from server.api.collections import Shape, bind, shape
from server.api.contract import Reply, Security, query_args, reply
from server.api.management import bp
from server.domain.callers import Caller
from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas import collections as schemas
from server.services import collections, deployments, training

READ = OperationClass.COLLECTION_READ
WIRE_VERSION = defaults.API_VERSIONS[-1]
"""Training states are spelled as the newest data-plane version spells them (notStarted, not notstarted)."""

View = Callable[..., Response]


def _caller(deployment: str) -> Caller:
    return deployments.caller_for(get_redis(), require_tenant(), deployment, g.request_id)


def _page(kind: CollectionKind) -> tuple[str | None, str | None]:
    """`start` and `top` of a paged kind; face lists are read whole, as Azure lists them."""
    if not RULES[kind].paged:
        return None, None
    query = query_args()
    return query["start"], query["top"]


def _paged(rules: KindRules) -> type[schemas.PageQuerySchema] | None:
    return schemas.PageQuerySchema if rules.paged else None


@shape(Shape(READ, "The {noun}s of a deployment", query=_paged, replies=lambda rules: [
    Reply(200, f"The deployment's {rules.noun.lower()}s, in id order.", schemas.COLLECTION_SCHEMAS[rules.kind],
          many=True)]))
def list_collections(kind: CollectionKind, deployment: str) -> Response:
    start, top = _page(kind)
    return reply(collections.list_collections(get_redis(), _caller(deployment), kind, start, top))


@shape(Shape(READ, "A {noun} of a deployment", replies=lambda rules: [
    Reply(200, f"The {rules.noun.lower()}.", schemas.COLLECTION_SCHEMAS[rules.kind])]))
def get_collection(kind: CollectionKind, deployment: str, collection_id: str) -> Response:
    return reply(collections.get_collection(get_redis(), _caller(deployment), kind, collection_id))


@shape(Shape(READ, "The persons of a {noun}", query=lambda rules: schemas.PageQuerySchema, replies=lambda rules: [
    Reply(200, "Persons in id order, each with its persisted face ids.", schemas.PersonSchema, many=True)]))
def list_persons(kind: CollectionKind, deployment: str, collection_id: str) -> Response:
    return _one_page(collections.list_persons, kind, deployment, collection_id)


@shape(Shape(READ, "The persisted faces of a person of a {noun}", replies=lambda rules: [
    Reply(200, "The person's faces (ids and userData; Visage keeps no face images), oldest first.",
          schemas.PersistedFaceSchema, many=True)]))
def list_person_faces(kind: CollectionKind, deployment: str, collection_id: str, person_id: str) -> Response:
    return reply(collections.list_person_faces(get_redis(), _caller(deployment), kind, collection_id, person_id))


@shape(Shape(READ, "The persisted faces of a {noun}", query=lambda rules: schemas.PageQuerySchema,
             replies=lambda rules: [Reply(200, "Faces in id order (ids and userData; Visage keeps no face images).",
                                          schemas.PersistedFaceSchema, many=True)]))
def list_faces(kind: CollectionKind, deployment: str, collection_id: str) -> Response:
    return _one_page(collections.list_faces, kind, deployment, collection_id)


def _one_page(listing: Callable[..., list[Any]], kind: CollectionKind, deployment: str, collection_id: str) -> Response:
    """One page of a collection's members, as `start` and `top` ask."""
    query = query_args()
    return reply(listing(get_redis(), _caller(deployment), kind, collection_id, query["start"], query["top"]))


@shape(Shape(READ, "The latest training of a {noun}", replies=lambda rules: [
    Reply(200, "The latest training run; 404 with the kind's NotTrained code when it was never trained.",
          schemas.TrainingResultSchema)]))
def get_training(kind: CollectionKind, deployment: str, collection_id: str) -> Response:
    run = training.training_status(get_redis(), _caller(deployment), kind, collection_id)
    return reply(run.training_result(WIRE_VERSION))


PG, LPG = CollectionKind.PERSON_GROUP, CollectionKind.LARGE_PERSON_GROUP
FL, LFL = CollectionKind.FACE_LIST, CollectionKind.LARGE_FACE_LIST
PERSON_FACES = "/persons/<person_id>/persistedfaces"

ROUTES: tuple[tuple[str, str, CollectionKind, View], ...] = (
    ("listManagedPersonGroups", "/persongroups", PG, list_collections),
    ("getManagedPersonGroup", "/persongroups/<collection_id>", PG, get_collection),
    ("listManagedPersonGroupPersons", "/persongroups/<collection_id>/persons", PG, list_persons),
    ("listManagedPersonGroupPersonFaces", f"/persongroups/<collection_id>{PERSON_FACES}", PG, list_person_faces),
    ("getManagedPersonGroupTrainingStatus", "/persongroups/<collection_id>/training", PG, get_training),

    ("listManagedLargePersonGroupPersons", "/largepersongroups/<collection_id>/persons", LPG, list_persons),
    ("listManagedLargePersonGroupPersonFaces", f"/largepersongroups/<collection_id>{PERSON_FACES}", LPG,
     list_person_faces),
    ("getManagedLargePersonGroupTrainingStatus", "/largepersongroups/<collection_id>/training", LPG, get_training),

    ("listManagedFaceLists", "/facelists", FL, list_collections),
    ("getManagedFaceList", "/facelists/<collection_id>", FL, get_collection),
    ("listManagedFaceListFaces", "/facelists/<collection_id>/persistedfaces", FL, list_faces),

    ("listManagedLargeFaceLists", "/largefacelists", LFL, list_collections),
    ("getManagedLargeFaceList", "/largefacelists/<collection_id>", LFL, get_collection),
    ("listManagedLargeFaceListFaces", "/largefacelists/<collection_id>/persistedfaces", LFL, list_faces),
    ("getManagedLargeFaceListTrainingStatus", "/largefacelists/<collection_id>/training", LFL, get_training),
)
"""(operationId, path under /mgmt/v1/deployments/{deployment}, kind, view)."""


def _register(operation_id: str, path: str, kind: CollectionKind, view: View) -> None:
    bound = bind(view, kind, operation_id=operation_id, tag="Management", security=Security.MANAGEMENT,
                 errors=(400, 401))
    bp.add_url_rule(f"/deployments/<deployment>{path}", endpoint=operation_id, view_func=bound, methods=["GET"])


for _row in ROUTES:
    _register(*_row)
