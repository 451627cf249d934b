"""GET /healthz: 200 when Redis and at least one RQ worker answer."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import fields, validate

from server.api.contract import Reply, Security, contract, reply
from server.extensions import get_redis
from server.schemas.base import ReplySchema
from server.services.health import check_health

bp = Blueprint("health", __name__)


class HealthSchema(ReplySchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]))
    redis = fields.String(required=True)
    workers = fields.Integer(required=True, metadata={"description": "Workers whose heartbeat is recent."})


@bp.get("/healthz")
@contract(operation_id="getHealth", summary="Whether Redis and a worker answer", tag="Health",
          security=Security.NONE, errors=(),
          replies=[Reply(200, "Ready.", HealthSchema), Reply(503, "Redis or every worker is down.", HealthSchema)])
def healthz() -> Response:
    health = check_health(get_redis(retry=False))
    return reply(health, 200 if health.ready else 503)
