"""Reading answers into models; an answer of the wrong shape is a `ServiceError`, not a KeyError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import requests

from visage.exceptions import ServiceError, request_id_of
from visage.models._wire import WireDecodeError, WireModel

M = TypeVar("M", bound=WireModel)


def unreadable(response: requests.Response, reason: str) -> ServiceError:
    return ServiceError(
        f"The server's answer could not be read: {reason}",
        status=response.status_code,
        request_id=request_id_of(response.headers),
        raw_body=response.text[:64 * 1024],
        headers=response.headers,
    )


def json_of(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise unreadable(response, "not JSON") from None


def decode(model: type[M], response: requests.Response) -> M:
    try:
        return model.from_wire(json_of(response))
    except WireDecodeError as error:
        raise unreadable(response, str(error)) from error


def decode_list(model: type[M], response: requests.Response) -> list[M]:
    """A JSON array of `model`; `{"value": [...]}` is read too (an older Visage wrapped lists)."""
    body = json_of(response)
    if isinstance(body, Mapping) and isinstance(body.get("value"), list):
        body = body["value"]
    if not isinstance(body, list):
        raise unreadable(response, "expected a JSON array")
    try:
        return [model.from_wire(item) for item in body]
    except WireDecodeError as error:
        raise unreadable(response, str(error)) from error
