"""Rekognition's operations, by Rekognition's names: what each reads and answers, how the terms of
use decide it, and the handler that calls its service.

A handler gets the body as its schema loaded it (snake-case names). One that uses faces or images
examines or reads them once and hands them to `gate.admit` before its service runs.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any

from marshmallow import Schema

from server.api import rekognition_gate as gate
from server.domain import rekognition
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.rekognition import QualityFilter
from server.domain.video_jobs import JobKind
from server.extensions import get_redis
from server.schemas import rekognition as requests
from server.schemas import rekognition_replies as replies
from server.services import rekognition_collections as collections
from server.services import rekognition_faces as faces
from server.services import rekognition_images as images
from server.services import rekognition_video as video

Handler = Callable[[dict[str, Any]], Any]


class Decided(enum.Enum):
    ON_CALL = "on the call alone, before the handler runs"
    BY_HANDLER = "by the handler, with the faces or images it uses"
    BY_WORKER = "by the worker, with the footage's provenance (refusals that hold whatever the footage are "\
                "taken at once)"


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    operation_class: OperationClass
    request: type[Schema]
    reply: type[Schema]
    handler: Handler
    decided: Decided

    @property
    def target(self) -> str:
        return f"{gate.TARGET_PREFIX}{self.name}"


def _quality(body: dict[str, Any], default: QualityFilter) -> QualityFilter:
    return QualityFilter(body.get("quality_filter") or default.value)


# collections --------------------------------------------------------------------------------

def create_collection(body: dict[str, Any]) -> Any:
    return collections.create_collection(get_redis(), gate.current_caller(), body["collection_id"], body.get("tags"),
                                         region=gate.region())


def delete_collection(body: dict[str, Any]) -> Any:
    return collections.delete_collection(get_redis(), gate.current_caller(), body["collection_id"])


def list_collections(body: dict[str, Any]) -> Any:
    return collections.list_collections(get_redis(), gate.current_caller(), next_token=body.get("next_token"),
                                        max_results=body.get("max_results"))


def describe_collection(body: dict[str, Any]) -> Any:
    return collections.describe_collection(get_redis(), gate.current_caller(), body["collection_id"],
                                           region=gate.region())


def index_faces(body: dict[str, Any]) -> Any:
    asked = rekognition.parse_attributes(body.get("detection_attributes") or (), "DetectionAttributes")
    redis = get_redis()
    image = images.examine(redis, gate.current_caller(), body["image"], images.s3_store)
    caller = gate.admit(image=image, sensitive_attributes=asked.sensitive, collection=body["collection_id"])
    rekognition.check_measurable(asked)
    return collections.index_faces(redis, caller, body["collection_id"], image,
                                   external_image_id=body.get("external_image_id"), max_faces=body.get("max_faces"),
                                   quality=_quality(body, QualityFilter.AUTO))


def list_faces(body: dict[str, Any]) -> Any:
    return collections.list_faces(get_redis(), gate.current_caller(), body["collection_id"],
                                  next_token=body.get("next_token"), max_results=body.get("max_results"),
                                  face_ids=body.get("face_ids"), user_id=body.get("user_id"))


def delete_faces(body: dict[str, Any]) -> Any:
    return collections.delete_faces(get_redis(), gate.current_caller(), body["collection_id"], body["face_ids"])


def search_faces(body: dict[str, Any]) -> Any:
    redis = get_redis()
    face = collections.find_face(redis, gate.current_caller(), body["collection_id"], body["face_id"])
    caller = gate.admit(footage=(face.provenance,) if face else (), collection=body["collection_id"])
    return collections.search_faces(redis, caller, body["collection_id"], face, body["face_id"],
                                    max_faces=body.get("max_faces"), threshold=body.get("face_match_threshold"))


def search_faces_by_image(body: dict[str, Any]) -> Any:
    redis = get_redis()
    image = images.examine(redis, gate.current_caller(), body["image"], images.s3_store)
    caller = gate.admit(images=(image,), collection=body["collection_id"])
    return collections.search_faces_by_image(redis, caller, body["collection_id"], image,
                                             max_faces=body.get("max_faces"),
                                             threshold=body.get("face_match_threshold"),
                                             quality=_quality(body, QualityFilter.NONE))


# images -------------------------------------------------------------------------------------

def compare_faces(body: dict[str, Any]) -> Any:
    redis = get_redis()
    source = images.examine(redis, gate.current_caller(), body["source_image"], images.s3_store)
    target = images.examine(redis, gate.current_caller(), body["target_image"], images.s3_store)
    gate.admit(images=(source, target))
    return faces.compare_faces(source, target, quality=_quality(body, QualityFilter.NONE),
                               threshold=rekognition.check_percent(body.get("similarity_threshold"),
                                                                   "SimilarityThreshold", 80.0))


def detect_faces(body: dict[str, Any]) -> Any:
    asked = rekognition.parse_attributes(body.get("attributes") or ())
    redis = get_redis()
    image = images.examine(redis, gate.current_caller(), body["image"], images.s3_store)
    caller = gate.admit(image=image, sensitive_attributes=asked.sensitive)
    rekognition.check_measurable(asked)
    return faces.detect_faces(redis, caller, image)


# stored videos ------------------------------------------------------------------------------

def start_face_detection(body: dict[str, Any]) -> Any:
    attributes = body.get("face_attributes") or rekognition.DEFAULT_ATTRIBUTES
    asked = rekognition.parse_attributes([attributes], "FaceAttributes")
    caller = gate.admit(sensitive_attributes=asked.sensitive)
    return video.start(get_redis(), caller, JobKind.FACE_DETECTION, body["video"],
                       client_token=body.get("client_request_token"), job_tag=body.get("job_tag"),
                       notification=body.get("notification_channel"), face_attributes=attributes)


def start_face_search(body: dict[str, Any]) -> Any:
    return video.start(get_redis(), gate.current_caller(), JobKind.FACE_SEARCH, body["video"],
                       client_token=body.get("client_request_token"), job_tag=body.get("job_tag"),
                       notification=body.get("notification_channel"), collection_id=body["collection_id"],
                       threshold=body.get("face_match_threshold"))


def get_face_detection(body: dict[str, Any]) -> Any:
    return video.get_results(get_redis(), gate.current_caller(), JobKind.FACE_DETECTION, body["job_id"],
                             max_results=body.get("max_results"), next_token=body.get("next_token"))


def get_face_search(body: dict[str, Any]) -> Any:
    return video.get_results(get_redis(), gate.current_caller(), JobKind.FACE_SEARCH, body["job_id"],
                             max_results=body.get("max_results"), next_token=body.get("next_token"),
                             sort_by=body.get("sort_by"))


# the table ----------------------------------------------------------------------------------

READ, WRITE = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT
ADD_FACE, DETECTION, IDENTIFICATION = (OperationClass.FACE_ENROLLMENT, OperationClass.DETECTION,
                                       OperationClass.IDENTIFICATION)


def _operation(name: str, operation_class: OperationClass, handler: Handler, *, worker: bool = False,
               request: type[Schema] | None = None, reply: type[Schema] | None = None) -> Operation:
    by_view = operation_class in RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT, OperationClass.DETECTION}
    return Operation(
        name, operation_class,
        request or getattr(requests, f"{name}RequestSchema"), reply or getattr(replies, f"{name}ResponseSchema"),
        handler, Decided.BY_WORKER if worker else Decided.BY_HANDLER if by_view else Decided.ON_CALL)


OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in (
    _operation("CreateCollection", WRITE, create_collection),
    _operation("DeleteCollection", WRITE, delete_collection, request=requests.CollectionRequestSchema),
    _operation("ListCollections", READ, list_collections),
    _operation("DescribeCollection", READ, describe_collection, request=requests.CollectionRequestSchema),
    _operation("IndexFaces", ADD_FACE, index_faces),
    _operation("ListFaces", READ, list_faces),
    _operation("DeleteFaces", WRITE, delete_faces),
    _operation("SearchFaces", IDENTIFICATION, search_faces),
    _operation("SearchFacesByImage", IDENTIFICATION, search_faces_by_image),
    _operation("CompareFaces", OperationClass.VERIFICATION, compare_faces),
    _operation("DetectFaces", DETECTION, detect_faces),
    _operation("StartFaceDetection", DETECTION, start_face_detection, reply=replies.StartJobResponseSchema),
    _operation("GetFaceDetection", READ, get_face_detection),
    _operation("StartFaceSearch", IDENTIFICATION, start_face_search, worker=True,
               reply=replies.StartJobResponseSchema),
    _operation("GetFaceSearch", READ, get_face_search),
)}
"""Rekognition's face operations that Visage serves. Reading results of a job (Get*) is decided as a
read: the job itself was decided when it ran."""
