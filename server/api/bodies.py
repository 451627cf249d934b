"""Reading request bodies: JSON objects and images (raw bytes or a URL to fetch)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from server import defaults
from server.errors import BadArgument, InvalidImageSize, InvalidURL, Kind, VisageError
from server.services import images

IMAGE_MEDIA_TYPES = ("application/octet-stream",)


def json_object() -> dict[str, Any]:
    """The body as a JSON object; Azure's messages for what is not one."""
    if request.content_length is not None and request.content_length > defaults.MAX_JSON_BODY_BYTES:
        raise BadArgument("Request body is too large.", kind=Kind.TOO_LARGE)
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadArgument("Request body is invalid.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested deeper than Python goes
        raise BadArgument("JSON parsing error.") from None
    if not isinstance(body, dict):
        raise BadArgument("Request body is invalid.")
    return body


def image_bytes() -> bytes:
    """The image of a detect or add-face call: octet-stream bytes, or JSON `{"url": ...}` fetched."""
    media_type = request.mimetype
    if media_type == "application/json":
        url = json_object().get("url")
        if not isinstance(url, str) or not url.strip():
            raise InvalidURL("Invalid image URL.")
        return images.fetch(url.strip(), allowlist=current_app.config["URL_ALLOWLIST"])
    if media_type in IMAGE_MEDIA_TYPES or media_type.startswith("image/"):
        if request.content_length is not None and request.content_length > defaults.MAX_IMAGE_BYTES:
            raise InvalidImageSize("Image size is too big.")
        try:
            return request.get_data(cache=False)
        except RequestEntityTooLarge:
            raise InvalidImageSize("Image size is too big.") from None
    raise VisageError("Invalid Media Type.", code="BadArgument", kind=Kind.UNSUPPORTED_MEDIA)
