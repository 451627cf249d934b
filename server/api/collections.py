"""Collection routes of the data plane: PersonGroup, LargePersonGroup, FaceList, LargeFaceList.

The four kinds share their views (each takes the kind first); `OPERATIONS` below registers each
route once, under Azure's operation name, so `grep createLargePersonGroup` lands on its row, which
names its view. A view's `@shape` says what it reads and answers; the kind fills in the nouns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import Response, g
from marshmallow import Schema

from server.api import bodies
from server.api.contract import (
    DATA_PLANE_ERRORS,
    NO_BODY,
    BodyKind,
    Reply,
    Security,
    contract,
    declare,
    json_body,
    query_args,
    reply,
)
from server.api.dataplane import admit, bp, current_caller, operation
from server.api.urls import operation_location
from server.domain import detection as detection_rules
from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.operations import OperationClass
from server.domain.training import RETRY_AFTER_SECONDS
from server.extensions import get_redis
from server.schemas import collections as schemas
from server.schemas.faces import ImageUrlSchema
from server.services import collections, provenance, training

READ, WRITE, TRAIN = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT, OperationClass.TRAINING
ADD_FACE = OperationClass.FACE_ENROLLMENT
"""Adding a face image to a collection: the terms of use look at how that image was captured."""
RETRY_AFTER = "Retry-After"
MODEL_FIELD = "recognitionModel"
"""Shown only when the call asks for it with returnRecognitionModel=true."""

View = Callable[..., Response]


@dataclasses.dataclass(frozen=True)
class Shape:
    """What a shared view reads and answers; `{noun}` in the summary becomes the kind's noun."""

    operation_class: OperationClass
    summary: str
    replies: Callable[[KindRules], list[Reply]] = lambda rules: [NO_BODY]
    errors: tuple[int, ...] = (404,)
    body: type[Schema] | None = None
    body_kind: BodyKind = BodyKind.JSON
    query: Callable[[KindRules], type[Schema] | None] = lambda rules: None


def shape(declared: Shape) -> Callable[[View], View]:
    def attach(view: View) -> View:
        view.shape = declared  # type: ignore[attr-defined]
        return view

    return attach


def _item(rules: KindRules) -> list[Reply]:
    return [Reply(200, f"The {rules.noun.lower()}.", schemas.COLLECTION_SCHEMAS[rules.kind])]


def _items(rules: KindRules) -> list[Reply]:
    return [Reply(200, f"The deployment's {rules.noun.lower()}s, in id order.", schemas.COLLECTION_SCHEMAS[rules.kind],
                  many=True)]


def _model_hidden(query: dict[str, Any]) -> tuple[str, ...]:
    return () if query["returnRecognitionModel"] else (MODEL_FIELD,)


# collections --------------------------------------------------------------------------------

@shape(Shape(WRITE, "Create a {noun}", errors=(409,), body=schemas.CollectionCreateSchema))
def create_collection(kind: CollectionKind, collection_id: str) -> Response:
    body = json_body()
    collections.create_collection(get_redis(), current_caller(), kind, collection_id, body["name"], body["userData"],
                                  detection_rules.parse_recognition_model(body["recognitionModel"]))
    return reply()


@shape(Shape(READ, "Get a {noun}", replies=_item, query=lambda rules: schemas.ReturnRecognitionModelQuerySchema))
def get_collection(kind: CollectionKind, collection_id: str) -> Response:
    record = collections.get_collection(get_redis(), current_caller(), kind, collection_id)
    return reply(record, exclude=_model_hidden(query_args()))


@shape(Shape(WRITE, "Rename a {noun} or change its userData", body=schemas.NameAndUserDataSchema))
def update_collection(kind: CollectionKind, collection_id: str) -> Response:
    body = json_body()
    collections.update_collection(get_redis(), current_caller(), kind, collection_id, body["name"], body["userData"])
    return reply()


@shape(Shape(WRITE, "Delete a {noun}"))
def delete_collection(kind: CollectionKind, collection_id: str) -> Response:
    collections.delete_collection(get_redis(), current_caller(), kind, collection_id)
    return reply()


@shape(Shape(READ, "List the {noun}s", replies=_items, errors=(), query=lambda rules: (
    schemas.CollectionPageQuerySchema if rules.paged else schemas.ReturnRecognitionModelQuerySchema)))
def list_collections(kind: CollectionKind) -> Response:
    query = query_args()
    start, top = (query["start"], query["top"]) if RULES[kind].paged else (None, None)
    records = collections.list_collections(get_redis(), current_caller(), kind, start, top)
    return reply(records, exclude=_model_hidden(query))


# persons ------------------------------------------------------------------------------------

