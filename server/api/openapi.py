"""The OpenAPI 3.1 document, generated from the app's routes and their contracts.

Every route must declare a contract (server.api.contract); the generator refuses an app with a
route that has none. `visage openapi` writes the document to openapi/visage.yaml, and a test
keeps that file equal to what the app generates.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask import Flask
from marshmallow import Schema
from werkzeug.routing import Rule

from server.api.contract import AWS_JSON, DATA_PLANE_SECURITY, BodyKind, Contract, Reply, Security, endpoint_contract
from server.domain.capture import CAMERA_HEADER, CAPTURED_AT_HEADER, MODE_HEADER, Camera, CaptureMode
from server.domain.starter import STARTER_NAME
from server.schemas.base import REQUIRED_IN_DOCUMENT
from server.schemas.errors import ErrorResponseSchema

ERROR_DESCRIPTIONS = {
    400: "Bad argument, image or URL (BadArgument, InvalidImage, InvalidImageSize, InvalidURL, ...).",
    401: "Missing or wrong key or token.",
    403: "Refused: Limited Access (UnsupportedFeature), the terms of use (TermsOfUseViolation, with innererror "
         "clause and policyVersion), a suspended or unverified tenant, or a quota.",
    404: "Not found (or belongs to another tenant).",
    409: "Conflict: it already exists, or training is not finished.",
    413: "The request body is too large.",
    415: "Unsupported media type.",
    429: "Rate limit exceeded; Retry-After says when to try again.",
    500: "An internal error (InternalServerError), or one injected for resilience tests (x-visage-fault).",
    503: "Unavailable (ServiceUnavailable): injected for resilience tests (x-visage-fault); Retry-After says when "
         "to try again.",
}

RETRY_AFTER_STATUSES = (429, 503)
"""Errors that say, in Retry-After, how many seconds to wait before trying again."""

SECURITY_SCHEMES = {
    "subscriptionKey": {"type": "apiKey", "in": "header", "name": "Ocp-Apim-Subscription-Key",
                        "description": "A deployment key (key1 or key2)."},
    "awsSigV4": {"type": "apiKey", "in": "header", "name": "Authorization",
                 "description": "AWS Signature Version 4 (AWS4-HMAC-SHA256), as boto3 and the AWS CLI sign: the "
                                "access key id is the deployment's name, the secret either of its keys, the service "
                                "rekognition and the region any."},
    "managementToken": {"type": "http", "scheme": "bearer", "description": "The tenant's management token."},
    "adminToken": {"type": "http", "scheme": "bearer", "description": "The operator's admin token."},
}

CAPTURE_HEADERS: list[dict[str, Any]] = [
    {"in": "header", "name": MODE_HEADER, "required": False,
     "description": "How the pixels were captured; absent counts as live for law-enforcement tenants.",
     "schema": {"type": "string", "enum": [mode.value for mode in CaptureMode]}},
    {"in": "header", "name": CAPTURED_AT_HEADER, "required": False, "description": "When they were captured.",
     "schema": {"type": "string", "format": "date-time"}},
    {"in": "header", "name": CAMERA_HEADER, "required": False, "description": "Which kind of camera took them.",
     "schema": {"type": "string", "enum": [camera.value for camera in Camera]}},
]

_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class _Converter(OpenAPIConverter):
    """Honours REQUIRED_IN_DOCUMENT: fields loaded as optional (so Azure's own message answers a
    missing value) are still required in the document."""

    def fields2jsonschema(self, fields: Any, *, partial: Any = None) -> dict[str, Any]:
        jsonschema: dict[str, Any] = super().fields2jsonschema(fields, partial=partial)
        for name, field in fields.items():
            wire = field.data_key or name
            jsonschema["properties"][wire].pop(REQUIRED_IN_DOCUMENT, None)
            if field.metadata.get(REQUIRED_IN_DOCUMENT):
                jsonschema["required"] = sorted({*jsonschema.get("required", []), wire})
        return jsonschema

    def _field2parameter(self, field: Any, *, name: str, location: str) -> dict[str, Any]:
        parameter: dict[str, Any] = super()._field2parameter(field, name=name, location=location)
        parameter.get("schema", {}).pop(REQUIRED_IN_DOCUMENT, None)
        if field.metadata.get(REQUIRED_IN_DOCUMENT):
            parameter["required"] = True
        return parameter


class _Plugin(MarshmallowPlugin):
    Converter = _Converter


def _schema_name(schema: type[Schema] | Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[: -len("Schema")] if name.endswith("Schema") and name != "Schema" else name


def _package_version() -> str:
    try:
        return version("visage")
    except PackageNotFoundError:
        return "0.0.0"


def build(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Visage",
        version=_package_version(),
        openapi_version="3.1.0",
        plugins=[_Plugin(schema_name_resolver=_schema_name)],
        info={"description": "A local, Azure-Face-compatible face API with real detection and recognition, "
                             "self-service tenants and terms-of-use enforcement."},
    )
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    spec.components.schema("ErrorResponse", schema=ErrorResponseSchema)
    for parameter in CAPTURE_HEADERS:
        spec.components.parameter(_component_name(parameter["name"]), "header", parameter)
    for status, description in ERROR_DESCRIPTIONS.items():
        headers = {"x-ms-error-code": {"description": "The error code.", "schema": {"type": "string"}}}
        if status in RETRY_AFTER_STATUSES:
            headers["Retry-After"] = {"description": "Whole seconds to wait before trying again.",
                                      "schema": {"type": "string", "pattern": "^[1-9][0-9]*$"}}
        spec.components.response(f"Error{status}", {
            "description": description,
            "headers": headers,
            "content": {"application/json": {"schema": "ErrorResponse"}},
        })
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods or ()))):
        declared = endpoint_contract(app, rule.endpoint)
        if declared is None:
            raise LookupError(f"route {rule.rule} ({rule.endpoint}) declares no contract")
        path = openapi_path(rule, declared)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, declared)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def _component_name(header: str) -> str:
    """x-visage-capture-mode -> CaptureMode"""
    return "".join(word.capitalize() for word in header.removeprefix("x-visage-").split("-"))


def openapi_path(rule: Rule, declared: Contract) -> str:
    """The document's path of a route: /face/{apiVersion}/largepersongroups/{largePersonGroupId}, ..."""
    return _ARGUMENT.sub(lambda match: "{" + _path_name(match.group(1), declared) + "}", rule.rule)


