"""Recognition routes of the data plane: verify, identify, findsimilars, group."""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bodies
from server.api.dataplane import bp, current_caller, operation
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas.recognition import (
    FindSimilarRequest,
    FindSimilarSchema,
    GroupSchema,
    IdentifyRequest,
    IdentifySchema,
    VerifyRequest,
    VerifySchema,
)
from server.services import recognition

verify_body = VerifySchema()
identify_body = IdentifySchema()
find_similar_body = FindSimilarSchema()
group_body = GroupSchema()


def _caller() -> recognition.Caller:
    caller = current_caller()
    return recognition.Caller(get_redis(), caller.tenant.tenant_id, caller.deployment.deployment_id,
                              caller.deployment.sku)


@bp.post("/verify")
@operation(OperationClass.VERIFICATION)
def verify() -> Response:
    """Whether two faces, or a face and a person of a (large) person group, are the same person."""
    body: VerifyRequest = verify_body.load(bodies.json_object())
    if body.face_id1 is not None and body.face_id2 is not None:
        return jsonify(recognition.verify_face_to_face(_caller(), body.face_id1, body.face_id2))
    assert body.face_id and body.kind and body.collection_id and body.person_id
    return jsonify(recognition.verify_face_to_person(_caller(), body.face_id, body.kind, body.collection_id,
                                                     body.person_id))


@bp.post("/identify")
@operation(OperationClass.IDENTIFICATION)
def identify() -> Response:
    """The persons of a trained (large) person group most like each face."""
    body: IdentifyRequest = identify_body.load(bodies.json_object())
    return jsonify(recognition.identify(_caller(), body.face_ids, body.kind, body.collection_id,
                                        max_candidates=body.max_candidates, threshold=body.threshold))


@bp.post("/findsimilars")
@operation(OperationClass.FIND_SIMILAR)
def find_similar() -> Response:
    """The faces most like a face, among faceIds, a face list or a trained large face list."""
    body: FindSimilarRequest = find_similar_body.load(bodies.json_object())
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
def group() -> Response:
    """Split faces into groups of the same person, and a messy group of the rest."""
    return jsonify(recognition.group(_caller(), group_body.load(bodies.json_object())))
