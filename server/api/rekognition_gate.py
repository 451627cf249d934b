"""The Rekognition surface's gate: who signed the request, and what the terms of use say.

The same steps as the Azure data plane's gate (server/api/dataplane.py), with Signature Version 4
instead of the key header: the deployment is found by its signature (services/signing.py), the
SKU's rate limit applies, the capture headers are read, and a refusal no body can change (a
suspended tenant) is taken first. Then every operation is decided by the one decision function
(services/policy.py), with the same audit:
- on the call alone, for an operation that uses no faces or images (collections, job results);
- by its handler, for one that does: it examines its images once, or reads its faces once, and
  hands them to `admit`; the service then uses the same records;
- by the worker, for a video search: the footage is read there, and its provenance decides.
An operation that answered without the decision its row declares is a bug, turned into an error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import quote

from flask import current_app, g, request

from server.api.rekognition_errors import refusal
from server.domain import sigv4
from server.domain.aws_errors import AccessDeniedException
from server.domain.callers import Caller
from server.domain.capture import CaptureContext
from server.domain.operations import OperationClass
from server.domain.provenance import Provenance
from server.extensions import get_redis
from server.services import limits, policy, signing
from server.services.provenance import ImageEvidence

SERVICE = "rekognition"
API_VERSION = "2016-06-27"
TARGET_PREFIX = "RekognitionService."


def authenticate(body: bytes, target: str) -> Caller:
    """The caller whose deployment key signed this request (for the operation X-Amz-Target names);
    `g.region` is the region it signed for."""
    received = sigv4.HttpRequest(request.method, _raw_path(), request.query_string.decode("latin-1"),
                                 tuple(request.headers.items()), body)
    caller, region = signing.authenticate_signature(get_redis(), received, service=SERVICE)
    configured: dict[str, tuple[int, int]] | None = current_app.config["RATE_LIMITS"]
    if configured:
        limits.take(get_redis(), f"deployment:{caller.deployment_id}", configured.get(caller.deployment.sku.value))
    g.region = region
    g.caller = dataclasses.replace(caller, request_id=g.request_id,
                                   capture=CaptureContext.from_headers(dict(request.headers)),
                                   route=target[:100], api_version=API_VERSION,
                                   refusal_status=AccessDeniedException.kind.value)
    return current_caller()


def begin(operation_class: OperationClass) -> None:
    """Before the operation reads its body: the refusals that hold whatever it says."""
    g.operation_class = operation_class
    g.policy_decision = None
    early = policy.refuse_early(get_redis(), current_caller(), policy.Call(operation_class))
    if early is not None:
        g.policy_decision = early
        raise refusal(early)


def admit(*, image: ImageEvidence | None = None, images: Sequence[ImageEvidence] = (),
          footage: Sequence[Provenance] = (), sensitive_attributes: Sequence[str] = (),
          collection: str = "") -> Caller:
    """Ask the terms of use for this call with what it uses: the caller when allowed, else the
    refusal is raised (and nothing has been done)."""
    call = policy.Call(g.operation_class, image=image, images=tuple(images), footage=tuple(footage),
                       sensitive_attributes=tuple(sensitive_attributes), collection=collection)
    decision = policy.authorize(get_redis(), current_caller(), call)
    g.policy_decision = decision
    if not decision.allowed:
        raise refusal(decision, sensitive_attributes)
    return current_caller()


def decided() -> bool:
    return g.get("policy_decision") is not None


def current_caller() -> Caller:
    caller: Caller = g.caller
    return caller


def region() -> str:
    return str(g.region)


def _raw_path() -> str:
    """The path as the client sent it (still percent-encoded), which is what it signed."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(request.path)
