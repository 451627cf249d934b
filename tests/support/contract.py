"""Every answer the test client receives is checked against the OpenAPI document: the status is
one the route documents, the media type is the documented one, and a JSON body validates against
the documented schema (the same marshmallow schema the route dumped it with)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from server.api import openapi
from server.api.contract import endpoint_contract

CONTRACT_FILE = Path(__file__).resolve().parents[2] / "openapi" / "visage.yaml"

JSON_MEDIA_TYPES = ("application/json", "application/x-amz-json-1.1")
"""Answers whose bodies are validated against the documented schema (Azure's JSON, AWS's JSON 1.1)."""

checked_operations: set[tuple[str, int]] = set()
"""(operationId, status) of every answer checked in this session."""


@functools.cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONTRACT_FILE.read_text())
    return loaded


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:visage", Resource(contents=document(), specification=DRAFT202012))


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: (f"urn:visage{value}" if key == "$ref" and isinstance(value, str) and value.startswith("#")
                      else _absolute_refs(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    return node


def check_reply(app: Flask, method: str, path: str, response: TestResponse) -> None:
    """Fail when `response` is not what the route's contract documents (routes that do not exist,
    and the methods they do not allow, have no contract to check)."""
    if method == "OPTIONS":
        return  # CORS preflights, answered by Flask for every route, are outside the document
    adapter = app.url_map.bind("localhost")
    try:
        rule, arguments = adapter.match(path, method=method, return_rule=True)
    except HTTPException:
        return
    declared = endpoint_contract(app, rule.endpoint)
    assert declared is not None, f"{rule.rule} declares no contract"
    if arguments.get("api_version", declared.api_versions[0]) not in declared.api_versions:
        return  # outside the documented requests: the document enumerates each route's API versions
    operation = document()["paths"][openapi.openapi_path(rule, declared)][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method} {path} ({declared.operation_id}) answered {response.status_code}, which it does not document: "
        f"{response.get_data(as_text=True)[:300]}")
    checked_operations.add((declared.operation_id, response.status_code))
    documented = _resolve(documented)
    content = documented.get("content", {})
    if not content:
        assert not response.get_data(), f"{method} {path} documents no body for {response.status_code}"
        return
    assert response.mimetype in content, (
        f"{method} {path} answered {response.mimetype}; documented: {sorted(content)}")
    schema = content[response.mimetype].get("schema")
    if response.mimetype not in JSON_MEDIA_TYPES or schema is None:
        return
    variants = operation.get("x-variants")
    if variants and response.status_code == 200:
        schema = variants[response.request.headers["X-Amz-Target"]]["reply"]  # the one this target answers with
    validator = Draft202012Validator(_absolute_refs(schema), registry=_registry())
    body = json.loads(response.get_data())
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    assert not errors, (f"{method} {path} ({declared.operation_id}, {response.status_code}) does not match its "
                        f"schema: {errors[0].message} at {list(errors[0].absolute_path)}")


class ContractCheckingClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        request = response.request
        check_reply(self.application, request.method, request.path, response)
        return response
