"""Visage: a local, Azure-Face-compatible face API with real detection and recognition."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    # Imported here: importing the `server` package must not import prometheus_client, which reads
    # PROMETHEUS_MULTIPROC_DIR once, when first imported, and server/wsgi.py sets it first.
    from server import extensions
    from server.api import register_blueprints
    from server.api.clients import trust_proxies
    from server.api.cors import allow_origins
    from server.api.envelope import register_error_handlers
    from server.api.request_log import REQUEST_ID_HEADER, observe_requests
    from server.config import load_config
    from server.domain.faults import FAULT_HEADER

    app = Flask(__name__)
    app.config.from_mapping(load_config(config))
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Azure's field order, not alphabetical
    extensions.init_app(app)
    observe_requests(app)  # first: it then sees every answer as it leaves
    trust_proxies(app)
    register_error_handlers(app)
    register_blueprints(app)
    allow_origins(app)

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = str(uuid.uuid4())

    @app.after_request
    def _stamp_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = getattr(g, "request_id", "") or str(uuid.uuid4())
        if fault_id := g.get("fault_id"):
            response.headers.setdefault(FAULT_HEADER, fault_id)
        if request.path.startswith(("/mgmt/", "/admin/")) or request.path == "/signup":
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
