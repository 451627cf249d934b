"""The landing page (GET /) and the web console (GET /console).

The console is one page and its scripts (server/static/console*.js). In the browser it calls the
management API with a management token, or the operator API with the admin token, like any other
client: it has no API of its own. The page lists the choices its forms offer (regions, SKUs, customer
types, policy versions, ...) from the same lists the API's schemas check against.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

from server.api.contract import Reply, Security, contract
from server.api.pages import protect_pages
from server.domain import terms
from server.domain.collections import RULES
from server.domain.deployments import REGIONS
from server.schemas.admin import CUSTOMER_TYPES, DECISIONS
from server.schemas.management import SKUS
from server.schemas.policy import CAMERAS, MODES, OPERATIONS
from server.schemas.tenants import ACCESS, STATUSES
from server.schemas.trust_anchors import DEVICE_CLASSES

bp = Blueprint("console", __name__)
bp.after_request(protect_pages)

HTML = Reply(200, "An HTML page.", media_type="text/html")


@bp.get("/")
@contract(operation_id="getLandingPage", summary="The landing page: the console, signup and the API docs",
          tag="Console", security=Security.NONE, errors=(), replies=[HTML])
def landing_page() -> Response:
    return make_response(render_template("landing.html"))


@bp.get("/console")
@contract(operation_id="getConsole", summary="The web console (sign in with a management or admin token)",
          tag="Console", security=Security.NONE, errors=(), replies=[HTML],
          description="One page and its scripts; the browser keeps the token in sessionStorage and calls "
                      "/mgmt/v1 or /admin/v1 with it.")
def console_page() -> Response:
    return make_response(render_template(
        "console.html", skus=SKUS, regions=REGIONS, kinds=[(kind.value, rules.noun) for kind, rules in RULES.items()],
        operations=OPERATIONS, capture_modes=MODES, cameras=CAMERAS,
        policy_versions=[document.version for document in terms.documents()], statuses=STATUSES,
        access_reviews=ACCESS, customer_types=CUSTOMER_TYPES, decisions=DECISIONS, device_classes=DEVICE_CLASSES,
    ))