@shape(Shape(WRITE, "Create a person in a {noun}", body=schemas.PersonCreateSchema,
             replies=lambda rules: [Reply(200, "The new person's id.", schemas.CreatePersonResultSchema)]))
def create_person(kind: CollectionKind, collection_id: str) -> Response:
    body = json_body()
    return reply(collections.create_person(get_redis(), current_caller(), kind, collection_id, body["name"],
                                           body["userData"]))


@shape(Shape(READ, "List the persons of a {noun}", query=lambda rules: schemas.PageQuerySchema,
             replies=lambda rules: [Reply(200, "Persons in id order.", schemas.PersonSchema, many=True)]))
def list_persons(kind: CollectionKind, collection_id: str) -> Response:
    query = query_args()
    return reply(collections.list_persons(get_redis(), current_caller(), kind, collection_id, query["start"],
                                          query["top"]))


@shape(Shape(READ, "Get a person of a {noun}",
             replies=lambda rules: [Reply(200, "The person.", schemas.PersonSchema)]))
def get_person(kind: CollectionKind, collection_id: str, person_id: str) -> Response:
    return reply(collections.get_person(get_redis(), current_caller(), kind, collection_id, person_id))


@shape(Shape(WRITE, "Rename a person of a {noun} or change its userData", body=schemas.NameAndUserDataSchema))
def update_person(kind: CollectionKind, collection_id: str, person_id: str) -> Response:
    body = json_body()
    collections.update_person(get_redis(), current_caller(), kind, collection_id, person_id, body["name"],
                              body["userData"])
    return reply()


@shape(Shape(WRITE, "Delete a person of a {noun}, with its faces"))
def delete_person(kind: CollectionKind, collection_id: str, person_id: str) -> Response:
    collections.delete_person(get_redis(), current_caller(), kind, collection_id, person_id)
    return reply()


# persisted faces ----------------------------------------------------------------------------

@shape(Shape(ADD_FACE, "Add a face to a {noun}", body=ImageUrlSchema, body_kind=BodyKind.IMAGE, errors=(404, 415),
             query=lambda rules: schemas.AddFaceQuerySchema,
             replies=lambda rules: [Reply(200, "The persisted face's id.", schemas.AddFaceResultSchema)]))
def add_face(kind: CollectionKind, collection_id: str, person_id: str | None = None) -> Response:
    query = query_args()
    redis = get_redis()
    image = provenance.examine_image(redis, current_caller(), bodies.image_bytes())
    return reply(collections.add_face(
        redis, admit(image=image), kind, collection_id, person_id, image, target_face=query["targetFace"],
        detection_model=detection_rules.parse_detection_model(query["detectionModel"]), user_data=query["userData"],
    ))


@shape(Shape(READ, "List the faces of a {noun}", query=lambda rules: schemas.PageQuerySchema,
             replies=lambda rules: [Reply(200, "Persisted faces in id order.", schemas.PersistedFaceSchema,
                                          many=True)]))
def list_faces(kind: CollectionKind, collection_id: str) -> Response:
    query = query_args()
    return reply(collections.list_faces(get_redis(), current_caller(), kind, collection_id, query["start"],
                                        query["top"]))


@shape(Shape(READ, "Get a face of a {noun}",
             replies=lambda rules: [Reply(200, "The face.", schemas.PersistedFaceSchema)]))
def get_face(kind: CollectionKind, collection_id: str, face_id: str, person_id: str | None = None) -> Response:
    return reply(collections.get_face(get_redis(), current_caller(), kind, collection_id, person_id, face_id))


@shape(Shape(WRITE, "Change the userData of a face of a {noun}", body=schemas.FaceUserDataSchema))
def update_face(kind: CollectionKind, collection_id: str, face_id: str, person_id: str | None = None) -> Response:
    collections.update_face(get_redis(), current_caller(), kind, collection_id, person_id, face_id,
                            json_body()["userData"])
    return reply()


@shape(Shape(WRITE, "Delete a face of a {noun}"))
def delete_face(kind: CollectionKind, collection_id: str, face_id: str, person_id: str | None = None) -> Response:
    collections.delete_face(get_redis(), current_caller(), kind, collection_id, person_id, face_id)
    return reply()


# training -----------------------------------------------------------------------------------

@shape(Shape(TRAIN, "Train a {noun}", errors=(404, 409), replies=lambda rules: [
    Reply(202, "Training is queued; poll operation-Location.", media_type="",
          headers=("operation-Location", RETRY_AFTER))]))
