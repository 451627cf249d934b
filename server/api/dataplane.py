"""The data plane's one gate: every `/face/{apiVersion}/...` route declares its operation class here.

`@operation(OperationClass.X)` authenticates the deployment key, applies an injected fault if one
hits (server/services/faults.py: before anything is counted or decided, so it changes nothing),
applies the SKU's rate limit and reads the capture context headers. It then asks the terms of use
(server/services/policy.py):
- before the view runs, for the refusals no body can change (a suspended tenant);
- for an operation that uses no faces or image of its own, before the view runs, on the call alone;
- for one that does (detection, recognition, adding a face), the view asks once it has read its
  body: it reads the faces once, or examines the image once (content credentials, signals), and
  hands them to `admit`; the operation then uses the same records.
A view that should have asked and did not is a bug the gate turns into an error (and a test finds).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, current_app, g, request

from server import defaults
from server.api.contract import contract_of, current_contract
from server.domain.callers import Caller
from server.domain.capture import CaptureContext
from server.domain.faces import FaceRecord
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.errors import NotFound, Unauthenticated
from server.extensions import get_redis
from server.services import deployments, faults, limits, policy
from server.services.provenance import ImageEvidence

KEY_HEADER = "Ocp-Apim-Subscription-Key"
MISSING_KEY_MESSAGE = (
    "Access denied due to missing subscription key. Make sure to include subscription key when making "
    "requests to an API."
)

ADMITTED_BY_VIEW = RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT, OperationClass.DETECTION}
"""Operations whose decision depends on the faces or the image in their body: their view calls `admit`."""

bp = Blueprint("dataplane", __name__, url_prefix="/face/<api_version>")

View = TypeVar("View", bound=Callable[..., Any])


@bp.url_value_preprocessor
def _take_api_version(endpoint: str | None, values: dict[str, Any] | None) -> None:
    version = (values or {}).pop("api_version", None)
    declared = contract_of(current_app.view_functions[endpoint]) if endpoint else None
    if version not in (declared.api_versions if declared else defaults.API_VERSIONS):
        raise NotFound("Resource not found.", code="404")
    g.api_version = version


def operation_ids(app: Flask) -> set[str]:
    """The operationIds of every data-plane route."""
    declared = (contract_of(app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()
                if rule.endpoint.startswith(f"{bp.name}."))
    return {each.operation_id for each in declared if each is not None}


def operation_class_of(view: Callable[..., Any]) -> OperationClass | None:
    return cast(OperationClass | None, getattr(view, "operation_class", None))


def operation(operation_class: OperationClass) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            caller = _authenticate(request.headers.get(KEY_HEADER))
            g.caller = caller  # for the request log, should a fault answer now
            if (fault := faults.inject(get_redis(), caller, current_contract().operation_id)) is not None:
                g.fault_id = fault.fault_id  # a delay only: the call goes ahead, marked
            _apply_rate_limit(caller)
            g.caller = dataclasses.replace(
                caller, request_id=g.request_id, capture=CaptureContext.from_headers(dict(request.headers)),
                route=current_contract().operation_id, api_version=g.api_version)
            g.operation_class = operation_class
            g.policy_decision = None
            early = policy.refuse_early(get_redis(), g.caller, policy.Call(operation_class, collection=_collection()))
            if early is not None:
                raise early.to_error()
            if operation_class not in ADMITTED_BY_VIEW:
                admit()
            response = view(*args, **kwargs)
            if g.policy_decision is None:
                raise RuntimeError(f"{request.endpoint} answered without asking the terms of use")
            return response

        gated.operation_class = operation_class  # type: ignore[attr-defined]
        return cast(View, gated)

    return decorate


def admit(faces: Sequence[FaceRecord | None] = (), *, image: ImageEvidence | None = None,
          sensitive_attributes: tuple[str, ...] = (), collection: str | None = None) -> Caller:
    """Ask the terms of use for this call, with the faces it uses, the image it sends and the retired
    attributes it asks for: the caller when allowed, else the refusal is raised (and nothing has
    been done). `collection` is the one the body names (the path's by default), for the audit."""
    call = policy.Call(g.operation_class, faces, image, sensitive_attributes,
                       collection if collection is not None else _collection())
    decision = policy.authorize(get_redis(), g.caller, call)
    g.policy_decision = decision
    if not decision.allowed:
        raise decision.to_error()
    return current_caller()


def _collection() -> str:
    return str((request.view_args or {}).get("collection_id", ""))


def _authenticate(key: str | None) -> Caller:
    if not key:
        raise Unauthenticated(MISSING_KEY_MESSAGE)
    return deployments.authenticate_key(get_redis(), key)


def _apply_rate_limit(caller: Caller) -> None:
    configured: dict[str, tuple[int, int]] | None = current_app.config["RATE_LIMITS"]
    if configured:
        limits.take(get_redis(), f"deployment:{caller.deployment_id}", configured.get(caller.deployment.sku.value))


def current_caller() -> Caller:
    caller: Caller = g.caller
    return caller
