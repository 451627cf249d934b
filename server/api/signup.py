"""Self-service signup: GET /signup (the page) and POST /signup (JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from server.api import bodies
from server.api.clients import limit_per_address
from server.domain import terms
from server.domain.clock import now
from server.domain.tenants import CustomerType, countries
from server.domain.use_cases import use_cases
from server.extensions import get_redis
from server.schemas.signup import SignupSchema
from server.services import tenants as tenant_service
from server.store.tenants import TenantRepository

bp = Blueprint("signup", __name__)

signup_form = SignupSchema()


@bp.get("/signup")
def signup_page() -> str:
    return render_template(
        "signup.html",
        countries=countries(),
        customer_types=[member.value for member in CustomerType],
        use_cases=use_cases(),
        policy=terms.current(now()),
        values={},
        errors={},
    )


@bp.post("/signup")
def sign_up() -> tuple[Response, int]:
    limit_per_address("signup", current_app.config["SIGNUP_RATE_LIMIT"])
    form = signup_form.load(bodies.json_object())
    result = tenant_service.sign_up(form, tenants=TenantRepository(get_redis()))
    return jsonify({
        "tenant_id": result.tenant.tenant_id,
        "status": result.tenant.status.value,
        "limited_access": result.tenant.access.value,
        "management_token": result.management_token,
        "tenant": result.tenant.to_public(),
    }), 201
