"""Collection routes of the data plane, for all four kinds from one table.

PersonGroup and LargePersonGroup hold persons with persisted faces; FaceList and LargeFaceList
hold persisted faces; the large kinds and person groups train. Each route is registered per kind
with Azure's paths and operation names, declares its contract, and goes through the same
operation gate as every data-plane route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, jsonify, url_for

from server.api import bodies
from server.api.contract import DATA_PLANE_ERRORS, BodyKind, Reply, Security, contract, json_body, query_args
from server.api.dataplane import bp, current_caller, operation
from server.api.urls import base_url
from server.domain import detection as detection_rules
from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.operations import OperationClass
from server.domain.training import RETRY_AFTER_SECONDS
from server.extensions import get_queue, get_redis
from server.schemas import collections as schemas
from server.schemas.faces import ImageUrlSchema
from server.services import collections as service
from server.services import training
from server.store.collections import CollectionRecord, FaceRecordInCollection, PersonRecord

READ, WRITE, TRAIN = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT, OperationClass.TRAINING
ADD_FACE = OperationClass.FACE_ENROLLMENT
"""Adding a face image to a collection: the terms of use look at how that image was captured."""
NO_BODY = Reply(200, "Done; the answer has no body.", media_type="")
RETRY_AFTER = "Retry-After"

Route = Callable[..., None]


def _scope(rules: KindRules) -> service.Scope:
    caller = current_caller()
    return service.Scope(get_redis(), caller.deployment.deployment_id, caller.deployment.sku, rules)


def _empty(status: int = 200) -> Response:
    """Azure answers creates, updates, deletes and train with no body at all."""
    response = current_app.response_class(status=status)
    del response.headers["Content-Type"]
    return response


def collection_view(rules: KindRules, record: CollectionRecord, *, with_model: bool) -> dict[str, Any]:
    view: dict[str, Any] = {rules.id_field: record.collection_id, "name": record.name}
    if record.user_data is not None:
        view["userData"] = record.user_data
    if with_model:
        view["recognitionModel"] = record.recognition_model
    return view


def person_view(person: PersonRecord) -> dict[str, Any]:
    view: dict[str, Any] = {"personId": person.person_id, "name": person.name}
    if person.user_data is not None:
        view["userData"] = person.user_data
    view["persistedFaceIds"] = list(person.face_ids)
    return view


def face_view(face: FaceRecordInCollection) -> dict[str, Any]:
    view: dict[str, Any] = {"persistedFaceId": face.face_id}
    if face.user_data is not None:
        view["userData"] = face.user_data
    return view


def _operation_id(rules: KindRules, name: str) -> str:
    """Azure's operation names: createLargePersonGroup, addLargePersonGroupPersonFace, ..."""
    noun = rules.code
    words = {
        "create": f"create{noun}", "get": f"get{noun}", "update": f"update{noun}", "delete": f"delete{noun}",
        "list": f"get{noun}s", "train": f"train{noun}", "get_training": f"get{noun}TrainingStatus",
        "create_person": f"create{noun}Person", "list_persons": f"get{noun}Persons",
        "get_person": f"get{noun}Person", "update_person": f"update{noun}Person",
        "delete_person": f"delete{noun}Person",
    }
    face_owner = f"{noun}Person" if rules.has_persons else noun
    for face_operation, verb in (("add_face", "add"), ("get_face", "get"), ("update_face", "update"),
                                 ("delete_face", "delete")):
        words[face_operation] = f"{verb}{face_owner}Face"
    words["list_faces"] = f"get{face_owner}Faces"
    return words[name]


def _path_names(rules: KindRules) -> dict[str, str]:
    return {"collection_id": rules.id_field, "person_id": "personId", "face_id": "persistedFaceId"}


def _add_face(rules: KindRules, collection_id: str, person_id: str | None) -> Response:
    query = query_args()
    face_id = service.add_face(
        _scope(rules), collection_id, person_id, bodies.image_bytes(),
        target_face=query["targetFace"],
        detection_model=detection_rules.parse_detection_model(query["detectionModel"]),
        user_data=query["userData"],
    )
    return jsonify({"persistedFaceId": face_id})


