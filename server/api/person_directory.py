"""PersonDirectory routes of the data plane: persons, their faces per recognition model, dynamic
person groups, under v1.1-preview.1 and v1.2-preview.1 only (404 under v1.0 and v1.2, as Azure).

The writes Azure makes long-running answer 202 with an operation-Location to poll at the same
/operations URL as training; Visage has made the write by then (services/person_directory.py says
why), so the operation reads `succeeded`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, url_for

from server.api import bodies
from server.api.contract import (
    DATA_PLANE_ERRORS,
    NO_BODY,
    BodyKind,
    Reply,
    Security,
    contract,
    json_body,
    query_args,
    reply,
)
from server.api.dataplane import admit, bp, current_caller, operation
from server.api.urls import base_url, operation_location
from server.domain import detection as detection_rules
from server.domain.operations import OperationClass
from server.domain.person_directory import API_VERSIONS, Accepted
from server.domain.training import RETRY_AFTER_SECONDS
from server.extensions import get_redis
from server.schemas import collections as collection_schemas
from server.schemas import person_directory as schemas
from server.schemas.faces import ImageUrlSchema
from server.services import person_directory, provenance

READ, WRITE, ADD_FACE = OperationClass.COLLECTION_READ, OperationClass.ENROLLMENT, OperationClass.FACE_ENROLLMENT
RETRY_AFTER = "Retry-After"
AUDIT_NAME = "persondirectory"
"""What the audit trail names as the collection of a face added to the directory."""

PERSON = "/persons/<person_id>"
FACES = f"{PERSON}/recognitionModels/<recognition_model>/persistedfaces"
GROUP = "/dynamicpersongroups/<group_id>"


def directory(operation_id: str, summary: str, *, replies: list[Reply], errors: tuple[int, ...] = (404,),
              **fields: Any) -> Any:
    """The contract of a PersonDirectory route: keyed, tagged, and served under the previews only."""
    return contract(operation_id=operation_id, summary=summary, tag="PersonDirectory", security=Security.KEY,
                    replies=replies, errors=(*DATA_PLANE_ERRORS, *errors), api_versions=API_VERSIONS,
                    path_names={"person_id": "personId", "recognition_model": "recognitionModel",
                                "face_id": "persistedFaceId", "group_id": "dynamicPersonGroupId"}, **fields)


def accepted(description: str, schema: type[Any] | None = None, *, located: bool = False) -> Reply:
    headers = ("operation-Location", "Location", RETRY_AFTER) if located else ("operation-Location", RETRY_AFTER)
    return Reply(202, f"{description} Poll operation-Location.", schema, headers=headers,
                 media_type="application/json" if schema is not None else "")


def answer_accepted(done: Accepted[Any], data: Any = None, *, location: str | None = None) -> Response:
    """202 with the operation to poll (and where the new resource is), or 200 where Azure answers at once."""
    if done.operation_id is None:
        return reply()
    headers = {"operation-Location": operation_location(done.operation_id), RETRY_AFTER: str(RETRY_AFTER_SECONDS)}
    if location is not None:
        headers["Location"] = base_url() + location
    return reply(data, status=202, headers=headers)


def _url(endpoint: str, **values: Any) -> str:
    return url_for(f"dataplane.{endpoint}", api_version=g.api_version, **values)


# persons ------------------------------------------------------------------------------------

@bp.post("/persons")
@operation(WRITE)
@directory("createPerson", "Create a PersonDirectory person", body=collection_schemas.PersonCreateSchema,
           replies=[accepted("The new person's id.", collection_schemas.CreatePersonResultSchema, located=True)],
           errors=())
def create_person() -> Response:
    """A person of the deployment's directory, to add faces to and reference from dynamic groups."""
    body = json_body()
    done = person_directory.create_person(get_redis(), current_caller(), body["name"], body["userData"])
    return answer_accepted(done, done.value, location=_url("get_person", person_id=done.value.person_id))


@bp.get("/persons")
@operation(READ)
@directory("getPersons", "List the PersonDirectory persons", query=collection_schemas.PageQuerySchema,
           replies=[Reply(200, "Persons in id order.", schemas.PersonDirectoryPersonSchema, many=True)], errors=())
