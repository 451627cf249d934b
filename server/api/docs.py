"""The contract, served: GET /openapi.yaml and the Swagger UI at /docs (assets from the
swagger-ui-py package, never a CDN)."""

from __future__ import annotations

import functools
from pathlib import Path

import swagger_ui
from flask import Blueprint, Flask, Response, current_app, send_from_directory

from server.api import openapi
from server.api.contract import Reply, Security, contract, reply
from server.api.pages import protect_docs

bp = Blueprint("docs", __name__)
bp.after_request(protect_docs)

ASSETS = Path(swagger_ui.__file__).parent / "static"
"""Swagger UI 5 (OpenAPI 3.1), shipped inside the swagger-ui-py wheel."""

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Visage API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/docs-init.js"></script>
</body>
</html>
"""

ASSET_MEDIA_TYPES = ("text/css", "text/javascript", "application/javascript", "image/png", "text/html",
                     "application/json")
"""What Swagger UI's files are served as (by their extension), besides octet-stream."""

INIT = 'window.ui = SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#swagger-ui", deepLinking: true});\n'


@functools.cache
def _document(app: Flask) -> str:
    return openapi.to_yaml(openapi.build(app))


OPENAPI_DOCUMENT = {"type": "object", "required": ["openapi", "info", "paths"],
                    "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}}}
"""What GET /openapi.yaml parses into: an OpenAPI 3.1 document (a YAML mapping, not a string)."""


@bp.get("/openapi.yaml")
@contract(operation_id="getOpenApiDocument", summary="This OpenAPI document", tag="Documentation",
          security=Security.NONE, errors=(),
          replies=[Reply(200, "OpenAPI 3.1, YAML.", media_type="application/yaml", parsed=OPENAPI_DOCUMENT)])
def openapi_document() -> Response:
    return reply(_document(current_app._get_current_object()))  # type: ignore[attr-defined]


@bp.get("/docs")
@contract(operation_id="getApiDocs", summary="Browse the API (Swagger UI)", tag="Documentation",
          security=Security.NONE, errors=(), replies=[Reply(200, "An HTML page.", media_type="text/html")])
def docs_page() -> Response:
    return Response(PAGE, mimetype="text/html")


@bp.get("/docs/static/<path:asset>")
@contract(operation_id="getApiDocsAsset", summary="A Swagger UI asset", tag="Documentation",
          security=Security.NONE, errors=(404,), path_names={"asset": "asset"},
          replies=[Reply(200, "The file.", media_type="application/octet-stream", also=ASSET_MEDIA_TYPES)])
def docs_asset(asset: str) -> Response:
    if asset == "docs-init.js":
        return Response(INIT, mimetype="text/javascript")
    return send_from_directory(ASSETS, asset, max_age=86400)
