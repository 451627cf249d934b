"""The operator API (/admin/v1), with the admin token."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from server.api.bearer import require_admin
from server.domain.tenants import TenantStatus
from server.errors import BadArgument
from server.extensions import get_redis
from server.store.tenants import TenantRepository

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")


@bp.before_request
def _only_the_operator() -> None:
    require_admin()


@bp.get("/tenants")
def list_tenants() -> Response:
    """Every tenant, oldest first; `?status=` filters."""
    status = None
    if raw := request.args.get("status"):
        try:
            status = TenantStatus(raw)
        except ValueError:
            allowed = ", ".join(s.value for s in TenantStatus)
            raise BadArgument(f"Unknown status '{raw}'. Use one of: {allowed}.") from None
    tenants = TenantRepository(get_redis()).list(status)
    return jsonify({"value": [tenant.to_public() for tenant in tenants]})
