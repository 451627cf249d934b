"""POST /face/{apiVersion}/detect"""

from __future__ import annotations

from flask import Response

from server.api import bodies
from server.api.contract import DATA_PLANE_ERRORS, BodyKind, Reply, Security, contract, query_args, reply
from server.api.dataplane import admit, bp, current_caller, operation
from server.domain.detection import DetectOptions
from server.domain.operations import OperationClass
from server.extensions import get_redis
from server.schemas.detect import DetectQuerySchema
from server.schemas.faces import DetectedFaceSchema, ImageUrlSchema
from server.services import detection, provenance

PROVENANCE_HEADER = "x-visage-provenance"
"""What the image's content credentials showed: none, untrusted or trusted (shared/DESIGN.md)."""


@bp.post("/detect")
@operation(OperationClass.DETECTION)
@contract(operation_id="detect", summary="Detect faces", tag="Detection", security=Security.KEY,
          query=DetectQuerySchema, body=ImageUrlSchema, body_kind=BodyKind.IMAGE,
          replies=[Reply(200, "The faces, largest first (an empty list when there is none).", DetectedFaceSchema,
                         many=True, headers=(PROVENANCE_HEADER,))],
          errors=(*DATA_PLANE_ERRORS, 415))
def detect() -> Response:
    """Detect faces in an image (bytes or URL); optionally landmarks, attributes and faceIds."""
    options: DetectOptions = query_args()
    redis = get_redis()
    image = provenance.examine_image(redis, current_caller(), bodies.image_bytes())
    caller = admit(image=image, sensitive_attributes=options.sensitive_attributes)
    return reply(detection.detect(redis, caller, image, options),
                 headers={PROVENANCE_HEADER: image.provenance.status.value})