def get_persons() -> Response:
    """The directory's persons in id order, `top` of them after `start`."""
    query = query_args()
    return reply(person_directory.list_persons(get_redis(), current_caller(), query["start"], query["top"]))


@bp.get(PERSON)
@operation(READ)
@directory("getPerson", "Get a PersonDirectory person",
           replies=[Reply(200, "The person.", schemas.PersonDirectoryPersonSchema)])
def get_person(person_id: str) -> Response:
    """A person's name and userData."""
    return reply(person_directory.get_person(get_redis(), current_caller(), person_id))


@bp.patch(PERSON)
@operation(WRITE)
@directory("updatePerson", "Rename a PersonDirectory person or change its userData",
           body=collection_schemas.NameAndUserDataSchema, replies=[NO_BODY])
def update_person(person_id: str) -> Response:
    """Change a person's name, userData or both."""
    body = json_body()
    person_directory.update_person(get_redis(), current_caller(), person_id, body["name"], body["userData"])
    return reply()


@bp.delete(PERSON)
@operation(WRITE)
@directory("deletePerson", "Delete a PersonDirectory person", replies=[accepted("The person is deleted.")])
def delete_person(person_id: str) -> Response:
    """Delete a person, its faces of every recognition model, and its references in dynamic groups."""
    return answer_accepted(person_directory.delete_person(get_redis(), current_caller(), person_id))


@bp.get(f"{PERSON}/dynamicPersonGroupReferences")
@operation(READ)
@directory("getDynamicPersonGroupReferences", "List the dynamic person groups that reference a person",
           query=collection_schemas.PageQuerySchema,
           replies=[Reply(200, "Group ids in id order.", schemas.ListGroupReferenceResultSchema)])
def get_dynamic_person_group_references(person_id: str) -> Response:
    """The dynamic person groups that reference a person, `top` of them after `start`."""
    query = query_args()
    return reply(person_directory.list_group_references(get_redis(), current_caller(), person_id, query["start"],
                                                        query["top"]))


# faces --------------------------------------------------------------------------------------

@bp.post(FACES)
@operation(ADD_FACE)
@directory("addPersonFace", "Add a face to a PersonDirectory person, for one recognition model",
           body=ImageUrlSchema, body_kind=BodyKind.IMAGE, query=collection_schemas.AddFaceQuerySchema,
           replies=[accepted("The persisted face's id.", collection_schemas.AddFaceResultSchema, located=True)],
           errors=(404, 415))
def add_person_face(person_id: str, recognition_model: str) -> Response:
    """Enrol the image's one face (or `targetFace`) under a recognition model; the terms of use
    decide on the image, as for any face added to a collection."""
    query = query_args()
    redis = get_redis()
    image = provenance.examine_image(redis, current_caller(), bodies.image_bytes())
    done = person_directory.add_person_face(
        redis, admit(image=image, collection=AUDIT_NAME), person_id, recognition_model, image,
        target_face=query["targetFace"], detection_model=detection_rules.parse_detection_model(query["detectionModel"]),
        user_data=query["userData"])
    face = done.value
    return answer_accepted(done, face, location=_url("get_person_face", person_id=str(face.person_id),
                                                     recognition_model=recognition_model, face_id=face.face_id))


@bp.get(FACES)
@operation(READ)
@directory("getPersonFaces", "List a PersonDirectory person's faces of one recognition model",
           replies=[Reply(200, "The person's persisted face ids.", schemas.ListFaceResultSchema)])
def get_person_faces(person_id: str, recognition_model: str) -> Response:
    """A person's persisted faces of a recognition model."""
    return reply(person_directory.list_person_faces(get_redis(), current_caller(), person_id, recognition_model))


@bp.get(f"{FACES}/<face_id>")
@operation(READ)
@directory("getPersonFace", "Get a face of a PersonDirectory person",
           replies=[Reply(200, "The face.", collection_schemas.PersistedFaceSchema)])
def get_person_face(person_id: str, recognition_model: str, face_id: str) -> Response:
    """A persisted face and its userData."""
    return reply(person_directory.get_person_face(get_redis(), current_caller(), person_id, recognition_model,
                                                  face_id))


