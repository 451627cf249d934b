"""Cross-origin calls from browser apps on the origins the operator lists (`VISAGE_CORS_ORIGINS`),
with flask-cors.

Only the data plane (`/face/`) and the management API (`/mgmt/`) answer other origins: a browser app
calls them with a deployment key or a management token in a header, never a cookie, so an origin
that is not listed gets no CORS headers and its script cannot read an answer. The operator API is
left same-origin: its token should not live in a web page elsewhere. A preflight (OPTIONS) is
answered by Flask before any view runs, so it needs no key and counts against no rate limit.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request
from flask_cors import CORS

from server import defaults
from server.api.dataplane import KEY_HEADER
from server.api.detection import PROVENANCE_HEADER
from server.domain.capture import CAMERA_HEADER, CAPTURED_AT_HEADER, MODE_HEADER
from server.domain.faults import FAULT_HEADER

CROSS_ORIGIN_PATHS = (r"^/face/.*", r"^/mgmt/.*")

ALLOWED_HEADERS = [KEY_HEADER, "Authorization", "Content-Type", MODE_HEADER, CAPTURED_AT_HEADER, CAMERA_HEADER,
                   "x-ms-client-request-id", "x-ms-useragent"]
"""What a browser app may send: the key (data plane) or token (management), the body's type, the
capture context, and what Azure's JavaScript SDK adds (a request id; its user agent, as browsers
forbid setting User-Agent)."""

EXPOSED_HEADERS = ["apim-request-id", "x-ms-error-code", "operation-Location", "Retry-After", PROVENANCE_HEADER,
                   FAULT_HEADER]
"""What a browser app may read besides the safelisted headers."""

METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE"]


def allow_origins(app: Flask) -> None:
    """Answer the configured origins; with none configured, add nothing at all."""
    configured: list[str] = app.config["CORS_ORIGINS"]
    if not configured:
        return
    # each origin as an exact pattern: flask-cors reads a string with [ or * (an IPv6 host) as a regex
    origins = ["*" if each == "*" else re.compile(re.escape(each) + r"\Z", re.IGNORECASE) for each in configured]

    # registered before flask-cors's hook, so it runs after it (Flask runs after_request hooks in reverse)
    @app.after_request
    def _vary_on_origin(response: Response) -> Response:
        # flask-cors adds Vary only to an answer that allows the origin, and not when it echoes any
        # origin ("*"); but an answer without CORS headers depends on Origin just as much, and a shared
        # cache that kept it would hand it to a listed origin's script (or the reverse)
        if any(re.match(path, request.path) for path in CROSS_ORIGIN_PATHS):
            response.vary.add("Origin")
        return response

    CORS(app, resources={path: {} for path in CROSS_ORIGIN_PATHS}, origins=origins, methods=METHODS,
         allow_headers=ALLOWED_HEADERS, expose_headers=EXPOSED_HEADERS, max_age=defaults.CORS_MAX_AGE_SECONDS,
         supports_credentials=False, intercept_exceptions=False, vary_header=True)
