"""The one place where anything that goes wrong on the Rekognition surface becomes AWS's error:
`{"__type": ..., "message": ...}` with the same type in `x-amzn-ErrorType` and the request id in
`x-amzn-RequestId`, as botocore parses it.

Domain errors raised in AWS's words (server/domain/aws_errors.py) pass through; the others, raised
by code shared with the Azure surface, are translated by their code below; a refusal under the
terms of use is AccessDeniedException naming its clause; anything unexpected is logged and answered
as InternalServerError.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Response, current_app
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.api.contract import AWS_JSON
from server.domain import aws_errors
from server.domain.aws_errors import (
    AccessDeniedException,
    AwsError,
    ImageTooLargeException,
    InternalServerError,
    InvalidImageFormatException,
    InvalidParameterException,
    InvalidS3ObjectException,
    ProvisionedThroughputExceededException,
    ServiceQuotaExceededException,
    UnrecognizedClientException,
)
from server.domain.policy import PolicyDecision
from server.errors import VisageError
from server.schemas.rekognition_replies import AwsErrorSchema

log = logging.getLogger(__name__)

ERROR_TYPE_HEADER = "x-amzn-ErrorType"
REQUEST_ID_HEADER = "x-amzn-RequestId"

AWS_TYPES: dict[str, type[AwsError]] = {
    cls.code: cls for cls in vars(aws_errors).values()
    if isinstance(cls, type) and issubclass(cls, AwsError) and cls is not AwsError
}
"""Every AWS error type Visage answers with, by name."""

BY_CODE: dict[str, type[AwsError]] = {
    "BadArgument": InvalidParameterException,
    "InvalidImage": InvalidImageFormatException,
    "InvalidImageSize": ImageTooLargeException,
    "S3Error": InvalidS3ObjectException,
    "S3ObjectNotFound": InvalidS3ObjectException,
    "S3AccessDenied": InvalidS3ObjectException,
    "S3Unavailable": InvalidS3ObjectException,
    "S3ObjectTooLarge": ImageTooLargeException,
    "QuotaExceeded": ServiceQuotaExceededException,
    "429": ProvisionedThroughputExceededException,
    "401": UnrecognizedClientException,
    "Forbidden": AccessDeniedException,
    "UnsupportedFeature": AccessDeniedException,
    "TermsOfUseViolation": AccessDeniedException,
    "TenantSuspended": AccessDeniedException,
    "TenantNotVerified": AccessDeniedException,
}
"""Errors of the code shared with the Azure surface (Azure's codes), in Rekognition's words. An
S3 object that cannot be read, whatever the reason, is InvalidS3ObjectException, as on AWS."""

_ERROR = AwsErrorSchema()


def to_aws(error: BaseException) -> AwsError:
    if isinstance(error, AwsError):
        return error
    if isinstance(error, ValidationError):
        return InvalidParameterException(validation_message(error.messages))
    if isinstance(error, RequestEntityTooLarge):
        return ImageTooLargeException("The request is too large: images are accepted up to 5 MB each.")
    if isinstance(error, VisageError):
        kind = AWS_TYPES.get(error.code) or BY_CODE.get(error.code)
        if kind is not None:
            return kind(error.message, headers=error.headers)
    if isinstance(error, HTTPException) and error.code and error.code < 500:
        return InvalidParameterException(error.description or error.name)
    log.exception("unexpected error on the Rekognition surface", exc_info=error)
    return InternalServerError()


def refusal(decision: PolicyDecision, sensitive: Sequence[str] = ()) -> AwsError:
    """A refusal under the terms of use, naming its clause (and the attributes it refused), or of
    Limited Access or a tenant's standing, with the decision's whole message."""
    message = decision.message
    if decision.clause is None:
        return AccessDeniedException(message)
    if sensitive:
        message = (f"Refused under the Visage terms of use, version {decision.policy_version}, clause "
                   f"{decision.clause}: Visage does not infer sensitive attributes, for any customer. This call "
                   f"asked for {', '.join(sensitive)}. Ask for the DEFAULT attributes (BoundingBox, Confidence, "
                   f"Landmarks, Pose, Quality). Nothing was done.")
    elif f"clause {decision.clause}" not in message:
        message = f"{message} (clause {decision.clause}, terms of use version {decision.policy_version})"
    return AccessDeniedException(message)


def validation_message(messages: Any, path: str = "") -> str:
    """marshmallow's nested messages as AWS words them: the first constraint a value fails, by its path."""
    if isinstance(messages, dict):
        for key, inner in messages.items():
            return validation_message(inner, path if key in ("_schema", "_field") else
                                      f"{path}.{key}" if path else str(key))
    if isinstance(messages, list) and messages:
        return validation_message(messages[0], path)
    where = f"Value at '{path}' failed to satisfy constraint: " if path else ""
    return f"1 validation error detected: {where}{messages}"


def error_response(error: BaseException, request_id: str) -> Response:
    aws = to_aws(error)
    body = current_app.json.dumps(_ERROR.dump({"type": aws.code, "message": aws.message}))
    response = current_app.response_class(body, status=aws.kind.value, mimetype=AWS_JSON)
    response.headers[ERROR_TYPE_HEADER] = aws.code
    response.headers[REQUEST_ID_HEADER] = request_id
    for name, value in aws.headers.items():
        response.headers[name] = value
    return response
