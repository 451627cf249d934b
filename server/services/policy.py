"""Deciding a call under the terms of use: gather the facts, ask `domain.policy.decide`, audit.

`authorize` runs in the data plane's gate for every call, `authorize_job` when a worker starts a
job (the tenant may have been suspended since it was queued), and `evaluate` is the dry run of
the management API: same facts, same decision, nothing written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from flask import request
from redis import Redis

from server.domain import terms
from server.domain.audit import entry_of
from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.deployments import Deployment, DeploymentNotFound, Sku
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import PolicyDecision, PolicyRequest, decide
from server.domain.tenants import Tenant, TenantNotFound
from server.extensions import get_redis
from server.store import cadence as calls
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository
from server.store.faces import FaceRepository
from server.store.tenants import TenantRepository

FACE_ID_FIELDS = frozenset({"faceid", "faceid1", "faceid2", "faceids"})
"""Body fields (any case) that name faceIds in verify, identify, findsimilars and group."""

MAX_FACE_IDS_CHECKED = 1001
"""The most faceIds one call can carry: find-similar's probe and its 1000 candidates. A body naming
more is not looked through: it counts as doubtful provenance, which is real time for the clauses
that ask."""

AUDITED_CLASSES = RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT}
"""Decisions written to the audit trail: every recognition call, and every face added to a
collection (a face enrolled from live capture could later be searched)."""

UNKNOWN_PROVENANCE = CaptureContext()
"""Stands for faceIds whose capture context was not read: no mode, so real time (fail closed)."""


class Caller(Protocol):
    @property
    def tenant(self) -> Tenant: ...

    @property
    def deployment(self) -> Deployment: ...


def authorize(caller: Caller, operation_class: OperationClass, capture: CaptureContext,
              request_id: str, *, faces: FaceRepository) -> PolicyDecision:
    """Decide a data-plane call before its view runs; recognition decisions go to the audit trail."""
    face_ids = face_ids_in(request.get_json(force=True, silent=True)) if operation_class in RECOGNITION_CLASSES else []
    return _decide(get_redis(), caller.tenant, caller.deployment, operation_class, capture, face_ids,
                   request_id=request_id, at=now(), faces=faces)


def authorize_job(tenant_id: str, deployment_id: str, operation_class: OperationClass, redis: Redis, *,
                  capture: CaptureContext = UNKNOWN_PROVENANCE, face_ids: Sequence[str] = (),
                  job_id: str = "") -> PolicyDecision:
    """Decide again when a queued job runs, on the tenant and deployment as they are now."""
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
    return _decide(redis, tenant, deployment, operation_class, capture, face_ids,
                   request_id=f"job:{job_id}" if job_id else "job", at=at)


def evaluate(tenant: Tenant, operation_class: OperationClass, *, sku: Sku, capture: CaptureContext,
             face_ids: Sequence[str], at: datetime | None, policy_version: str | None, redis: Redis) -> PolicyDecision:
    """What `authorize` would answer for a described call, without making it, auditing it or counting it."""
    moment = at or now()
    document = terms.document(policy_version) if policy_version else terms.current(moment)
    facts = _facts(redis, tenant, sku, operation_class, capture, face_ids, moment, document, record_call=False)
    return decide(facts, document)

def face_ids_in(body: Any) -> list[str]:
    """Every faceId a JSON body names, under any casing of the field names, spelled as the views will
    look it up (a UUID in any of its spellings is the same faceId), duplicates once."""
    if not isinstance(body, Mapping):
        return []
    found: list[str] = []
    for key, value in body.items():
        if str(key).lower() in FACE_ID_FIELDS:
            found.extend(_canonical(item) for item in (value if isinstance(value, list) else [value])
                         if isinstance(item, str))
    return list(dict.fromkeys(found))


def _canonical(face_id: str) -> str:
    try:
        return str(uuid.UUID(face_id))
    except ValueError:
        return face_id


def stored_captures(faces: FaceRepository, tenant_id: str, face_ids: Sequence[str]) -> tuple[CaptureContext, ...]:
    """The capture contexts of this tenant's faceIds; unknown and other tenants' ids are the view's to refuse."""
    if len(face_ids) > MAX_FACE_IDS_CHECKED:
        return (UNKNOWN_PROVENANCE,)
    records = faces.get_many([_canonical(face_id) for face_id in face_ids]) if face_ids else []
    return tuple(record.capture for record in records if record is not None and record.tenant_id == tenant_id)


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
           face_ids: Sequence[str], at: datetime, document: terms.PolicyDocument, *,
           record_call: bool = True, faces: FaceRepository | None = None) -> PolicyRequest:
    """What the decision needs to know; faceIds and cadence matter to recognition only."""
    recognition = operation_class in RECOGNITION_CLASSES
    return PolicyRequest(
        tenant=tenant, sku=sku, operation=operation_class, capture=capture,
        face_captures=stored_captures(faces or FaceRepository(redis), tenant.tenant_id, face_ids)
        if recognition else (),
        at=at,
        recent_recognition_calls=recent_calls(redis, tenant.tenant_id, at, document, record_call=record_call)
        if recognition else 0,
    )


def _decide(redis: Redis, tenant: Tenant, deployment: Deployment, operation_class: OperationClass,
            capture: CaptureContext, face_ids: Sequence[str], *, request_id: str, at: datetime,
            faces: FaceRepository | None = None) -> PolicyDecision:
    """Decide under the policy in effect now, and audit the decision if it is about recognition."""
    document = terms.current(at)
    facts = _facts(redis, tenant, deployment.sku, operation_class, capture, face_ids, at, document, faces=faces)
    decision = decide(facts, document)
    if operation_class in AUDITED_CLASSES:
        entry = entry_of(facts, decision, request_id=request_id, deployment_id=deployment.deployment_id,
                         deployment_name=deployment.name)
        AuditLog(redis).append(entry, tenant_id=tenant.tenant_id, at_ms=int(at.timestamp() * 1000))
    return decision
