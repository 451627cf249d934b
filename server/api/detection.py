"""POST /face/{apiVersion}/detect"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from server.api import bodies
from server.api.dataplane import bp, current_caller, current_capture, operation
from server.domain.detection import DetectOptions
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas.detect import DetectQuerySchema
from server.services import detection
from server.store.faces import FaceRepository

detect_query = DetectQuerySchema()


@bp.post("/detect")
@operation(OperationClass.DETECTION)
def detect() -> Response:
    """Detect faces in an image (bytes or URL); optionally landmarks, attributes and faceIds."""
    options: DetectOptions = detect_query.load(request.args)
    caller = current_caller()
    faces = detection.detect(
        bodies.image_bytes(),
        options,
        tenant_id=caller.tenant.tenant_id,
        deployment_id=caller.deployment.deployment_id,
        capture=current_capture(),
        faces=FaceRepository(get_redis()),
    )
    current_app.logger.debug("detect: %d faces", len(faces))
    return jsonify(faces)
