"""Every request, observed once it is answered: one JSON line on stderr, and the request metrics.

The line holds what an operator needs to follow a call and nothing secret: the time, the
apim-request-id the client saw, the tenant and deployment, the operationId, the status and the
milliseconds, the method and the path (never the query string, where a verification link carries
its token), the client address, and the injected fault if one shaped the answer. Never a key, a
token or a body.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from flask import Flask, Response, current_app, g, request, request_started

from server.api.contract import endpoint_contract
from server.domain.clock import format_time, now
from server.domain.faults import FAULT_HEADER
from server.services import telemetry

REQUEST_ID_HEADER = "apim-request-id"
"""Azure answers every call with this header; Visage does too, and the audit trail records it."""

log = logging.getLogger("visage.requests")


class StderrHandler(logging.Handler):
    """Writes each record as one line to the stderr of the moment (gunicorn's, or a test's capture)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never fail a request
            self.handleError(record)


def observe_requests(app: Flask) -> None:
    """Time, log and count every request of `app`. Call it before any other `after_request` is
    registered: Flask runs them in reverse, so this one runs last and sees the final answer."""
    if app.config["REQUEST_LOG"] and not any(isinstance(handler, StderrHandler) for handler in log.handlers):
        log.addHandler(StderrHandler())
        log.setLevel(logging.INFO)
        log.propagate = False
    request_started.connect(_start_clock, app)

    @app.after_request
    def _observe(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        operation = operation_of_request()
        telemetry.observe_request(operation, response.status_code, seconds)
        if app.config["REQUEST_LOG"]:
            log.info(json.dumps(log_line(operation, response, seconds), separators=(",", ":")))
        return response


def _start_clock(sender: Flask, **_: Any) -> None:
    g.started = time.perf_counter()


def operation_of_request() -> str:
    """The operationId of the route answering, `preflight` for a CORS preflight, `unmatched` when no
    route matched (404, 405)."""
    if request.method == "OPTIONS":
        return "preflight"
    if request.url_rule is None or request.endpoint is None:
        return "unmatched"
    declared = endpoint_contract(current_app, request.endpoint)
    return declared.operation_id if declared is not None else request.endpoint


def log_line(operation: str, response: Response, seconds: float) -> dict[str, Any]:
    caller = g.get("caller")
    line: dict[str, Any] = {
        "time": format_time(now()),
        REQUEST_ID_HEADER: response.headers.get(REQUEST_ID_HEADER),
        "tenant": caller.tenant_id if caller is not None else g.get("tenant_id"),
        "deployment": caller.deployment.name if caller is not None else None,
        "operationId": operation,
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
        "method": request.method,
        "path": request.path,
        "client": request.remote_addr,
    }
    if fault := response.headers.get(FAULT_HEADER):
        line["fault"] = fault
    return line