def train(kind: CollectionKind, collection_id: str) -> Response:
    run = training.train(get_redis(), current_caller(), kind, collection_id)
    return reply(status=202, headers={"operation-Location": operation_location(run.operation_id),
                                      RETRY_AFTER: str(RETRY_AFTER_SECONDS)})


@shape(Shape(READ, "The latest training of a {noun}", replies=lambda rules: [
    Reply(200, "The latest training run.", schemas.TrainingResultSchema, headers=(RETRY_AFTER,))]))
def get_training(kind: CollectionKind, collection_id: str) -> Response:
    run = training.training_status(get_redis(), current_caller(), kind, collection_id)
    return reply(run.training_result(g.api_version),
                 headers={RETRY_AFTER: str(RETRY_AFTER_SECONDS)} if run.in_progress else None)


@bp.get("/operations/<operation_id>")
@operation(READ)
@contract(operation_id="getOperationResult", summary="Get a long-running operation (training, PersonDirectory)",
          tag="Operations", security=Security.KEY, path_names={"operation_id": "operationId"}, errors=DATA_PLANE_ERRORS,
          replies=[Reply(200, "The operation.", schemas.OperationResultSchema, headers=(RETRY_AFTER,))])
def get_operation(operation_id: str) -> Response:
    """A long-running operation (a training, or a PersonDirectory write) of the caller's deployment."""
    run = training.operation_status(get_redis(), current_caller(), operation_id)
    return reply(run, headers={RETRY_AFTER: str(RETRY_AFTER_SECONDS)} if run.in_progress else None)


# the routes ---------------------------------------------------------------------------------

PG, LPG = CollectionKind.PERSON_GROUP, CollectionKind.LARGE_PERSON_GROUP
FL, LFL = CollectionKind.FACE_LIST, CollectionKind.LARGE_FACE_LIST

