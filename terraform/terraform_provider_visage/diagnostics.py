"""The one place where a failed management call becomes a Terraform diagnostic: what happened, and what to
check. Failures are the SDK's exceptions (`visage.exceptions`), whose classes already say what kind of
failure it was; Visage's error code refines the advice."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from tf.utils import Diagnostics
from visage import (
    APIConnectionError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    VisageError,
)


class NotConfigured(VisageError):
    """The provider has no client (yet): its configuration failed, or is unknown until apply."""


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
ADVICE_BY_CLASS: Mapping[type[VisageError], str] = {
    AuthenticationError: TOKEN_ADVICE,
    PermissionDeniedError: "The tenant is not allowed to do this.",
    NotFoundError: "The object does not exist (any more).",
    ConflictError: "The object already exists.",
    RateLimitError: "Visage is rate-limiting the tenant; try again later.",
}


def _attribute(target: object, attributes: Collection[str]) -> str | None:
    """Visage names fields as on the wire (`userData`); the provider's attributes are snake_case."""
    if not isinstance(target, str) or not target:
        return None
    snake = re.sub(r"(?<!^)([A-Z])", r"_\1", target).lower()
    return snake if snake in attributes else None


def _advice(error: VisageError) -> str:
    if error.code in ADVICE_BY_CODE:
        return ADVICE_BY_CODE[error.code]
    return next((ADVICE_BY_CLASS[kind] for kind in type(error).__mro__ if kind in ADVICE_BY_CLASS), "")


def _connection_failure(error: APIConnectionError) -> str:
    """The short story of a call that got no answer, e.g. "ConnectionError: ... [Errno 111] Connection refused"."""
    cause = error.__cause__ or error
    inner = cause.args[0] if cause.args else None
    # requests wraps urllib3's error, whose `reason` is the short story
    story = f"{type(cause).__name__}: {getattr(inner, 'reason', None) or cause}"
    return f"{story} ({error.attempts} attempts)" if error.attempts > 1 else story


def _summary(error: VisageError, action: str) -> str:
    if isinstance(error, AuthenticationError):
        return "Visage rejected the management token (401 Unauthorized)"
    if error.status is None or error.status < 400:
        return f"{action} failed: Visage's answer could not be read"
    return f"{action} failed: Visage answered {error.status}" + (f" {error.code}" if error.code else "")


def report(diags: Diagnostics, error: VisageError, *, action: str, endpoint: str | None,
           attributes: Collection[str] = ()) -> None:
    """Add one error diagnostic for `error`, raised while doing `action` (e.g. "Creating deployment 'face-1'")
    against Visage at `endpoint`; `attributes` are the object's, for pointing at the one Visage blames."""
    if isinstance(error, NotConfigured):
        diags.add_error("The Visage provider is not configured", f"{action} is not possible: {error.message}")
        return
    if isinstance(error, APIConnectionError):
        diags.add_error(f"Cannot reach Visage at {endpoint}",
                        f"{action} failed with a connection error: {_connection_failure(error)}\n\n{ENDPOINT_ADVICE}")
        return
    detail = f"{action}: {error.message}"
    if error.earlier_attempt_uncertain:  # the SDK's note: a retried PUT that answers 409 may have made it
        detail += "".join(f"\n\n{note}" for note in getattr(error, "__notes__", ()))
    if advice := _advice(error):
        detail += f"\n\n{advice}"
    attribute = _attribute(error.details.get("target"), attributes)
    diags.add_error(_summary(error, action), detail, path=[attribute] if attribute else None)


def is_not_found(error: VisageError) -> bool:
    """A 404 on read means the object was deleted behind Terraform's back: forget it, so plan re-creates it."""
    return isinstance(error, NotFoundError)