def _register(rules: KindRules) -> None:
    kind = rules.kind.value
    base = f"/{kind}/<collection_id>"

    def route(path: str, method: str, name: str, operation_class: OperationClass,
              view: Callable[..., Response], **declared: Any) -> None:
        noun = rules.noun.lower()
        summary = f"{name.replace('_', ' ').capitalize()} ({noun})"
        view.__name__, view.__doc__ = f"{kind}_{name}", f"{summary}."
        errors = declared.pop("errors", (404,))
        documented = contract(
            operation_id=_operation_id(rules, name), summary=summary, tag=rules.code, security=Security.KEY,
            replies=declared.pop("replies", [NO_BODY]), errors=(*DATA_PLANE_ERRORS, *errors),
            path_names=_path_names(rules), **declared,
        )(view)
        bp.add_url_rule(path, endpoint=f"{kind}_{name}", view_func=operation(operation_class)(documented),
                        methods=[method])

    item = schemas.COLLECTION_SCHEMAS[rules.kind]

    def create(collection_id: str) -> Response:
        body = json_body()
        service.create_collection(_scope(rules), collection_id, body["name"], body["userData"],
                                  detection_rules.parse_recognition_model(body["recognitionModel"]))
        return _empty()

    def get(collection_id: str) -> Response:
        record = service.get_collection(_scope(rules), collection_id)
        view = collection_view(rules, record, with_model=query_args()["returnRecognitionModel"])
        if rules.kind is CollectionKind.FACE_LIST:
            view["persistedFaces"] = [face_view(face) for face in service.list_faces(
                _scope(rules), collection_id, None, None)]
        return jsonify(view)

    def update(collection_id: str) -> Response:
        body = json_body()
        service.update_collection(_scope(rules), collection_id, body["name"], body["userData"])
        return _empty()

    def delete(collection_id: str) -> Response:
        service.delete_collection(_scope(rules), collection_id)
        return _empty()

    def list_all() -> Response:
        query = query_args()
        start, top = (query["start"], query["top"]) if rules.paged else (None, None)
        records = service.list_collections(_scope(rules), start, top)
        return jsonify([collection_view(rules, r, with_model=query["returnRecognitionModel"]) for r in records])

    route(base, "PUT", "create", WRITE, create, body=schemas.CollectionCreateSchema, errors=(409,))
    route(base, "GET", "get", READ, get, query=schemas.ReturnRecognitionModelQuerySchema,
          replies=[Reply(200, f"The {rules.noun.lower()}.", item)])
    route(base, "PATCH", "update", WRITE, update, body=schemas.NameAndUserDataSchema)
    route(base, "DELETE", "delete", WRITE, delete)
    route(f"/{kind}", "GET", "list", READ, list_all, errors=(),
          query=schemas.CollectionPageQuerySchema if rules.paged else schemas.ReturnRecognitionModelQuerySchema,
          replies=[Reply(200, f"The deployment's {rules.noun.lower()}s, in id order.", item, many=True)])

    if rules.has_persons:
        _register_persons(rules, base, route)
    else:
        _register_list_faces(rules, base, route)
    if rules.trainable:
        _register_training(rules, base, route)


def _register_persons(rules: KindRules, base: str, route: Route) -> None:
    persons = f"{base}/persons"
    person = f"{persons}/<person_id>"
    face = f"{person}/persistedfaces/<face_id>"

    def create_person(collection_id: str) -> Response:
        body = json_body()
        return jsonify({"personId": service.create_person(_scope(rules), collection_id, body["name"],
                                                          body["userData"])})

    def list_persons(collection_id: str) -> Response:
        query = query_args()
        found = service.list_persons(_scope(rules), collection_id, query["start"], query["top"])
        return jsonify([person_view(p) for p in found])

    def get_person(collection_id: str, person_id: str) -> Response:
        return jsonify(person_view(service.get_person(_scope(rules), collection_id, person_id)))

    def update_person(collection_id: str, person_id: str) -> Response:
        body = json_body()
        service.update_person(_scope(rules), collection_id, person_id, body["name"], body["userData"])
        return _empty()

    def delete_person(collection_id: str, person_id: str) -> Response:
        service.delete_person(_scope(rules), collection_id, person_id)
        return _empty()

    def add_face(collection_id: str, person_id: str) -> Response:
        return _add_face(rules, collection_id, person_id)

    def get_face(collection_id: str, person_id: str, face_id: str) -> Response:
        return jsonify(face_view(service.get_face(_scope(rules), collection_id, person_id, face_id)))

    def update_face(collection_id: str, person_id: str, face_id: str) -> Response:
        service.update_face(_scope(rules), collection_id, person_id, face_id, json_body()["userData"])
        return _empty()

    def delete_face(collection_id: str, person_id: str, face_id: str) -> Response:
        service.delete_face(_scope(rules), collection_id, person_id, face_id)
        return _empty()

    route(persons, "POST", "create_person", WRITE, create_person, body=schemas.PersonCreateSchema,
          replies=[Reply(200, "The new person's id.", schemas.CreatePersonResultSchema)])
    route(persons, "GET", "list_persons", READ, list_persons, query=schemas.PageQuerySchema,
          replies=[Reply(200, "Persons in id order.", schemas.PersonSchema, many=True)])
    route(person, "GET", "get_person", READ, get_person, replies=[Reply(200, "The person.", schemas.PersonSchema)])
    route(person, "PATCH", "update_person", WRITE, update_person, body=schemas.NameAndUserDataSchema)
    route(person, "DELETE", "delete_person", WRITE, delete_person)
    route(f"{person}/persistedfaces", "POST", "add_face", ADD_FACE, add_face, query=schemas.AddFaceQuerySchema,
          body=ImageUrlSchema, body_kind=BodyKind.IMAGE, errors=(404, 415),
          replies=[Reply(200, "The persisted face's id.", schemas.AddFaceResultSchema)])
    route(face, "GET", "get_face", READ, get_face, replies=[Reply(200, "The face.", schemas.PersistedFaceSchema)])
    route(face, "PATCH", "update_face", WRITE, update_face, body=schemas.FaceUserDataSchema)
    route(face, "DELETE", "delete_face", WRITE, delete_face)


