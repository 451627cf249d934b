"""Every error the SDK raises: one base, and a subclass for each thing a caller does differently.

    VisageError                    status, code, message, request_id, raw_body, details, headers
    ├── APIConnectionError         no answer (request_sent says whether it may have reached the server)
    │   └── APITimeoutError        no answer in time
    ├── InvalidRequestError        400 (and 405, 413, 415): fix the request
    ├── AuthenticationError        401: wrong or missing key or token
    ├── PermissionDeniedError      403: refused; retrying will not help (Limited Access, quota, ...)
    │   ├── TermsOfUseViolation    403 TermsOfUseViolation: clause and policy_version say why
    │   └── UnsupportedFeatureError 403 UnsupportedFeature: Limited Access, F0, or a retired attribute
    ├── NotFoundError              404
    ├── ConflictError              409: exists already, or under training
    ├── RateLimitError             429: retry_after seconds
    ├── ServiceError               5xx, or an answer the SDK cannot read
    └── OperationFailedError       a long-running operation (training, a redaction) ended in `failed`

`error_class_for(status, code)` is the one map from an HTTP status and `error.code` to a class.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from visage._retry import parse_retry_after

REQUEST_ID_HEADERS = ("apim-request-id", "x-ms-request-id", "x-request-id")
"""Where the service's request id is read from, first found wins (Visage sends apim-request-id)."""

MAX_RAW_BODY = 64 * 1024
"""Raw bodies longer than this are cut on the exception (an HTML page from a proxy, say)."""


class VisageError(Exception):
    """Base of every SDK error. `str()` gives the message with status, code and request id."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        raw_body: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.raw_body = raw_body
        self.details: Mapping[str, Any] = dict(details or {})
        """The whole `error` object of the body (code, message, target, details, innererror, ...)."""
        self.headers: Mapping[str, str] = CaseInsensitiveDict(headers or {})
        self.attempts = 1
        """HTTP attempts made for the call, retries included."""
        self.earlier_attempt_uncertain = False
        """True when an earlier attempt may have reached the server before a retry: a PUT that now
        answers 409 ...Exists, or a DELETE that answers 404, may then be the echo of that attempt."""

    def __str__(self) -> str:
        parts = [f"status {self.status}" if self.status is not None else None,
                 f"code {self.code}" if self.code else None,
                 f"request {self.request_id}" if self.request_id else None]
        context = ", ".join(part for part in parts if part)
        return f"{self.message} ({context})" if context else self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
                f"code={self.code!r}, request_id={self.request_id!r})")


class APIConnectionError(VisageError):
    """No HTTP answer: the connection failed or broke."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        """False when the request surely never reached the server (refused, DNS, connect timeout)."""


class APITimeoutError(APIConnectionError):
    """The server did not answer within the client's timeout."""


class InvalidRequestError(VisageError):
    """400 and other 4xx: the request is malformed or names something invalid."""

    @property
    def target(self) -> str | None:
        """The field the server blames, when it says (`error.target`)."""
        target = self.details.get("target")
        return target if isinstance(target, str) else None


class AuthenticationError(VisageError):
    """401: the key or token is missing or wrong."""


class PermissionDeniedError(VisageError):
    """403: the call is refused (Limited Access not approved, quota, retired attribute, ...)."""


def _inner_error(error: VisageError, name: str) -> str | None:
    """A text of the error's `innererror` (where Visage names a clause and a policy version)."""
    inner = error.details.get("innererror")
    value = inner.get(name) if isinstance(inner, Mapping) else None
    return value if isinstance(value, str) else None


class TermsOfUseViolation(PermissionDeniedError):
    """403 TermsOfUseViolation: the terms of use forbid this call in this capture context."""

    @property
    def clause(self) -> str | None:
        """The id of the clause that refused the call, e.g. `le-realtime-identification`."""
        return _inner_error(self, "code")

    @property
    def policy_version(self) -> str | None:
        """The version of the terms that applied, e.g. `2026-12`."""
        return _inner_error(self, "policyVersion")


class UnsupportedFeatureError(PermissionDeniedError):
    """403 UnsupportedFeature, in Azure's own words: recognition without Limited Access approval (or on
    F0), or a retired attribute (age, gender, emotion, ...) that the terms refuse for everyone."""

    @property
    def clause(self) -> str | None:
        """The clause of the terms that refused the call (`sensitive-attributes` for a retired
        attribute); None when it was Limited Access, which is not a clause of the terms."""
        return _inner_error(self, "code") if self.policy_version is not None else None

    @property
    def policy_version(self) -> str | None:
        """The version of the terms whose clause refused the call."""
        return _inner_error(self, "policyVersion")

    @property
    def reason(self) -> str | None:
        """Visage's reason beside Azure's message, when it gives one (why Limited Access is not approved)."""
        return _inner_error(self, "message")


class NotFoundError(VisageError):
    """404: no such resource (or faceId, expired or someone else's)."""


class ConflictError(VisageError):
    """409: the resource exists already, or an operation on it is still running."""


class RateLimitError(VisageError):
    """429: too many calls. `retry_after` is the server's wait in seconds, when it gave one."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers)


class ServiceError(VisageError):
    """5xx, or an answer the SDK could not read."""


class OperationFailedError(VisageError):
    """A long-running operation (training, a redaction) ended with status `failed`."""

    def __init__(self, message: str, *, operation: Any) -> None:
        super().__init__(message, code="OperationFailed")
        self.operation = operation
        """The final `OperationResult` (a training) or `RedactionJob`."""


ERROR_CLASSES: Mapping[tuple[int, str | None], type[VisageError]] = {
    (400, None): InvalidRequestError,
    (401, None): AuthenticationError,
    (403, None): PermissionDeniedError,
    (403, "TermsOfUseViolation"): TermsOfUseViolation,
    (403, "UnsupportedFeature"): UnsupportedFeatureError,
    (404, None): NotFoundError,
    (409, None): ConflictError,
    (429, None): RateLimitError,
}
"""The one map: (status, error.code) first, then (status, None); see `error_class_for`."""


def error_class_for(status: int, code: str | None) -> type[VisageError]:
    """The exception class for an HTTP status and the body's `error.code`."""
    if (status, code) in ERROR_CLASSES:
        return ERROR_CLASSES[(status, code)]
    if (status, None) in ERROR_CLASSES:
        return ERROR_CLASSES[(status, None)]
    return InvalidRequestError if 400 <= status < 500 else ServiceError


def request_id_of(headers: Mapping[str, str]) -> str | None:
    for name in REQUEST_ID_HEADERS:
        if value := headers.get(name):
            return value
    return None


def error_from_response(response: requests.Response) -> VisageError:
    """The exception for an HTTP error answer, from its envelope `{"error": {"code", "message"}}`."""
    raw = response.text[:MAX_RAW_BODY] if response.content else ""
    error: Mapping[str, Any] = {}
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        error = body["error"]
    code = error.get("code") if isinstance(error.get("code"), str) else None
    code = code or response.headers.get("x-ms-error-code")
    message = error.get("message") if isinstance(error.get("message"), str) else None
    if not message:
        message = raw.strip()[:300] or response.reason or f"HTTP {response.status_code}"
    cls = error_class_for(response.status_code, code)
    return cls(
        message,
        status=response.status_code,
        code=code,
        request_id=request_id_of(response.headers),
        raw_body=raw,
        details=error,
        headers=response.headers,
    )
