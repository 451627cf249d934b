"""Recognition routes of the data plane: verify, identify, findsimilars, group."""

from __future__ import annotations

from flask import Response, jsonify

from server.api.contract import DATA_PLANE_ERRORS, Reply, Security, contract, json_body
from server.api.dataplane import bp, current_caller, current_face_reads, operation
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
from server.services import recognition


def _caller() -> recognition.Caller:
    caller = current_caller()
    return recognition.Caller(get_redis(), caller.tenant.tenant_id, caller.deployment.deployment_id,
                              caller.deployment.sku, current_face_reads())


@bp.post("/verify")
@operation(OperationClass.VERIFICATION)
@contract(operation_id="verify", summary="Verify two faces, or a face and a person", tag="Recognition",
          security=Security.KEY, body=VerifySchema,
          replies=[Reply(200, "Whether they are the same person.", VerificationResultSchema)],
          errors=(*DATA_PLANE_ERRORS, 404))
def verify() -> Response:
    """Whether two faces, or a face and a person of a (large) person group, are the same person."""
    body: VerifyRequest = json_body()
    if body.face_id1 is not None and body.face_id2 is not None:
        return jsonify(recognition.verify_face_to_face(_caller(), body.face_id1, body.face_id2))
    assert body.face_id and body.kind and body.collection_id and body.person_id
    return jsonify(recognition.verify_face_to_person(_caller(), body.face_id, body.kind, body.collection_id,
                                                     body.person_id))


@bp.post("/identify")
@operation(OperationClass.IDENTIFICATION)
@contract(operation_id="identify", summary="Identify faces against a trained person group", tag="Recognition",
          security=Security.KEY, body=IdentifySchema,
          replies=[Reply(200, "Candidates for each face, most confident first.", IdentifyResultSchema, many=True)],
          errors=(*DATA_PLANE_ERRORS, 409))
def identify() -> Response:
    """The persons of a trained (large) person group most like each face."""
    body: IdentifyRequest = json_body()
    return jsonify(recognition.identify(_caller(), body.face_ids, body.kind, body.collection_id,
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
    if body.face_ids is not None:
        return jsonify(recognition.find_similar_in_faces(
            _caller(), body.face_id, body.face_ids, max_candidates=body.max_candidates,
            match_person=body.match_person))
    assert body.kind and body.collection_id
    return jsonify(recognition.find_similar_in_list(
        _caller(), body.face_id, body.kind, body.collection_id, max_candidates=body.max_candidates,
        match_person=body.match_person))


@bp.post("/group")
@operation(OperationClass.GROUPING)
@contract(operation_id="group", summary="Group faces by person", tag="Recognition", security=Security.KEY,
          body=GroupSchema, replies=[Reply(200, "Groups of the same person, and the rest.", GroupResultSchema)],
          errors=DATA_PLANE_ERRORS)
def group() -> Response:
    """Split faces into groups of the same person, and a messy group of the rest."""
    return jsonify(recognition.group(_caller(), json_body()))
