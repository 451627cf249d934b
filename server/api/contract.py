"""Each route's contract: what it reads and answers, declared once on the view.

The OpenAPI document is generated from these declarations, and the views read their query string
and JSON body through the same schemas (`query_args`, `json_body`), so the contract cannot say
one thing while the code does another.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from marshmallow import Schema

from server.api import bodies

View = TypeVar("View", bound=Callable[..., Any])

DATA_PLANE_ERRORS = (400, 401, 403, 429)
"""What any data-plane call may answer: a bad argument, a bad key, a refusal (Limited Access or the
terms of use), the SKU's rate limit."""


class Security(enum.Enum):
    KEY = "subscriptionKey"
    MANAGEMENT = "managementToken"
    ADMIN = "adminToken"
    NONE = "none"


class BodyKind(enum.Enum):
    JSON = "json"
    IMAGE = "image"  # application/octet-stream bytes, or JSON {"url": ...}
    FORM_OR_JSON = "form_or_json"


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int
    description: str
    schema: type[Schema] | None = None
    many: bool = False
    headers: tuple[str, ...] = ()
    media_type: str = "application/json"
    also: tuple[str, ...] = ()  # other media types the same status may answer in (as text)


@dataclasses.dataclass(frozen=True)
class Contract:
    operation_id: str
    summary: str
    tag: str
    security: Security
    replies: tuple[Reply, ...]
    errors: tuple[int, ...]
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    body_kind: BodyKind = BodyKind.JSON
    body_required: bool = True
    path_names: tuple[tuple[str, str], ...] = ()
    description: str = ""


def contract(**fields: Any) -> Callable[[View], View]:
    """Attach a Contract to a view (apply it closest to the function)."""
    declared = Contract(**{**fields, "replies": tuple(fields["replies"]), "errors": tuple(fields["errors"]),
                           "path_names": tuple(fields.get("path_names", {}).items())})

    def attach(view: View) -> View:
        view.contract = declared  # type: ignore[attr-defined]
        return view

    return attach


def contract_of(view: Callable[..., Any]) -> Contract | None:
    found = getattr(view, "contract", None)
    return found if isinstance(found, Contract) else None


def _current() -> Contract:
    declared = contract_of(current_app.view_functions[str(request.endpoint)])
    if declared is None:
        raise RuntimeError(f"route {request.endpoint} has no contract")
    return declared


_schemas: dict[type[Schema], Schema] = {}


def _instance(schema: type[Schema]) -> Schema:
    if schema not in _schemas:
        _schemas[schema] = schema()
    return _schemas[schema]


def query_args() -> Any:
    """The query string, loaded with the route's declared query schema."""
    declared = _current()
    if declared.query is None:
        raise RuntimeError(f"route {request.endpoint} declares no query parameters")
    return _instance(declared.query).load(request.args)


def json_body() -> Any:
    """The JSON body, loaded with the route's declared body schema."""
    declared = _current()
    if declared.body is None:
        raise RuntimeError(f"route {request.endpoint} declares no body")
    return _instance(declared.body).load(bodies.json_object())
