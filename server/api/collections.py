"""Collection routes of the data plane, for all four kinds from one table.

PersonGroup and LargePersonGroup hold persons with persisted faces; FaceList and LargeFaceList
hold persisted faces; the large kinds and person groups train. Each route is registered per kind
with Azure's paths, and goes through the same operation gate as every data-plane route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for

from server.api import bodies
from server.api.dataplane import bp, current_caller, operation
from server.api.urls import base_url
from server.domain import detection as detection_rules
from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.operations import OperationClass
from server.domain.training import RETRY_AFTER_SECONDS
from server.extensions import get_queue, get_redis
from server.services import collections as service
from server.services import training
from server.store.collections import CollectionRecord, FaceRecordInCollection, PersonRecord

READ, WRITE, TRAIN = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT, OperationClass.TRAINING


def _scope(rules: KindRules) -> service.Scope:
    caller = current_caller()
    return service.Scope(get_redis(), caller.deployment.deployment_id, caller.deployment.sku, rules)


def _flag(name: str) -> bool:
    return request.args.get(name, "false").lower() == "true"


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


def _add_face(rules: KindRules, collection_id: str, person_id: str | None) -> Response:
    face_id = service.add_face(
        _scope(rules), collection_id, person_id, bodies.image_bytes(),
        target_face=request.args.get("targetFace"),
        detection_model=detection_rules.parse_detection_model(request.args.get("detectionModel")),
        user_data=request.args.get("userData"),
    )
    return jsonify({"persistedFaceId": face_id})


def _register(rules: KindRules) -> None:
    kind = rules.kind.value
    base = f"/{kind}/<collection_id>"

    def route(path: str, method: str, name: str, operation_class: OperationClass,
              view: Callable[..., Response]) -> None:
        view.__name__ = f"{kind}_{name}"
        view.__doc__ = f"{name.replace('_', ' ').capitalize()} ({rules.noun.lower()})."
        bp.add_url_rule(path, endpoint=f"{kind}_{name}", view_func=operation(operation_class)(view),
                        methods=[method])

    def create(collection_id: str) -> Response:
        body = bodies.json_object()
        service.create_collection(_scope(rules), collection_id, body.get("name"), body.get("userData"),
                                  detection_rules.parse_recognition_model(body.get("recognitionModel")))
        return _empty()

    def get(collection_id: str) -> Response:
        record = service.get_collection(_scope(rules), collection_id)
        view = collection_view(rules, record, with_model=_flag("returnRecognitionModel"))
        if rules.kind is CollectionKind.FACE_LIST:
            view["persistedFaces"] = [face_view(face) for face in service.list_faces(
                _scope(rules), collection_id, None, None)]
        return jsonify(view)

    def update(collection_id: str) -> Response:
        body = bodies.json_object()
        service.update_collection(_scope(rules), collection_id, body.get("name"), body.get("userData"))
        return _empty()

    def delete(collection_id: str) -> Response:
        service.delete_collection(_scope(rules), collection_id)
        return _empty()

    def list_all() -> Response:
        with_model = _flag("returnRecognitionModel")
        records = service.list_collections(_scope(rules), request.args.get("start"), request.args.get("top"))
        return jsonify([collection_view(rules, record, with_model=with_model) for record in records])

    route(base, "PUT", "create", WRITE, create)
    route(base, "GET", "get", READ, get)
    route(base, "PATCH", "update", WRITE, update)
    route(base, "DELETE", "delete", WRITE, delete)
    route(f"/{kind}", "GET", "list", READ, list_all)

    if rules.has_persons:
        _register_persons(rules, base, route)
    else:
        _register_list_faces(rules, base, route)
    if rules.trainable:
        _register_training(rules, base, route)


Route = Callable[[str, str, str, OperationClass, Callable[..., Response]], None]


def _register_persons(rules: KindRules, base: str, route: Route) -> None:
    persons = f"{base}/persons"
    person = f"{persons}/<person_id>"
    face = f"{person}/persistedfaces/<face_id>"

    def create_person(collection_id: str) -> Response:
        body = bodies.json_object()
        return jsonify({"personId": service.create_person(_scope(rules), collection_id, body.get("name"),
                                                          body.get("userData"))})

    def list_persons(collection_id: str) -> Response:
        found = service.list_persons(_scope(rules), collection_id, request.args.get("start"), request.args.get("top"))
        return jsonify([person_view(p) for p in found])

    def get_person(collection_id: str, person_id: str) -> Response:
        return jsonify(person_view(service.get_person(_scope(rules), collection_id, person_id)))

    def update_person(collection_id: str, person_id: str) -> Response:
        body = bodies.json_object()
        service.update_person(_scope(rules), collection_id, person_id, body.get("name"), body.get("userData"))
        return _empty()

    def delete_person(collection_id: str, person_id: str) -> Response:
        service.delete_person(_scope(rules), collection_id, person_id)
        return _empty()

    def add_face(collection_id: str, person_id: str) -> Response:
        return _add_face(rules, collection_id, person_id)

    def get_face(collection_id: str, person_id: str, face_id: str) -> Response:
        return jsonify(face_view(service.get_face(_scope(rules), collection_id, person_id, face_id)))

    def update_face(collection_id: str, person_id: str, face_id: str) -> Response:
        service.update_face(_scope(rules), collection_id, person_id, face_id, bodies.json_object().get("userData"))
        return _empty()

    def delete_face(collection_id: str, person_id: str, face_id: str) -> Response:
        service.delete_face(_scope(rules), collection_id, person_id, face_id)
        return _empty()

    route(persons, "POST", "create_person", WRITE, create_person)
    route(persons, "GET", "list_persons", READ, list_persons)
    route(person, "GET", "get_person", READ, get_person)
    route(person, "PATCH", "update_person", WRITE, update_person)
    route(person, "DELETE", "delete_person", WRITE, delete_person)
    route(f"{person}/persistedfaces", "POST", "add_face", WRITE, add_face)
    route(face, "GET", "get_face", READ, get_face)
    route(face, "PATCH", "update_face", WRITE, update_face)
    route(face, "DELETE", "delete_face", WRITE, delete_face)


def _register_list_faces(rules: KindRules, base: str, route: Route) -> None:
    faces = f"{base}/persistedfaces"
    face = f"{faces}/<face_id>"

    def add_face(collection_id: str) -> Response:
        return _add_face(rules, collection_id, None)

    def delete_face(collection_id: str, face_id: str) -> Response:
        service.delete_face(_scope(rules), collection_id, None, face_id)
        return _empty()

    route(faces, "POST", "add_face", WRITE, add_face)
    route(face, "DELETE", "delete_face", WRITE, delete_face)
    if not rules.paged:
        return  # a FaceList has no face listing, get or update of its own: GET the list instead

    def list_faces(collection_id: str) -> Response:
        found = service.list_faces(_scope(rules), collection_id, request.args.get("start"), request.args.get("top"))
        return jsonify([face_view(f) for f in found])

    def get_face(collection_id: str, face_id: str) -> Response:
        return jsonify(face_view(service.get_face(_scope(rules), collection_id, None, face_id)))

    def update_face(collection_id: str, face_id: str) -> Response:
        service.update_face(_scope(rules), collection_id, None, face_id, bodies.json_object().get("userData"))
        return _empty()

    route(faces, "GET", "list_faces", READ, list_faces)
    route(face, "GET", "get_face", READ, get_face)
    route(face, "PATCH", "update_face", WRITE, update_face)


def _register_training(rules: KindRules, base: str, route: Route) -> None:
    def train(collection_id: str) -> Response:
        operation_id = training.train(_scope(rules), collection_id, get_queue("training"))
        response = _empty(202)
        response.headers["operation-Location"] = base_url() + url_for(
            "dataplane.get_operation", api_version=_api_version(), operation_id=operation_id)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def get_training(collection_id: str) -> Response:
        run = training.training_status(_scope(rules), collection_id)
        response = jsonify(run.training_result(_api_version()))
        if run.in_progress:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    route(f"{base}/train", "POST", "train", TRAIN, train)
    route(f"{base}/training", "GET", "get_training", READ, get_training)


def _api_version() -> str:
    version: str = g.api_version
    return version


@bp.get("/operations/<operation_id>")
@operation(READ)
def get_operation(operation_id: str) -> Response:
    """A long-running operation (training) of the caller's deployment."""
    run = training.operation_status(get_redis(), current_caller().deployment.deployment_id, operation_id)
    response = jsonify(run.operation_result())
    if run.in_progress:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


for _rules in RULES.values():
    _register(_rules)
