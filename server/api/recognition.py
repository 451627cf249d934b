"""Recognition routes of the data plane: verify (identify, findsimilars and group join it)."""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bodies
from server.api.dataplane import bp, current_caller, operation
from server.domain.operations import OperationClass
from server.errors import BadArgument
from server.extensions import get_redis
from server.schemas.recognition import VerifySchema
from server.services import verification
from server.store.faces import FaceRepository

verify_body = VerifySchema()


@bp.post("/verify")
@operation(OperationClass.VERIFICATION)
def verify() -> Response:
    """Whether two faces, or a face and a person, belong to the same person."""
    body = verify_body.load(bodies.json_object())
    caller = current_caller()
    if body["face_id1"] is not None:
        return jsonify(verification.verify_face_to_face(
            body["face_id1"], body["face_id2"],
            tenant_id=caller.tenant.tenant_id, faces=FaceRepository(get_redis()),
        ))
    raise BadArgument("Verification against a person is not available yet: person groups are not implemented.")