OPERATIONS: tuple[tuple[str, str, str, CollectionKind, View], ...] = (
    ("createPersonGroup", "PUT", "/persongroups/<collection_id>", PG, create_collection),
    ("getPersonGroup", "GET", "/persongroups/<collection_id>", PG, get_collection),
    ("updatePersonGroup", "PATCH", "/persongroups/<collection_id>", PG, update_collection),
    ("deletePersonGroup", "DELETE", "/persongroups/<collection_id>", PG, delete_collection),
    ("getPersonGroups", "GET", "/persongroups", PG, list_collections),
    ("trainPersonGroup", "POST", "/persongroups/<collection_id>/train", PG, train),
    ("getPersonGroupTrainingStatus", "GET", "/persongroups/<collection_id>/training", PG, get_training),
    ("createPersonGroupPerson", "POST", "/persongroups/<collection_id>/persons", PG, create_person),
    ("getPersonGroupPersons", "GET", "/persongroups/<collection_id>/persons", PG, list_persons),
    ("getPersonGroupPerson", "GET", "/persongroups/<collection_id>/persons/<person_id>", PG, get_person),
    ("updatePersonGroupPerson", "PATCH", "/persongroups/<collection_id>/persons/<person_id>", PG, update_person),
    ("deletePersonGroupPerson", "DELETE", "/persongroups/<collection_id>/persons/<person_id>", PG, delete_person),
    ("addPersonGroupPersonFace", "POST", "/persongroups/<collection_id>/persons/<person_id>/persistedfaces", PG,
     add_face),
    ("getPersonGroupPersonFace", "GET",
     "/persongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", PG, get_face),
    ("updatePersonGroupPersonFace", "PATCH",
     "/persongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", PG, update_face),
    ("deletePersonGroupPersonFace", "DELETE",
     "/persongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", PG, delete_face),

    ("createLargePersonGroup", "PUT", "/largepersongroups/<collection_id>", LPG, create_collection),
    ("getLargePersonGroup", "GET", "/largepersongroups/<collection_id>", LPG, get_collection),
    ("updateLargePersonGroup", "PATCH", "/largepersongroups/<collection_id>", LPG, update_collection),
    ("deleteLargePersonGroup", "DELETE", "/largepersongroups/<collection_id>", LPG, delete_collection),
    ("getLargePersonGroups", "GET", "/largepersongroups", LPG, list_collections),
    ("trainLargePersonGroup", "POST", "/largepersongroups/<collection_id>/train", LPG, train),
    ("getLargePersonGroupTrainingStatus", "GET", "/largepersongroups/<collection_id>/training", LPG, get_training),
    ("createLargePersonGroupPerson", "POST", "/largepersongroups/<collection_id>/persons", LPG, create_person),
    ("getLargePersonGroupPersons", "GET", "/largepersongroups/<collection_id>/persons", LPG, list_persons),
    ("getLargePersonGroupPerson", "GET", "/largepersongroups/<collection_id>/persons/<person_id>", LPG, get_person),
    ("updateLargePersonGroupPerson", "PATCH", "/largepersongroups/<collection_id>/persons/<person_id>", LPG,
     update_person),
    ("deleteLargePersonGroupPerson", "DELETE", "/largepersongroups/<collection_id>/persons/<person_id>", LPG,
     delete_person),
    ("addLargePersonGroupPersonFace", "POST", "/largepersongroups/<collection_id>/persons/<person_id>/persistedfaces",
     LPG, add_face),
    ("getLargePersonGroupPersonFace", "GET",
     "/largepersongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", LPG, get_face),
    ("updateLargePersonGroupPersonFace", "PATCH",
     "/largepersongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", LPG, update_face),
    ("deleteLargePersonGroupPersonFace", "DELETE",
     "/largepersongroups/<collection_id>/persons/<person_id>/persistedfaces/<face_id>", LPG, delete_face),

    ("createFaceList", "PUT", "/facelists/<collection_id>", FL, create_collection),
    ("getFaceList", "GET", "/facelists/<collection_id>", FL, get_collection),
    ("updateFaceList", "PATCH", "/facelists/<collection_id>", FL, update_collection),
    ("deleteFaceList", "DELETE", "/facelists/<collection_id>", FL, delete_collection),
    ("getFaceLists", "GET", "/facelists", FL, list_collections),
    ("addFaceListFace", "POST", "/facelists/<collection_id>/persistedfaces", FL, add_face),
    ("deleteFaceListFace", "DELETE", "/facelists/<collection_id>/persistedfaces/<face_id>", FL, delete_face),

    ("createLargeFaceList", "PUT", "/largefacelists/<collection_id>", LFL, create_collection),
    ("getLargeFaceList", "GET", "/largefacelists/<collection_id>", LFL, get_collection),
    ("updateLargeFaceList", "PATCH", "/largefacelists/<collection_id>", LFL, update_collection),
    ("deleteLargeFaceList", "DELETE", "/largefacelists/<collection_id>", LFL, delete_collection),
    ("getLargeFaceLists", "GET", "/largefacelists", LFL, list_collections),
    ("trainLargeFaceList", "POST", "/largefacelists/<collection_id>/train", LFL, train),
    ("getLargeFaceListTrainingStatus", "GET", "/largefacelists/<collection_id>/training", LFL, get_training),
    ("addLargeFaceListFace", "POST", "/largefacelists/<collection_id>/persistedfaces", LFL, add_face),
    ("getLargeFaceListFaces", "GET", "/largefacelists/<collection_id>/persistedfaces", LFL, list_faces),
    ("getLargeFaceListFace", "GET", "/largefacelists/<collection_id>/persistedfaces/<face_id>", LFL, get_face),
    ("updateLargeFaceListFace", "PATCH", "/largefacelists/<collection_id>/persistedfaces/<face_id>", LFL,
     update_face),
    ("deleteLargeFaceListFace", "DELETE", "/largefacelists/<collection_id>/persistedfaces/<face_id>", LFL,
     delete_face),
)
"""(operationId, method, path under /face/{apiVersion}, kind, view): Azure's operations on collections."""


def bind(view: View, kind: CollectionKind, *, operation_id: str, tag: str, security: Security,
         errors: tuple[int, ...]) -> View:
    """A shared view bound to one kind, with the contract its shape declares in that kind's nouns."""
    rules, declared = RULES[kind], view.shape  # type: ignore[attr-defined]
    summary = declared.summary.format(noun=rules.noun.lower())

    def for_kind(**values: Any) -> Response:
        return view(kind, **values)

    for_kind.__name__, for_kind.__doc__ = view.__name__, f"{summary}."
    for_kind.contract = declare(  # type: ignore[attr-defined]
        operation_id=operation_id, summary=summary, tag=tag, security=security, replies=declared.replies(rules),
        errors=(*errors, *declared.errors), query=declared.query(rules), body=declared.body,
        body_kind=declared.body_kind,
        path_names={"collection_id": rules.id_field, "person_id": "personId", "face_id": "persistedFaceId"},
    )
    return for_kind


def _register(operation_id: str, method: str, path: str, kind: CollectionKind, view: View) -> None:
    bound = bind(view, kind, operation_id=operation_id, tag=RULES[kind].type_name, security=Security.KEY,
                 errors=DATA_PLANE_ERRORS)
    bp.add_url_rule(path, endpoint=operation_id, view_func=operation(view.shape.operation_class)(bound),  # type: ignore[attr-defined]
                    methods=[method])


for _row in OPERATIONS:
    _register(*_row)