@bp.patch(f"{FACES}/<face_id>")
@operation(WRITE)
@directory("updatePersonFace", "Change the userData of a face of a PersonDirectory person",
           body=collection_schemas.FaceUserDataSchema, replies=[NO_BODY])
def update_person_face(person_id: str, recognition_model: str, face_id: str) -> Response:
    """Change a persisted face's userData."""
    person_directory.update_person_face(get_redis(), current_caller(), person_id, recognition_model, face_id,
                                        json_body()["userData"])
    return reply()


@bp.delete(f"{FACES}/<face_id>")
@operation(WRITE)
@directory("deletePersonFace", "Delete a face of a PersonDirectory person", replies=[accepted("The face is deleted.")])
def delete_person_face(person_id: str, recognition_model: str, face_id: str) -> Response:
    """Delete a persisted face."""
    return answer_accepted(person_directory.delete_person_face(get_redis(), current_caller(), person_id,
                                                               recognition_model, face_id))


# dynamic person groups ----------------------------------------------------------------------

@bp.put(GROUP)
@operation(WRITE)
@directory("createDynamicPersonGroup", "Create a dynamic person group, with or without persons",
           body=schemas.DynamicPersonGroupCreateSchema,
           replies=[NO_BODY, accepted("Created with the persons named in addPersonIds.")], errors=(404, 409))
def create_dynamic_person_group(group_id: str) -> Response:
    """A group of references to directory persons: 200 when empty, 202 with addPersonIds."""
    body = json_body()
    return answer_accepted(person_directory.create_dynamic_person_group(
        get_redis(), current_caller(), group_id, body["name"], body["userData"], body["addPersonIds"]))


@bp.get(GROUP)
@operation(READ)
@directory("getDynamicPersonGroup", "Get a dynamic person group",
           replies=[Reply(200, "The group.", schemas.DynamicPersonGroupSchema)])
def get_dynamic_person_group(group_id: str) -> Response:
    """A dynamic person group's name and userData."""
    return reply(person_directory.get_dynamic_person_group(get_redis(), current_caller(), group_id))


@bp.patch(GROUP)
@operation(WRITE)
@directory("updateDynamicPersonGroup", "Rename a dynamic person group, or add and remove persons",
           body=schemas.DynamicPersonGroupUpdateSchema,
           replies=[NO_BODY, accepted("Its persons changed as addPersonIds and removePersonIds say.")])
def update_dynamic_person_group(group_id: str) -> Response:
    """Change a group's name or userData (200), or its persons (202)."""
    body = json_body()
    return answer_accepted(person_directory.update_dynamic_person_group(
        get_redis(), current_caller(), group_id, body["name"], body["userData"], body["addPersonIds"],
        body["removePersonIds"]))


@bp.delete(GROUP)
@operation(WRITE)
@directory("deleteDynamicPersonGroup", "Delete a dynamic person group (its persons stay)",
           replies=[accepted("The group is deleted.")])
def delete_dynamic_person_group(group_id: str) -> Response:
    """Delete a group and its references; the persons stay in the directory."""
    return answer_accepted(person_directory.delete_dynamic_person_group(get_redis(), current_caller(), group_id))


@bp.get("/dynamicpersongroups")
@operation(READ)
@directory("getDynamicPersonGroups", "List the dynamic person groups", query=collection_schemas.PageQuerySchema,
           replies=[Reply(200, "Groups in id order.", schemas.DynamicPersonGroupSchema, many=True)], errors=())
def get_dynamic_person_groups() -> Response:
    """The deployment's dynamic person groups in id order, `top` of them after `start`."""
    query = query_args()
    return reply(person_directory.list_dynamic_person_groups(get_redis(), current_caller(), query["start"],
                                                             query["top"]))


@bp.get(f"{GROUP}/persons")
@operation(READ)
@directory("getDynamicPersonGroupPersons", "List the persons a dynamic person group references",
           query=collection_schemas.PageQuerySchema,
           replies=[Reply(200, "Person ids in id order.", schemas.ListPersonResultSchema)])
def get_dynamic_person_group_persons(group_id: str) -> Response:
    """The persons a group references, `top` of them after `start`."""
    query = query_args()
    return reply(person_directory.list_dynamic_person_group_persons(get_redis(), current_caller(), group_id,
                                                                    query["start"], query["top"]))
