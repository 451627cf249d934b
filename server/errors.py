"""Errors with an Azure code and message, and the one handler that serializes them.

Domain code raises `VisageError` subclasses that know their code, message and kind of failure but
nothing of HTTP; `server.api.envelope` is the one place that turns them into the wire envelope.
"""

from __future__ import annotations

import enum
from typing import Any


class Kind(enum.Enum):
    """What went wrong, in words the HTTP layer maps to a status."""

    INVALID = 400
    UNAUTHENTICATED = 401
    FORBIDDEN = 403
    NOT_FOUND = 404
    NOT_ALLOWED = 405
    CONFLICT = 409
    TOO_LARGE = 413
    UNSUPPORTED_MEDIA = 415
    RATE_LIMITED = 429
    INTERNAL = 500
    UNAVAILABLE = 503


class VisageError(Exception):
    code = "BadArgument"
    message = "Request body is invalid."
    kind = Kind.INVALID

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        kind: Kind | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.kind = kind or self.kind
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class BadArgument(VisageError):
    code = "BadArgument"


class InvalidImage(VisageError):
    code = "InvalidImage"
    message = "Decoding error, image format unsupported."


class InvalidImageSize(VisageError):
    code = "InvalidImageSize"


class InvalidURL(VisageError):
    code = "InvalidURL"
    message = "Invalid image URL."


class Unauthenticated(VisageError):
    code = "401"
    kind = Kind.UNAUTHENTICATED
    message = (
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
        "valid key for an active subscription and use a correct regional API endpoint for your resource."
    )


class Forbidden(VisageError):
    code = "Forbidden"
    kind = Kind.FORBIDDEN


class UnsupportedFeature(Forbidden):
    code = "UnsupportedFeature"


class NotFound(VisageError):
    code = "NotFound"
    kind = Kind.NOT_FOUND
    message = "Resource not found."


class Conflict(VisageError):
    code = "Conflict"
    kind = Kind.CONFLICT


class RateLimited(VisageError):
    code = "429"
    kind = Kind.RATE_LIMITED

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(
            message or f"Rate limit is exceeded. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )



class InvalidVideo(VisageError):
    code = "InvalidVideo"
    message = "The video cannot be read: its container or codec is not supported, or the file is damaged."


class VideoTooLarge(VisageError):
    code = "VideoTooLarge"
    kind = Kind.TOO_LARGE


class UnsupportedMedia(VisageError):
    code = "UnsupportedMediaType"
    kind = Kind.UNSUPPORTED_MEDIA
    message = ("The media is neither an image (JPEG, PNG, GIF or BMP) nor a video (MP4, MOV, AVI, MKV or WebM) "
               "that Visage reads.")


class VideoEncoderUnavailable(VisageError):
    code = "VideoEncoderUnavailable"
    kind = Kind.INTERNAL
    message = "No video encoder for this container is available in this installation."


class S3Error(VisageError):
    """Reading or writing an S3 object failed; the subclasses say why."""

    code = "S3Error"


class S3ObjectNotFound(S3Error):
    code = "S3ObjectNotFound"


class S3AccessDenied(S3Error):
    code = "S3AccessDenied"


class S3ObjectTooLarge(S3Error):
    code = "S3ObjectTooLarge"
    kind = Kind.TOO_LARGE


class S3Unavailable(S3Error):
    code = "S3Unavailable"
    kind = Kind.UNAVAILABLE
