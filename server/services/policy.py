"""Deciding a call under the terms of use: gather the facts, ask `domain.policy.decide`, audit.

`authorize` decides a data-plane call with the faces it uses (the view read them once and hands
them over); `refuse_early` takes, before a view reads anything, the refusals no body can change;
`authorize_job` decides again when a worker starts a job (the tenant may have been suspended since
it was queued); and `evaluate` is the management API's dry run: same facts, same decision, nothing
written. None of them knows HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from redis import Redis

from server.domain import terms
from server.domain.audit import entry_of
from server.domain.callers import Caller
from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.deployments import DeploymentNotFound, Sku
from server.domain.faces import FaceRecord
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import PolicyDecision, PolicyRequest, decide, standing_refusal
from server.domain.tenants import Tenant, TenantNotFound
from server.store import cadence as calls
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository
from server.store.faces import FaceRepository
from server.store.tenants import TenantRepository

AUDITED_CLASSES = RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT}
"""Decisions written to the audit trail: every recognition call, and every face added to a
collection (a face enrolled from live capture could later be searched)."""


def authorize(redis: Redis, caller: Caller, operation_class: OperationClass, *,
              faces: Sequence[FaceRecord | None] = ()) -> PolicyDecision:
    """Decide a data-plane call on the faces it uses; recognition decisions go to the audit trail."""
    return _decide(redis, caller, operation_class, _captures(caller.tenant, faces), at=now())


def refuse_early(redis: Redis, caller: Caller, operation_class: OperationClass) -> PolicyDecision | None:
    """The decision, when it is a refusal that nothing in the body could change (a suspended tenant),
    so that it is taken and audited before the view reads the body; None otherwise."""
    at = now()
    if standing_refusal(caller.tenant, terms.current(at)) is None:
        return None
    return _decide(redis, caller, operation_class, (), at=at)


def authorize_job(redis: Redis, tenant_id: str, deployment_id: str, operation_class: OperationClass, *,
                  capture: CaptureContext | None = None, job_id: str = "") -> PolicyDecision:
    """Decide again when a queued job runs, on the tenant and deployment as they are now, with the
    capture context of the material it works on (none known counts as live)."""
    at = now()
    document = terms.current(at)
    tenant = TenantRepository(redis).get(tenant_id)
    if tenant is None:
        return PolicyDecision(False, TenantNotFound.code, None, document.version, TenantNotFound.message, None,
                              ("the tenant no longer exists",))
    deployment = next((d for d in DeploymentRepository(redis).list(tenant_id) if d.deployment_id == deployment_id),
                      None)
    if deployment is None:
        return PolicyDecision(False, DeploymentNotFound.code, None, document.version, "Deployment is not found.",
                              None, ("the deployment no longer exists",))
    caller = Caller(tenant, deployment, f"job:{job_id}" if job_id else "job", capture or CaptureContext())
    return _decide(redis, caller, operation_class, (), at=at)


def evaluate(redis: Redis, tenant: Tenant, operation_class: OperationClass, *, sku: Sku, capture: CaptureContext,
             face_ids: Sequence[str], at: datetime | None, policy_version: str | None) -> PolicyDecision:
    """What `authorize` would answer for a described call, without making it, auditing it or counting it."""
    moment = at or now()
    document = terms.document(policy_version) if policy_version else terms.current(moment)
    faces = FaceRepository(redis).get_many(list(dict.fromkeys(face_ids)))
    facts = _facts(redis, tenant, sku, operation_class, capture, _captures(tenant, faces), moment, document,
                   record_call=False)
    return decide(facts, document)


def _captures(tenant: Tenant, faces: Sequence[FaceRecord | None]) -> tuple[CaptureContext, ...]:
    """The capture contexts of this tenant's faces; unknown and other tenants' ids are the operation's
    to refuse, and say nothing here."""
    return tuple(face.capture for face in faces if face is not None and face.tenant_id == tenant.tenant_id)


def recent_calls(redis: Redis, tenant_id: str, at: datetime, document: terms.PolicyDocument, *,
                 record_call: bool) -> int:
    """This tenant's recognition calls in the policy's cadence window ending now, this one included.
    A real call is recorded in the same atomic step as the count; the dry run only counts."""
    cadence = document.settings.get("realtime_cadence")
    if not cadence:
        return 1
    at_ms, window_ms = int(at.timestamp() * 1000), int(cadence["seconds"]) * 1000
    if record_call:
        return calls.record_and_count(redis, tenant_id, at_ms, window_ms)
    return calls.count(redis, tenant_id, at_ms, window_ms) + 1


def _facts(redis: Redis, tenant: Tenant, sku: Sku, operation_class: OperationClass, capture: CaptureContext,
           face_captures: tuple[CaptureContext, ...], at: datetime, document: terms.PolicyDocument, *,
           record_call: bool = True) -> PolicyRequest:
    """What the decision needs to know; faces and cadence matter to recognition only."""
    recognition = operation_class in RECOGNITION_CLASSES
    return PolicyRequest(
        tenant=tenant, sku=sku, operation=operation_class, capture=capture,
        face_captures=face_captures if recognition else (),
        at=at,
        recent_recognition_calls=recent_calls(redis, tenant.tenant_id, at, document, record_call=record_call)
        if recognition else 0,
    )


def _decide(redis: Redis, caller: Caller, operation_class: OperationClass,
            face_captures: tuple[CaptureContext, ...], *, at: datetime) -> PolicyDecision:
    """Decide under the policy in effect now, and audit the decision if it is about recognition."""
    document = terms.current(at)
    facts = _facts(redis, caller.tenant, caller.deployment.sku, operation_class, caller.capture, face_captures, at,
                   document)
    decision = decide(facts, document)
    if operation_class in AUDITED_CLASSES:
        entry = entry_of(facts, decision, request_id=caller.request_id, deployment_id=caller.deployment_id,
                         deployment_name=caller.deployment.name)
        AuditLog(redis).append(entry, tenant_id=caller.tenant_id, at_ms=int(at.timestamp() * 1000))
    return decision


