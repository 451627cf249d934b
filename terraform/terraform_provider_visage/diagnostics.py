"""The one place where a failed management call becomes a Terraform diagnostic: what happened, and what to
check, keyed by HTTP status and Visage's error code."""

from __future__ import annotations

import re
from collections.abc import Collection

from tf.utils import Diagnostics

from terraform_provider_visage.client import ApiError, ClientError, NotConfigured, Unreachable

TOKEN_ADVICE = ("Check the provider's `token` argument (or VISAGE_MANAGEMENT_TOKEN): it must be the "
                "management_token that POST /signup returned for your tenant on the Visage at this endpoint.")
ENDPOINT_ADVICE = ("Check that Visage is running (`visage up`) and that the provider's `endpoint` argument (or "
                   "VISAGE_ENDPOINT) is its base URL, for example http://127.0.0.1:8080.")

ADVICE_BY_CODE = {
    "Unauthorized": TOKEN_ADVICE,
    "TenantSuspended": ("A suspended tenant can read its deployments but not change them. Ask the Visage operator "
                        "to review the tenant."),
    "DeploymentAlreadyExists": ("Choose another name, or bring the existing deployment under Terraform with "
                                "`terraform import`."),
    "LargePersonGroupExists": ("Choose another id, or bring the existing group under Terraform with "
                               "`terraform import` (id: <deployment>/<group id>)."),
    "DeploymentNotFound": "The deployment does not exist (any more): create it first, or fix its name.",
    "LargePersonGroupNotFound": "The large person group does not exist (any more).",
    "QuotaExceeded": "The tenant has as many deployments as it may have: delete one, or ask the operator.",
    "BadArgument": "Visage refused a value; see the message above.",
}
ADVICE_BY_STATUS = {
    401: TOKEN_ADVICE,
    403: "The tenant is not allowed to do this.",
    404: "The object does not exist (any more).",
    409: "The object already exists.",
    429: "Visage is rate-limiting the tenant; try again later.",
}


def _attribute(target: str | None, attributes: Collection[str]) -> str | None:
    """Visage names fields as on the wire (`userData`); the provider's attributes are snake_case."""
    if not target:
        return None
    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", target).lower()
    return snake if snake in attributes else None


def report(diags: Diagnostics, error: ClientError, *, action: str, attributes: Collection[str] = ()) -> None:
    """Add one error diagnostic for `error`, raised while doing `action` (e.g. "Creating deployment 'face-1'")."""
    if isinstance(error, NotConfigured):
        diags.add_error("The Visage provider is not configured", f"{action} is not possible: {error.reason}")
        return
    if isinstance(error, Unreachable):
        diags.add_error(f"Cannot reach Visage at {error.endpoint}",
                        f"{action} failed with a connection error: {error.reason}\n\n{ENDPOINT_ADVICE}")
        return
    if not isinstance(error, ApiError):
        diags.add_error(f"{action} failed", str(error))
        return
    if error.status == 401:
        summary = "Visage rejected the management token (401 Unauthorized)"
    else:
        summary = f"{action} failed: Visage answered {error.status} {error.code}"
    advice = ADVICE_BY_CODE.get(error.code) or ADVICE_BY_STATUS.get(error.status, "")
    detail = f"{action}: {error.message}" + (f"\n\n{advice}" if advice else "")
    attribute = _attribute(error.target, attributes)
    diags.add_error(summary, detail, path=[attribute] if attribute else None)


def is_not_found(error: ClientError) -> bool:
    """A 404 on read means the object was deleted behind Terraform's back: forget it, so plan re-creates it."""
    return isinstance(error, ApiError) and error.status == 404
