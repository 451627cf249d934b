"""Self-service signup: GET /signup (the page), POST /signup (the page's form, or JSON), and the
email verification link, GET /signup/verify."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request
from marshmallow import ValidationError

from server.api.clients import limit_per_address
from server.api.contract import BodyKind, Reply, Security, contract, json_body, query_args, reply
from server.api.envelope import validation_error
from server.api.pages import protect_pages
from server.api.urls import base_url
from server.domain import terms
from server.domain.clock import now
from server.domain.tenants import CustomerType, TenantStatus, countries
from server.domain.use_cases import use_cases
from server.errors import RateLimited
from server.extensions import get_redis
from server.schemas.errors import ErrorResponseSchema
from server.schemas.management import DeploymentSchema
from server.schemas.signup import SignupSchema
from server.schemas.tenants import EmailLinkQuerySchema, SignupResultSchema
from server.services import tenants

bp = Blueprint("signup", __name__)

signup_form = SignupSchema()

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
"""A POST /signup in these is the page's form (answered with a page); anything else is the JSON API."""

bp.after_request(protect_pages)


@bp.get("/signup")
@contract(operation_id="getSignupPage", summary="The signup page", tag="Signup", security=Security.NONE,
          errors=(), replies=[Reply(200, "An HTML form.", media_type="text/html")])
def signup_page() -> Response:
    return _form_page({}, {}, 200)


@bp.post("/signup")
@contract(operation_id="signUp", summary="Sign up a tenant (JSON, or the page's form)", tag="Signup",
          security=Security.NONE, body=SignupSchema, body_kind=BodyKind.FORM_OR_JSON, errors=(),
          description="JSON answers JSON. The page's form (application/x-www-form-urlencoded) answers an HTML "
                      "page: the keys on success (201), the form with errors beside the fields (400).",
          replies=[Reply(201, "The tenant, its management token and starter deployment (shown once).",
                         SignupResultSchema, also=("text/html",)),
                   Reply(400, "A field is missing or wrong.", ErrorResponseSchema, also=("text/html",),
                         headers=("x-ms-error-code",)),
                   Reply(429, "Too many signups from this address.", ErrorResponseSchema, also=("text/html",),
                         headers=("Retry-After",))])
def sign_up() -> Response:
    if request.mimetype in FORM_MEDIA_TYPES:
        return _sign_up_from_page()
    limit_per_address("signup", current_app.config["SIGNUP_RATE_LIMIT"])
    return reply(_create(json_body()), 201)


@bp.get("/signup/verify")
@contract(operation_id="verifyEmail", summary="The email verification link", tag="Signup", security=Security.NONE,
          query=EmailLinkQuerySchema, errors=(),
          replies=[Reply(200, "Verified (an HTML page).", media_type="text/html"),
                   Reply(400, "Unknown, used or expired link (an HTML page).", media_type="text/html")])
def verify_email() -> Response:
    tenant = tenants.verify_email(get_redis(), query_args()["token"])
    if tenant is None:
        return make_response(render_template("email_verified.html", tenant=None), 400)
    suspended = tenant.status is TenantStatus.SUSPENDED
    return make_response(render_template("email_verified.html", tenant=tenant, suspended=suspended), 200)


def _sign_up_from_page() -> Response:
    entered = _entered_values()
    try:
        limit_per_address("signup", current_app.config["SIGNUP_RATE_LIMIT"])
    except RateLimited as limited:
        page = _form_page(entered, {"form": limited.message}, 429)
        page.headers.update(limited.headers)
        return page
    try:
        form = signup_form.load(entered)
    except ValidationError as error:
        return _form_page(entered, _field_errors(error), 400)
    result = _create(form)
    done = render_template(
        "signup_done.html",
        tenant=result.tenant,
        management_token=result.management_token,
        deployment=DeploymentSchema().dump(result.deployment),
    )
    return make_response(done, 201)


def _create(form: dict[str, Any]) -> tenants.SignupResult:
    auto_approved = [CustomerType(value) for value in current_app.config["AUTO_APPROVED_CUSTOMER_TYPES"]]
    return tenants.sign_up(get_redis(), form, base_url=base_url(), auto_approved=auto_approved)


def _entered_values() -> dict[str, Any]:
    """The page's fields as the JSON API names them; an empty field is a missing one."""
    entered: dict[str, Any] = {
        name: request.form.get(name, "").strip()
        for name in ("organization", "email", "customer_type", "country")
        if request.form.get(name, "").strip()
    }
    entered["use_cases"] = request.form.getlist("use_cases")
    entered["accept_terms"] = request.form.get("accept_terms") == "yes"
    entered["no_policing_function"] = request.form.get("no_policing_function") == "yes"
    return entered


def _field_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in validation_error(error).details.get("details", []):
        errors.setdefault(detail["target"], detail["message"])
    return errors


def _form_page(values: dict[str, Any], errors: dict[str, str], status: int) -> Response:
    page = render_template(
        "signup.html",
        countries=countries(),
        customer_types=[member.value for member in CustomerType],
        use_cases=use_cases(),
        policy=terms.current(now()),
        values=values,
        errors=errors,
    )
    return make_response(page, status)
