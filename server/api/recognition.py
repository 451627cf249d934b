"""Recognition routes of the data plane: verify, identify, findsimilars, group.

Each view reads its body once, reads the faceIds it names once, hands those faces to the terms of
use (`admit`) and then to the operation.
"""

from __future__ import annotations

from flask import Response

from server.api.contract import DATA_PLANE_ERRORS, Reply, Security, contract, json_body, reply
from server.api.dataplane import admit, bp, operation
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas.recognition import (
    FindSimilarRequest,
    FindSimilarSchema,
    GroupResultSchema,
    GroupSchema,
    IdentifyRequest,
    IdentifyResultSchema,
    IdentifySchema,
    SimilarFaceSchema,
    VerificationResultSchema,
    VerifyRequest,
    VerifySchema,
)
from server.services import person_directory, recognition


@bp.post("/verify")
@operation(OperationClass.VERIFICATION)
@contract(operation_id="verify", summary="Verify two faces, or a face and a person (of a group or the PersonDirectory)",
          tag="Recognition",
          security=Security.KEY, body=VerifySchema,
          replies=[Reply(200, "Whether they are the same person.", VerificationResultSchema)],
          errors=DATA_PLANE_ERRORS)
def verify() -> Response:
    """Whether two faces, or a face and a person of a (large) person group or of the PersonDirectory, are the
    same person."""
    body: VerifyRequest = json_body()
    redis = get_redis()
    if body.face_id1 is not None and body.face_id2 is not None:
        faces = recognition.find_faces(redis, [body.face_id1, body.face_id2])
        return reply(recognition.verify_face_to_face(redis, admit(faces), faces))
    assert body.face_id and body.person_id
    faces = recognition.find_faces(redis, [body.face_id])
    if body.kind is None or body.collection_id is None:
        return reply(person_directory.verify(redis, admit(faces), faces, body.person_id))
    return reply(recognition.verify_face_to_person(redis, admit(faces), faces, body.kind, body.collection_id,
                                                   body.person_id))


@bp.post("/identify")
@operation(OperationClass.IDENTIFICATION)
@contract(operation_id="identify", summary="Identify faces against a trained person group or the PersonDirectory",
          tag="Recognition",
          security=Security.KEY, body=IdentifySchema,
          replies=[Reply(200, "Candidates for each face, most confident first.", IdentifyResultSchema, many=True)],
          errors=(*DATA_PLANE_ERRORS, 409))
def identify() -> Response:
    """The persons most like each face: of a trained (large) person group, or of the PersonDirectory
    (persons named, a dynamic person group's, or all)."""
    body: IdentifyRequest = json_body()
    redis = get_redis()
    faces = recognition.find_faces(redis, body.face_ids)
    if body.directory is not None:
        return reply(person_directory.identify(redis, admit(faces), faces, body.directory,
                                               max_candidates=body.max_candidates, threshold=body.threshold))
    assert body.kind and body.collection_id
    return reply(recognition.identify(redis, admit(faces), faces, body.kind, body.collection_id,
                                      max_candidates=body.max_candidates, threshold=body.threshold))


@bp.post("/findsimilars")
@operation(OperationClass.FIND_SIMILAR)
@contract(operation_id="findSimilar", summary="Find similar faces", tag="Recognition", security=Security.KEY,
          body=FindSimilarSchema,
          replies=[Reply(200, "The most similar faces, most confident first.", SimilarFaceSchema, many=True)],
          errors=(*DATA_PLANE_ERRORS, 409))
def find_similar() -> Response:
    """The faces most like a face, among faceIds, a face list or a trained large face list."""
    body: FindSimilarRequest = json_body()
    redis = get_redis()
    if body.face_ids is not None:
        faces = recognition.find_faces(redis, [body.face_id, *body.face_ids])
        return reply(recognition.find_similar_in_faces(redis, admit(faces), faces, max_candidates=body.max_candidates,
                                                       match_person=body.match_person))
    assert body.kind and body.collection_id
    faces = recognition.find_faces(redis, [body.face_id])
    return reply(recognition.find_similar_in_list(redis, admit(faces), faces, body.kind, body.collection_id,
                                                  max_candidates=body.max_candidates, match_person=body.match_person))


@bp.post("/group")
@operation(OperationClass.GROUPING)
@contract(operation_id="group", summary="Group faces by person", tag="Recognition", security=Security.KEY,
          body=GroupSchema, replies=[Reply(200, "Groups of the same person, and the rest.", GroupResultSchema)],
          errors=DATA_PLANE_ERRORS)
def group() -> Response:
    """Split faces into groups of the same person, and a messy group of the rest."""
    body: list[str] = json_body()
    redis = get_redis()
    faces = recognition.find_faces(redis, list(dict.fromkeys(body)))
    return reply(recognition.group(redis, admit(faces), faces))
