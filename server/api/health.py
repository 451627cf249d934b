"""GET /healthz: 200 when Redis and at least one RQ worker answer."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify
from marshmallow import Schema, fields, validate
from redis.exceptions import RedisError
from rq import Worker

from server import defaults
from server.api.contract import Reply, Security, contract
from server.extensions import get_redis

bp = Blueprint("health", __name__)


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]))
    redis = fields.String(required=True)
    workers = fields.Integer(required=True, metadata={"description": "Workers whose heartbeat is recent."})


@bp.get("/healthz")
@contract(operation_id="getHealth", summary="Whether Redis and a worker answer", tag="Health",
          security=Security.NONE, errors=(),
          replies=[Reply(200, "Ready.", HealthSchema), Reply(503, "Redis or every worker is down.", HealthSchema)])
def healthz() -> tuple[Response, int]:
    redis = get_redis()
    try:
        redis.ping()
    except RedisError as error:
        return jsonify({"status": "unavailable", "redis": f"unreachable: {error}", "workers": 0}), 503
    moment = datetime.now(UTC)
    answering = 0
    for worker in Worker.all(connection=redis):
        beat = worker.last_heartbeat
        if beat is not None:
            beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
            if (moment - beat).total_seconds() <= defaults.WORKER_HEARTBEAT_FRESH_SECONDS:
                answering += 1
    status = 200 if answering else 503
    return jsonify({
        "status": "ok" if answering else "unavailable",
        "redis": "ok",
        "workers": answering,
    }), status
