"""Each route's contract: what it reads and answers, declared once on the view.

The OpenAPI document is generated from these declarations, and the views read their query string
and JSON body (`query_args`, `json_body`) and write their answer (`reply`) through the same
schemas, so the contract cannot say one thing while the code does another.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from marshmallow import Schema

from server import defaults
from server.api import bodies

View = TypeVar("View", bound=Callable[..., Any])

DATA_PLANE_ERRORS = (400, 401, 403, 404, 429, 500, 503)
"""What any data-plane call may answer: a bad argument, a bad key, a refusal (Limited Access or the
terms of use), an API version Visage does not serve (404, as Azure answers), the SKU's rate limit;
and the errors a fault injected for resilience tests answers with (POST /admin/v1/faults), which a
real outage would too."""


class Security(enum.Enum):
    KEY = "subscriptionKey"
    SIGV4 = "awsSigV4"
    MANAGEMENT = "managementToken"
    ADMIN = "adminToken"
    NONE = "none"


DATA_PLANE_SECURITY = frozenset({Security.KEY, Security.SIGV4})
"""Schemes of the data plane, whose routes read the capture context headers."""

AWS_JSON = "application/x-amz-json-1.1"
"""The media type of AWS's JSON 1.1 protocol (Rekognition's requests and answers)."""


class BodyKind(enum.Enum):
    JSON = "json"
    IMAGE = "image"  # application/octet-stream bytes, or JSON {"url": ...}
    FORM_OR_JSON = "form_or_json"
    MEDIA = "media"  # an image or video as bytes (octet-stream, image/*, video/*) or a multipart `form`, or JSON
    AWS_JSON = "aws_json"  # application/x-amz-json-1.1, one schema per variant


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int
    description: str
    schema: type[Schema] | None = None
    many: bool = False
    headers: tuple[str, ...] = ()
    media_type: str = "application/json"
    also: tuple[str, ...] = ()  # other media types the same status may answer in (as text)
    parsed: Mapping[str, Any] | None = None
    """For a body in a structured media type other than JSON (YAML): the JSON Schema of the value a
    client parses it into. Plain text and HTML are strings."""


NO_BODY = Reply(200, "Done; the answer has no body.", media_type="")
"""Azure answers creates, updates, deletes and train with no body at all."""


@dataclasses.dataclass(frozen=True)
class Variant:
    """One operation of a protocol that serves many on one route, chosen by a header's value (AWS's
    X-Amz-Target): what it reads and what it answers."""

    target: str
    request: type[Schema]
    reply: type[Schema]


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
    form: type[Schema] | None = None  # the multipart/form-data fields of a MEDIA body
    body_required: bool = True
    path_names: tuple[tuple[str, str], ...] = ()
    description: str = ""
    api_versions: tuple[str, ...] = defaults.API_VERSIONS
    """The data-plane versions that serve it; under the others it is 404, as on Azure."""
    variant_header: str = ""
    variants: tuple[Variant, ...] = ()


def declare(**fields: Any) -> Contract:
    return Contract(**{**fields, "replies": tuple(fields["replies"]), "errors": tuple(dict.fromkeys(fields["errors"])),
                       "path_names": tuple(fields.get("path_names", {}).items()),
                       "variants": tuple(fields.get("variants", ()))})


def contract(**fields: Any) -> Callable[[View], View]:
    """Attach a Contract to a view (apply it closest to the function)."""
    declared = declare(**fields)

    def attach(view: View) -> View:
        view.contract = declared  # type: ignore[attr-defined]
        return view

    return attach


def contract_of(view: Callable[..., Any]) -> Contract | None:
    found = getattr(view, "contract", None)
    return found if isinstance(found, Contract) else None


STATIC_FILES = Contract(
    operation_id="getStaticFile", summary="A static asset of Visage's pages", tag="Signup",
    security=Security.NONE, errors=(404,),
    replies=(Reply(200, "The file.", media_type="text/css",
                   also=("text/javascript", "application/javascript", "image/svg+xml")),),
)
"""Flask's own static route, which serves the pages' stylesheets and icon and the console's scripts."""

def endpoint_contract(app: Flask, endpoint: str) -> Contract | None:
    """The contract of the route an endpoint names; Flask's own static route has STATIC_FILES."""
    return STATIC_FILES if endpoint == "static" else contract_of(app.view_functions[endpoint])


def current_contract() -> Contract:
    declared = contract_of(current_app.view_functions[str(request.endpoint)])
    if declared is None:
        raise RuntimeError(f"route {request.endpoint} has no contract")
    return declared


_schemas: dict[tuple[type[Schema], tuple[str, ...]], Schema] = {}


def _instance(schema: type[Schema], exclude: tuple[str, ...] = ()) -> Schema:
    if (schema, exclude) not in _schemas:
        _schemas[schema, exclude] = schema(exclude=exclude)
    return _schemas[schema, exclude]


def query_args() -> Any:
    """The query string, loaded with the route's declared query schema."""
    declared = current_contract()
    if declared.query is None:
        raise RuntimeError(f"route {request.endpoint} declares no query parameters")
    return _instance(declared.query).load(request.args)


def json_body() -> Any:
    """The JSON body, loaded with the route's declared body schema."""
    declared = current_contract()
    if declared.body is None:
        raise RuntimeError(f"route {request.endpoint} declares no body")
    return _instance(declared.body).load(bodies.json_object())


def form_fields(form: Mapping[str, str]) -> Any:
    """A multipart body's fields (its files aside), loaded with the route's declared form schema."""
    declared = current_contract()
    if declared.form is None:
        raise RuntimeError(f"route {request.endpoint} declares no form")
    return _instance(declared.form).load(form, partial=True)


def reply(data: Any = None, status: int = 200, *, headers: Mapping[str, str] | None = None,
          exclude: tuple[str, ...] = (), content_type: str | None = None) -> Response:
    """The route's declared answer for `status`: `data` dumped through the reply's schema (the one the
    OpenAPI document shows) without the fields in `exclude`; or, for a reply declared in another
    media type than JSON, `data` as it is (text or bytes), sent as `content_type` (the declared media
    type, with parameters); or no body at all where the reply declares none."""
    declared = next((each for each in current_contract().replies if each.status == status), None)
    if declared is None:
        raise RuntimeError(f"route {request.endpoint} declares no {status} reply")
    if declared.schema is None and declared.media_type not in ("", "application/json") and data is not None:
        sent_as = content_type or declared.media_type
        if sent_as.split(";")[0].strip() != declared.media_type:
            raise RuntimeError(f"route {request.endpoint} declares {declared.media_type}, not {sent_as}")
        response = current_app.response_class(data, status=status, content_type=sent_as)
    elif declared.schema is None:
        if data is not None:
            raise RuntimeError(f"route {request.endpoint} declares no body for {status}")
        response = current_app.response_class(status=status)
        del response.headers["Content-Type"]
    else:
        response = current_app.response_class(
            current_app.json.dumps(_instance(declared.schema, exclude).dump(data, many=declared.many)) + "\n",
            status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response
