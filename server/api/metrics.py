"""GET /metrics: Prometheus text format, across every API process, for the operator.

It needs the admin token. The numbers are the operator's: policy refusals by clause say what
tenants were refused, and queue depths and status counts tell an outsider how busy, and how
broken, the service is. `visage up` binds one port for every surface, so a separate unauthenticated
listener is not an option; Prometheus sends the token with `authorization: {credentials_file: ...}`
in its scrape config.
"""

from __future__ import annotations

from flask import Blueprint, Response

from server.api.bearer import require_admin
from server.api.contract import Reply, Security, contract, reply
from server.extensions import get_redis
from server.services import telemetry

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@contract(operation_id="getMetrics", summary="Metrics, in Prometheus text format", tag="Operator",
          security=Security.ADMIN, errors=(401,),
          description="visage_http_requests_total and visage_http_request_duration_seconds by operation and status, "
                      "visage_policy_decisions_total by outcome, clause and operation class, and visage_queue_jobs by "
                      "RQ queue and state (read from Redis when scraped), across every API process.",
          replies=[Reply(200, "Prometheus text exposition format.", media_type="text/plain")])
def metrics() -> Response:
    require_admin()
    return reply(telemetry.render(get_redis()), content_type=telemetry.CONTENT_TYPE)