def _register_list_faces(rules: KindRules, base: str, route: Route) -> None:
    faces = f"{base}/persistedfaces"
    face = f"{faces}/<face_id>"

    def add_face(collection_id: str) -> Response:
        return _add_face(rules, collection_id, None)

    def delete_face(collection_id: str, face_id: str) -> Response:
        service.delete_face(_scope(rules), collection_id, None, face_id)
        return _empty()

    route(faces, "POST", "add_face", ADD_FACE, add_face, query=schemas.AddFaceQuerySchema, body=ImageUrlSchema,
          body_kind=BodyKind.IMAGE, errors=(404, 415),
          replies=[Reply(200, "The persisted face's id.", schemas.AddFaceResultSchema)])
    route(face, "DELETE", "delete_face", WRITE, delete_face)
    if not rules.paged:
        return  # a FaceList has no face listing, get or update of its own: GET the list instead

    def list_faces(collection_id: str) -> Response:
        query = query_args()
        found = service.list_faces(_scope(rules), collection_id, query["start"], query["top"])
        return jsonify([face_view(f) for f in found])

    def get_face(collection_id: str, face_id: str) -> Response:
        return jsonify(face_view(service.get_face(_scope(rules), collection_id, None, face_id)))

    def update_face(collection_id: str, face_id: str) -> Response:
        service.update_face(_scope(rules), collection_id, None, face_id, json_body()["userData"])
        return _empty()

    route(faces, "GET", "list_faces", READ, list_faces, query=schemas.PageQuerySchema,
          replies=[Reply(200, "Persisted faces in id order.", schemas.PersistedFaceSchema, many=True)])
    route(face, "GET", "get_face", READ, get_face, replies=[Reply(200, "The face.", schemas.PersistedFaceSchema)])
    route(face, "PATCH", "update_face", WRITE, update_face, body=schemas.FaceUserDataSchema)


def _register_training(rules: KindRules, base: str, route: Route) -> None:
    def train(collection_id: str) -> Response:
        operation_id = training.train(_scope(rules), collection_id, get_queue("training"),
                                      tenant_id=current_caller().tenant.tenant_id)
        response = _empty(202)
        response.headers["operation-Location"] = base_url() + url_for(
            "dataplane.get_operation", api_version=g.api_version, operation_id=operation_id)
        response.headers[RETRY_AFTER] = str(RETRY_AFTER_SECONDS)
        return response

    def get_training(collection_id: str) -> Response:
        run = training.training_status(_scope(rules), collection_id)
        response = jsonify(run.training_result(g.api_version))
        if run.in_progress:
            response.headers[RETRY_AFTER] = str(RETRY_AFTER_SECONDS)
        return response

    route(f"{base}/train", "POST", "train", TRAIN, train, errors=(404, 409),
          replies=[Reply(202, "Training is queued; poll operation-Location.", media_type="",
                         headers=("operation-Location", RETRY_AFTER))])
    route(f"{base}/training", "GET", "get_training", READ, get_training,
          replies=[Reply(200, "The latest training run.", schemas.TrainingResultSchema, headers=(RETRY_AFTER,))])


@bp.get("/operations/<operation_id>")
@operation(READ)
@contract(operation_id="getOperationResult", summary="Get a long-running operation (training)", tag="Operations",
          security=Security.KEY, path_names={"operation_id": "operationId"}, errors=(*DATA_PLANE_ERRORS, 404),
          replies=[Reply(200, "The operation.", schemas.OperationResultSchema, headers=(RETRY_AFTER,))])
def get_operation(operation_id: str) -> Response:
    """A long-running operation (training) of the caller's deployment."""
    run = training.operation_status(get_redis(), current_caller().deployment.deployment_id, operation_id)
    response = jsonify(run.operation_result())
    if run.in_progress:
        response.headers[RETRY_AFTER] = str(RETRY_AFTER_SECONDS)
    return response


for _rules in RULES.values():
    _register(_rules)
