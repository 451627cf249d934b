"""The OpenAPI contract: the committed file equals what the app generates, and it is served."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from server.api import openapi
from server.api.contract import contract_of

CONTRACT_FILE = Path(__file__).resolve().parents[2] / "openapi" / "visage.yaml"
REGENERATE = "regenerate it with: .venv/bin/visage openapi --write openapi/visage.yaml"


def test_every_route_declares_a_contract(app: Flask) -> None:
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and contract_of(app.view_functions[rule.endpoint]) is None]
    assert missing == []


def test_the_committed_file_is_what_the_app_generates(app: Flask) -> None:
    committed = yaml.safe_load(CONTRACT_FILE.read_text())
    generated = openapi.build(app)
    assert committed.keys() == generated.keys(), REGENERATE
    assert sorted(committed["paths"]) == sorted(generated["paths"]), REGENERATE
    for path, operations in generated["paths"].items():
        assert committed["paths"][path] == operations, f"{path} differs; {REGENERATE}"
    assert committed == generated, REGENERATE


def test_the_file_is_valid_openapi_3_1() -> None:
    document = yaml.safe_load(CONTRACT_FILE.read_text())
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_app_route_and_method_is_in_the_file_and_nothing_else(app: Flask) -> None:
    document = yaml.safe_load(CONTRACT_FILE.read_text())
    in_file = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    in_app = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "{}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            in_app.add((path, method))
    assert {(re.sub(r"\{[^}]+\}", "{}", path), method) for path, method in in_file} == in_app


def test_operation_ids_are_unique() -> None:
    document = yaml.safe_load(CONTRACT_FILE.read_text())
    ids = [op["operationId"] for operations in document["paths"].values() for op in operations.values()]
    assert len(ids) == len(set(ids))


def test_the_document_is_served(client: FlaskClient) -> None:
    response = client.get("/openapi.yaml")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    assert yaml.safe_load(response.get_data(as_text=True)) == yaml.safe_load(CONTRACT_FILE.read_text())


def test_docs_use_only_assets_visage_serves(client: FlaskClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for asset in re.findall(r"(?:src|href)=\"(/docs/static/[^\"]+)\"", html):
        fetched = client.get(asset)
        assert fetched.status_code == 200 and len(fetched.get_data()) > 0, asset


def test_the_served_document_matches_the_schema_it_gives_itself(client: FlaskClient) -> None:
    """schemathesis parses a YAML answer and validates it: the document once read as a string type
    did not match its own reply schema."""
    served = yaml.safe_load(client.get("/openapi.yaml").get_data(as_text=True))
    declared = served["paths"]["/openapi.yaml"]["get"]["responses"]["200"]["content"]["application/yaml"]["schema"]
    Draft202012Validator(declared).validate(served)