def _path_name(argument: str, declared: Contract) -> str:
    renamed = dict(declared.path_names)
    if argument in renamed:
        return renamed[argument]
    head, *rest = argument.split("_")
    return head + "".join(word.capitalize() for word in rest)


PATH_EXAMPLES = {"deployment": STARTER_NAME, "personGroupId": "staff",
                 "largePersonGroupId": "staff", "faceListId": "staff", "largeFaceListId": "staff"}
"""Examples of path parameters: the deployment every tenant starts with, and a collection id. The
API version's example is the newest version the route serves."""


def _path_parameters(rule: Rule, declared: Contract) -> list[dict[str, Any]]:
    parameters = []
    for argument in _ARGUMENT.findall(rule.rule):
        schema: dict[str, Any] = {"type": "string"}
        example = PATH_EXAMPLES.get(_path_name(argument, declared))
        if argument == "api_version":
            schema["enum"] = list(declared.api_versions)
            example = declared.api_versions[-1]
        name = _path_name(argument, declared)
        parameter = {"in": "path", "name": name, "required": True, "schema": schema}
        if example is not None:
            parameter["example"] = example
        parameters.append(parameter)
    return parameters


def _operation(rule: Rule, declared: Contract) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": declared.operation_id,
        "summary": declared.summary,
        "tags": [declared.tag],
    }
    if declared.description:
        operation["description"] = declared.description
    parameters: list[Any] = _path_parameters(rule, declared)
    if declared.query is not None:
        parameters.append({"in": "query", "schema": declared.query})
    if declared.variants:
        parameters.append(_variant_header(declared))
    if declared.security in DATA_PLANE_SECURITY:
        parameters.extend(_component_name(parameter["name"]) for parameter in CAPTURE_HEADERS)
    if parameters:
        operation["parameters"] = parameters
    operation["security"] = [] if declared.security is Security.NONE else [{declared.security.value: []}]
    if declared.body is not None or declared.body_kind is BodyKind.AWS_JSON:
        operation["requestBody"] = _request_body(declared)
    responses: dict[str, Any] = {str(reply.status): _reply(reply) for reply in declared.replies}
    if declared.variants:
        operation["x-variants"] = {variant.target: {"request": _ref(variant.request), "reply": _ref(variant.reply)}
                                   for variant in declared.variants}
        replies = list(dict.fromkeys(variant.reply for variant in declared.variants))
        responses["200"]["content"] = {AWS_JSON: {"schema": {"anyOf": replies}}}
    for status in declared.errors:
        responses[str(status)] = f"Error{status}"
    operation["responses"] = responses
    return operation


def _variant_header(declared: Contract) -> dict[str, Any]:
    return {"in": "header", "name": declared.variant_header, "required": True,
            "description": "Which operation the body is for: x-variants maps each value to its request and reply.",
            "schema": {"type": "string", "enum": [variant.target for variant in declared.variants]}}


def _ref(schema: type[Schema]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{_schema_name(schema)}"}


def _request_body(declared: Contract) -> dict[str, Any]:
    if declared.body_kind is BodyKind.AWS_JSON:
        bodies = list(dict.fromkeys(variant.request for variant in declared.variants))
        return {"required": True, "content": {AWS_JSON: {"schema": {"anyOf": bodies}}}}
    content: dict[str, Any] = {}
    if declared.body_kind is BodyKind.IMAGE:
        content["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
    if declared.body_kind is BodyKind.MEDIA:
        for media_type in ("application/octet-stream", "video/*", "image/*"):
            content[media_type] = {"schema": {"type": "string", "format": "binary"}}
        if declared.form is not None:
            content["multipart/form-data"] = {"schema": declared.form}
    content["application/json"] = {"schema": declared.body}
    if declared.body_kind is BodyKind.FORM_OR_JSON:
        content["application/x-www-form-urlencoded"] = {"schema": declared.body}
    return {"required": declared.body_required, "content": content}


def _reply(reply: Reply) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": reply.description}
    if reply.headers:
        answer["headers"] = {name: {"schema": {"type": "string"}} for name in reply.headers}
    if reply.schema is not None:
        schema: Any = {"type": "array", "items": reply.schema} if reply.many else reply.schema
        answer["content"] = {reply.media_type: {"schema": schema}}
    elif reply.media_type and reply.media_type != "application/json":
        answer["content"] = {reply.media_type: {"schema": dict(reply.parsed or {"type": "string"})}}
    for media_type in reply.also:
        answer.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    return answer
