"""The wire envelope: every error leaves as `{"error": {"code", "message"}}` with the same code in
the `x-ms-error-code` header, whether it is a domain error, a validation error or Werkzeug's own."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from server.errors import BadArgument, Kind, NotFound, VisageError
from server.schemas.errors import ErrorResponseSchema

log = logging.getLogger(__name__)


_ENVELOPE = ErrorResponseSchema()


def error_response(error: VisageError) -> Response:
    response = jsonify(_ENVELOPE.dump(error.to_dict()))
    response.status_code = error.kind.value
    response.headers["x-ms-error-code"] = error.code
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _flatten(messages: Any, field: str | None = None) -> list[tuple[str | None, str]]:
    """marshmallow nests messages by field (and list index); flatten to (field, sentence)."""
    if isinstance(messages, dict):
        pairs: list[tuple[str | None, str]] = []
        for key, inner in messages.items():
            nested = field if isinstance(key, int) or key in ("_schema", "_field") else str(key)
            pairs.extend(_flatten(inner, nested))
        return pairs
    if isinstance(messages, list):
        return [pair for item in messages for pair in _flatten(item, field)]
    return [(field, str(messages))]


def validation_error(error: ValidationError) -> BadArgument:
    """One Azure-style sentence for the first problem, every problem in `details` with its target."""
    pairs = _flatten(error.messages)
    field, message = pairs[0] if pairs else (None, "Request body is invalid.")
    if field and field not in message:
        message = f"'{field}': {message}"
    details = [{"code": "BadArgument", "target": target, "message": text} for target, text in pairs if target]
    extra: dict[str, Any] = {}
    if field:
        extra["target"] = field
    if details:
        extra["details"] = details
    return BadArgument(message, details=extra)


def _from_http_exception(exc: HTTPException) -> VisageError:
    status = exc.code or 500
    if status == 404:
        return NotFound("Resource not found.", code="404")
    if status == 405:
        allowed = {name: value for name, value in exc.get_headers() if name == "Allow"}  # RFC 9110 requires it
        return VisageError("The HTTP method is not allowed for this resource.", code="405",
                           kind=Kind.NOT_ALLOWED, headers=allowed)
    if status == 413:
        return VisageError("The request body is too large.", code="BadArgument", kind=Kind.TOO_LARGE)
    if status == 415:
        return VisageError("Invalid Media Type.", code="BadArgument", kind=Kind.UNSUPPORTED_MEDIA)
    if status == 400:
        return BadArgument("Request body is invalid.")
    try:
        kind = Kind(status)
    except ValueError:
        kind = Kind.UNAVAILABLE
    return VisageError(exc.description or exc.name, code=str(status), kind=kind)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(VisageError)
    def handle_visage_error(error: VisageError) -> Response:
        return error_response(error)

    @app.errorhandler(ValidationError)
    def handle_validation_error(error: ValidationError) -> Response:
        return error_response(validation_error(error))

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        return error_response(_from_http_exception(error))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(
            VisageError("An internal error occurred.", code="InternalServerError", kind=Kind.INTERNAL)
        )
