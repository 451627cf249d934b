"""Management token recovery, on the signup blueprint (same pages, same Content Security Policy):
GET/POST /signup/recover asks for a link by email; GET/POST /signup/recover/confirm is the link.

The link's GET only shows a button (mail scanners open links); the POST the button sends redeems it.
Both POSTs take the page's form (answering a page) or JSON (answering JSON).
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, make_response, render_template, request
from marshmallow import ValidationError

from server.api.clients import client
from server.api.contract import BodyKind, Reply, Security, contract, json_body, query_args, reply
from server.api.signup import FORM_MEDIA_TYPES, bp
from server.api.urls import base_url
from server.domain.token_recovery import LINK_LIFETIME, RecoveryLinkNotValid
from server.errors import RateLimited
from server.extensions import get_redis
from server.schemas.errors import ErrorResponseSchema
from server.schemas.recovery import (
    RecoveredTokenSchema,
    RecoveryAcceptedSchema,
    RecoveryConfirmSchema,
    RecoveryRequestSchema,
)
from server.schemas.tenants import EmailLinkQuerySchema
from server.services import token_recovery

request_form = RecoveryRequestSchema()

ACCEPTED = (f"If a tenant uses this address, an email with a link to a new management token is on its way to "
            f"it. The link works once, for {int(LINK_LIFETIME.total_seconds()) // 60} minutes.")
"""The one answer to every well-formed request, whether or not a tenant uses the address."""


@bp.get("/signup/recover")
@contract(operation_id="getRecoverTokenPage", summary="The page to ask for a new management token",
          tag="Signup", security=Security.NONE, errors=(),
          replies=[Reply(200, "An HTML form.", media_type="text/html")])
def recover_page() -> Response:
    return _request_page("", None, 200)


@bp.post("/signup/recover")
@contract(operation_id="requestTokenRecovery", summary="Ask for a new management token by email", tag="Signup",
          security=Security.NONE, body=RecoveryRequestSchema, body_kind=BodyKind.FORM_OR_JSON, errors=(),
          description="Answers 202 whether or not a tenant uses the address; a worker emails each tenant of that "
                      "mailbox a one-time link (the operator reads it in the outbox). Limited per client address "
                      "and per mailbox.",
          replies=[Reply(202, "Accepted (the same answer for any address).", RecoveryAcceptedSchema,
                         also=("text/html",)),
                   Reply(400, "Not an email address.", ErrorResponseSchema, also=("text/html",),
                         headers=("x-ms-error-code",)),
                   Reply(429, "Too many requests from this address or for this mailbox.", ErrorResponseSchema,
                         also=("text/html",), headers=("Retry-After",))])
def request_token_recovery() -> Response:
    if request.mimetype not in FORM_MEDIA_TYPES:
        _request(json_body())
        return reply({"message": ACCEPTED}, 202)
    entered = request.form.get("email", "").strip()
    try:
        _request(request_form.load({"email": entered} if entered else {}))
    except ValidationError as error:
        return _request_page(entered, _first_message(error), 400)
    except RateLimited as limited:
        page = _request_page(entered, limited.message, 429)
        page.headers.update(limited.headers)
        return page
    return make_response(render_template("recover.html", sent=ACCEPTED, email="", error=None), 202)


@bp.get("/signup/recover/confirm")
@contract(operation_id="getTokenRecoveryLink", summary="A recovery link: a page with a button", tag="Signup",
          security=Security.NONE, query=EmailLinkQuerySchema, errors=(),
          replies=[Reply(200, "A page whose button issues the new token.", media_type="text/html"),
                   Reply(400, "Unknown, used or expired link (an HTML page).", media_type="text/html")])
def token_recovery_link() -> Response:
    token = query_args()["token"]
    works = token_recovery.recovery_link_works(get_redis(), token)
    page = render_template("recover_confirm.html", token=token if works else None)
    return make_response(page, 200 if works else 400)


@bp.post("/signup/recover/confirm")
@contract(operation_id="confirmTokenRecovery", summary="Redeem a recovery link: a new management token",
          tag="Signup", security=Security.NONE, body=RecoveryConfirmSchema, body_kind=BodyKind.FORM_OR_JSON, errors=(),
          description="Issues a new management token (shown once) and revokes the old one at once. The link works "
                      "once; of several links, the first one used wins.",
          replies=[Reply(200, "The new token.", RecoveredTokenSchema, also=("text/html",)),
                   Reply(400, "Unknown, used or expired link.", ErrorResponseSchema, also=("text/html",),
                         headers=("x-ms-error-code",))])
def confirm_token_recovery() -> Response:
    if request.mimetype not in FORM_MEDIA_TYPES:
        return reply(_redeem(json_body()["token"]))
    try:
        recovered = _redeem(request.form.get("token", ""))
    except RecoveryLinkNotValid:
        return make_response(render_template("recover_confirm.html", token=None), 400)
    return make_response(render_template("recover_done.html", recovered=recovered), 200)


def _request(body: dict[str, Any]) -> None:
    token_recovery.request_recovery(get_redis(), body["email"], client=client(), base_url=base_url(),
                                    request_id=g.request_id)


def _redeem(token: str) -> token_recovery.RecoveredToken:
    return token_recovery.recover_management_token(get_redis(), token, request_id=g.request_id)


def _request_page(email: str, error: str | None, status: int) -> Response:
    return make_response(render_template("recover.html", sent=None, email=email, error=error), status)


def _first_message(error: ValidationError) -> str:
    messages = error.messages_dict.get("email", ["Not a valid email address."])
    return str(messages[0]) if isinstance(messages, list) else str(messages)
