"""Pure builders of collection requests: person groups, large person groups, face lists, large face
lists, their persons and persisted faces, and training. Paths are relative to the data-plane base.

A collection kind is its path segment (`largepersongroups`, `persongroups`, `largefacelists`,
`facelists`); one set of builders serves them all, as the routes have one shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from visage._face_requests import OCTET_STREAM, path_id, query
from visage._transport import HttpRequest
from visage.capture import CaptureContext, capture_headers
from visage.enums import DetectionModel, RecognitionModel
from visage.models import FaceRectangle

TargetFace = FaceRectangle | Sequence[int]
"""A face rectangle from detect, or Azure's four integers (left, top, width, height)."""


def collection_path(kind: str, collection_id: str) -> str:
    return f"{kind}/{path_id(collection_id, 'collection id')}"


def person_path(kind: str, group_id: str, person_id: str) -> str:
    return f"{collection_path(kind, group_id)}/persons/{path_id(person_id, 'person_id')}"


def target_face_value(target_face: TargetFace | None) -> str | None:
    if target_face is None:
        return None
    if isinstance(target_face, FaceRectangle):
        return target_face.to_target_face()
    values = list(target_face)
    if len(values) != 4:
        raise ValueError("target_face is four integers: left, top, width, height")
    return ",".join(str(int(value)) for value in values)


def build_create_request(kind: str, collection_id: str, *, name: str, user_data: str | None,
                         recognition_model: RecognitionModel | str | None) -> HttpRequest:
    body: dict[str, object] = {"name": name}
    if user_data is not None:
        body["userData"] = user_data
    if recognition_model is not None:
        body["recognitionModel"] = str(recognition_model)
    return HttpRequest("PUT", collection_path(kind, collection_id), json=body)


def build_get_request(kind: str, collection_id: str, *, return_recognition_model: bool | None) -> HttpRequest:
    return HttpRequest("GET", collection_path(kind, collection_id),
                       params=query(returnRecognitionModel=return_recognition_model))


def updates(*, name: str | None = None, user_data: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {}
    if name is not None:
        body["name"] = name
    if user_data is not None:
        body["userData"] = user_data
    return body


def build_update_request(kind: str, collection_id: str, *, name: str | None, user_data: str | None) -> HttpRequest:
    return HttpRequest("PATCH", collection_path(kind, collection_id), json=updates(name=name, user_data=user_data))


def build_delete_request(kind: str, collection_id: str) -> HttpRequest:
    return HttpRequest("DELETE", collection_path(kind, collection_id))


def build_list_request(kind: str, *, start: str | None, top: int | None,
                       return_recognition_model: bool | None) -> HttpRequest:
    return HttpRequest("GET", kind, params=query(start=start, top=top, returnRecognitionModel=return_recognition_model))


def build_train_request(kind: str, collection_id: str) -> HttpRequest:
    return HttpRequest("POST", f"{collection_path(kind, collection_id)}/train")


def build_get_training_status_request(kind: str, collection_id: str) -> HttpRequest:
    return HttpRequest("GET", f"{collection_path(kind, collection_id)}/training")


def build_create_person_request(kind: str, group_id: str, *, name: str, user_data: str | None) -> HttpRequest:
    return HttpRequest("POST", f"{collection_path(kind, group_id)}/persons",
                       json={"name": name, **updates(user_data=user_data)})


def build_get_person_request(kind: str, group_id: str, person_id: str) -> HttpRequest:
    return HttpRequest("GET", person_path(kind, group_id, person_id))


def build_update_person_request(kind: str, group_id: str, person_id: str, *, name: str | None,
                                user_data: str | None) -> HttpRequest:
    return HttpRequest("PATCH", person_path(kind, group_id, person_id), json=updates(name=name, user_data=user_data))


def build_delete_person_request(kind: str, group_id: str, person_id: str) -> HttpRequest:
    return HttpRequest("DELETE", person_path(kind, group_id, person_id))


def build_list_persons_request(kind: str, group_id: str, *, start: str | None, top: int | None) -> HttpRequest:
    return HttpRequest("GET", f"{collection_path(kind, group_id)}/persons", params=query(start=start, top=top))


def faces_path(owner: str) -> str:
    """`owner` is a collection path (a face list) or a person path."""
    return f"{owner}/persistedfaces"


def face_path(owner: str, persisted_face_id: str) -> str:
    return f"{faces_path(owner)}/{path_id(persisted_face_id, 'persisted_face_id')}"


def build_add_face_request(owner: str, *, image: bytes | None = None, url: str | None = None,
                           target_face: TargetFace | None, detection_model: DetectionModel | str | None,
                           user_data: str | None, capture: CaptureContext | None) -> HttpRequest:
    params = query(targetFace=target_face_value(target_face), detectionModel=detection_model, userData=user_data)
    if image is not None:
        return HttpRequest("POST", faces_path(owner), params=params, content=image,
                           headers={**OCTET_STREAM, **capture_headers(capture)})
    return HttpRequest("POST", faces_path(owner), params=params, json={"url": url}, headers=capture_headers(capture))


def build_get_face_request(owner: str, persisted_face_id: str) -> HttpRequest:
    return HttpRequest("GET", face_path(owner, persisted_face_id))


def build_update_face_request(owner: str, persisted_face_id: str, *, user_data: str | None) -> HttpRequest:
    return HttpRequest("PATCH", face_path(owner, persisted_face_id), json=updates(user_data=user_data))


def build_delete_face_request(owner: str, persisted_face_id: str) -> HttpRequest:
    return HttpRequest("DELETE", face_path(owner, persisted_face_id))


def build_list_faces_request(owner: str, *, start: str | None, top: int | None) -> HttpRequest:
    return HttpRequest("GET", faces_path(owner), params=query(start=start, top=top))
