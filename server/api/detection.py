"""POST /face/{apiVersion}/detect"""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bodies
from server.api.contract import DATA_PLANE_ERRORS, BodyKind, Reply, Security, contract, query_args
from server.api.dataplane import bp, current_caller, current_capture, operation
from server.domain.detection import DetectOptions
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas.detect import DetectQuerySchema
from server.schemas.faces import DetectedFaceSchema, ImageUrlSchema
from server.services import detection
from server.store.faces import FaceRepository


@bp.post("/detect")
@operation(OperationClass.DETECTION)
@contract(operation_id="detect", summary="Detect faces", tag="Detection", security=Security.KEY,
          query=DetectQuerySchema, body=ImageUrlSchema, body_kind=BodyKind.IMAGE,
          replies=[Reply(200, "The faces, largest first (an empty list when there is none).", DetectedFaceSchema,
                         many=True)],
          errors=(*DATA_PLANE_ERRORS, 415))
def detect() -> Response:
    """Detect faces in an image (bytes or URL); optionally landmarks, attributes and faceIds."""
    options: DetectOptions = query_args()
    caller = current_caller()
    return jsonify(detection.detect(
        bodies.image_bytes(),
        options,
        tenant_id=caller.tenant.tenant_id,
        deployment_id=caller.deployment.deployment_id,
        capture=current_capture(),
        faces=FaceRepository(get_redis()),
    ))
