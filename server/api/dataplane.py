"""The data plane's one gate: `/face/{apiVersion}/...` routes declare their operation class here.

`@operation(OperationClass.X)` authenticates the deployment key, applies the SKU's rate limit,
reads the capture context headers, asks the terms of use (services/policy.authorize) and refuses
the call before the view runs when they say no, and records the operation class on the view,
where tests find it. A data-plane view without it is a bug that a test catches.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, current_app, g, request

from server import defaults
from server.domain.capture import CaptureContext
from server.domain.deployments import Deployment
from server.domain.operations import OperationClass
from server.domain.tenants import Tenant
from server.errors import NotFound, RateLimited, Unauthenticated
from server.extensions import get_redis
from server.services import policy
from server.store import ratelimit
from server.store.deployments import DeploymentRepository
from server.store.faces import FaceRepository
from server.store.tenants import TenantRepository

KEY_HEADER = "Ocp-Apim-Subscription-Key"
MISSING_KEY_MESSAGE = (
    "Access denied due to missing subscription key. Make sure to include subscription key when making "
    "requests to an API."
)

bp = Blueprint("dataplane", __name__, url_prefix="/face/<api_version>")

View = TypeVar("View", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class Caller:
    tenant: Tenant
    deployment: Deployment


@bp.url_value_preprocessor
def _take_api_version(endpoint: str | None, values: dict[str, Any] | None) -> None:
    version = (values or {}).pop("api_version", None)
    if version not in defaults.API_VERSIONS:
        raise NotFound("Resource not found.", code="404")
    g.api_version = version


def operation_class_of(view: Callable[..., Any]) -> OperationClass | None:
    return cast(OperationClass | None, getattr(view, "operation_class", None))


def operation(operation_class: OperationClass) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            g.caller = authenticate(request.headers.get(KEY_HEADER))
            g.operation_class = operation_class
            _apply_rate_limit(g.caller)
            g.capture = CaptureContext.from_headers(dict(request.headers))
            g.face_reads = FaceRepository(get_redis(), remember=True)
            g.policy_decision = policy.authorize(g.caller, operation_class, g.capture, g.request_id,
                                                 faces=g.face_reads)
            if not g.policy_decision.allowed:
                raise g.policy_decision.to_error()
            return view(*args, **kwargs)

        gated.operation_class = operation_class  # type: ignore[attr-defined]
        return cast(View, gated)

    return decorate


def authenticate(key: str | None) -> Caller:
    if not key:
        raise Unauthenticated(MISSING_KEY_MESSAGE)
    redis = get_redis()
    deployment = DeploymentRepository(redis).by_api_key(key.strip())
    if deployment is None:
        raise Unauthenticated()
    tenant = TenantRepository(redis).get(deployment.tenant_id)
    if tenant is None:
        raise Unauthenticated()
    return Caller(tenant=tenant, deployment=deployment)


def _apply_rate_limit(caller: Caller) -> None:
    limits: dict[str, tuple[int, int]] | None = current_app.config["RATE_LIMITS"]
    if not limits or caller.deployment.sku.value not in limits:
        return
    calls, seconds = limits[caller.deployment.sku.value]
    retry_after = ratelimit.hit(get_redis(), f"deployment:{caller.deployment.deployment_id}", calls, seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)


def current_caller() -> Caller:
    caller: Caller = g.caller
    return caller


def current_face_reads() -> FaceRepository:
    """The faceIds this request has read so far (the gate read those the body names)."""
    faces: FaceRepository = g.face_reads
    return faces


def current_capture() -> CaptureContext:
    capture: CaptureContext = g.capture
    return capture
