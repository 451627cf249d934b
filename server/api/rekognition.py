"""POST /: Amazon Rekognition's JSON 1.1 protocol, so that unchanged boto3 and AWS CLI code works
with `endpoint_url` (or AWS_ENDPOINT_URL_REKOGNITION) set to Visage's base URL.

Every operation is a POST to `/`, chosen by `X-Amz-Target: RekognitionService.<Operation>`, with a
JSON body (blobs in base64) and a Signature Version 4 Authorization header. This module only reads
the protocol: it checks the signature (rekognition_gate), finds the operation in the table
(rekognition_operations), loads the body with the operation's schema, lets the terms of use decide
and the handler run, and dumps the answer with the operation's reply schema. Errors of any kind
leave through rekognition_errors, in AWS's form.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from server.api import rekognition_gate as gate
from server.api.contract import AWS_JSON, BodyKind, Reply, Security, Variant, contract
from server.api.rekognition_errors import REQUEST_ID_HEADER, error_response
from server.api.rekognition_operations import OPERATIONS, Decided, Operation
from server.domain.aws_errors import SerializationException, UnknownOperationException
from server.schemas.rekognition_replies import AwsErrorSchema

bp = Blueprint("rekognition", __name__)

TARGET_HEADER = "X-Amz-Target"

MAX_BODY_BYTES = 16 * 1024 * 1024
"""CompareFaces carries two images of up to 5 MB each, which base64 makes about 14 MB of JSON."""

_schemas: dict[type[Any], Any] = {}


def _instance(schema: type[Any]) -> Any:
    return _schemas.setdefault(schema, schema())


@bp.post("/")
@contract(operation_id="rekognition", summary="Amazon Rekognition's face operations (JSON 1.1 protocol)",
          tag="Rekognition", security=Security.SIGV4, body_kind=BodyKind.AWS_JSON, errors=(),
          description="One route for every operation: X-Amz-Target names it, and x-variants gives the request "
                      "and reply schema of each. Signed with Signature Version 4 (access key id: the deployment's "
                      "name; secret: either of its keys). Errors are AWS's: {\"__type\", \"message\"} with "
                      "x-amzn-ErrorType.",
          variant_header=TARGET_HEADER,
          variants=[Variant(operation.target, operation.request, operation.reply) for operation in OPERATIONS.values()],
          replies=[Reply(200, "The operation's answer (see x-variants).", media_type=AWS_JSON,
                         headers=(REQUEST_ID_HEADER,)),
                   Reply(400, "AWS's error: a bad parameter or signature, an unknown key or operation, a missing "
                              "resource, a refusal under the terms of use (AccessDeniedException), a quota or rate.",
                         AwsErrorSchema, media_type=AWS_JSON, headers=("x-amzn-ErrorType", REQUEST_ID_HEADER))])
def rekognition() -> Response:
    request.max_content_length = MAX_BODY_BYTES
    body = request.get_data(cache=True)
    target = request.headers.get(TARGET_HEADER, "")
    gate.authenticate(body, target)
    operation = _operation(target)
    gate.begin(operation.operation_class)
    loaded = _instance(operation.request).load(_json_object(body))
    if operation.decided is Decided.ON_CALL:
        gate.admit(collection=loaded.get("collection_id", ""))
    result = operation.handler(loaded)
    if operation.decided is not Decided.BY_WORKER and not gate.decided():
        raise RuntimeError(f"{operation.name} answered without asking the terms of use")
    dumped = current_app.json.dumps(_instance(operation.reply).dump(result))
    response = current_app.response_class(dumped, status=200, mimetype=AWS_JSON)
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


@bp.errorhandler(Exception)
def _aws_error(error: Exception) -> Response:
    return error_response(error, g.get("request_id", ""))


def _operation(target: str) -> Operation:
    prefix, _, name = target.partition(".")
    found = OPERATIONS.get(name) if f"{prefix}." == gate.TARGET_PREFIX else None
    if found is None:
        served = ", ".join(sorted(OPERATIONS))
        raise UnknownOperationException(f"Visage does not serve the operation '{target[:80]}'. Rekognition "
                                        f"operations served: {served}.")
    return found


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        loaded = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python goes
        raise SerializationException("The request body is not JSON.") from None
    if not isinstance(loaded, dict):
        raise SerializationException("The request body must be a JSON object.")
    return loaded
