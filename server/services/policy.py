"""Deciding a call under the terms of use: gather the facts, ask `domain.policy.decide`, audit.

`authorize` decides a data-plane call with what it uses: the faces the view read once, the image it
sends (examined once: its content credentials and the signals a caller cannot choose), the
attributes it asks to infer. `refuse_early` takes, before a view reads anything, the refusals no
body can change; `authorize_job` decides again when a worker starts a job (the tenant may have
been suspended since it was queued), and `frame_decider` each sampled frame of the footage it
analyses; and `evaluate` is the management API's dry run: same facts, same decision, nothing
written. None of them knows HTTP.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

from redis import Redis

from server.domain import terms
from server.domain.audit import policy_decision_event
from server.domain.callers import Caller
from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.deployments import DeploymentNotFound, Sku
from server.domain.faces import FaceRecord
from server.domain.linking import organization_link_keys
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import PolicyDecision, PolicyRequest, decide, standing_refusal
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.domain.provenance_policy import frame_provenance, uses_provenance
from server.domain.tenants import Tenant, TenantNotFound
from server.services import telemetry
from server.services.policy_in_force import document_in_force
from server.services.provenance import ImageEvidence, as_trusted_now
from server.services.signals import count_faces
from server.store import cadence as calls
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository
from server.store.faces import FaceRepository
from server.store.tenants import TenantRepository

AUDITED_CLASSES = RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT}
"""Decisions written to the audit trail, allowed or refused: every recognition call, and every face
added to a collection (a face enrolled from live capture could later be searched). Every refusal of
any other call is written too; a detection that went ahead is written by the detection service,
with the faceIds it made."""

COUNTED_CLASSES = RECOGNITION_CLASSES | {OperationClass.FACE_ENROLLMENT}
"""Operations whose faces count towards the live-stream throughput when they are decided (detect
counts its faces once it has found them)."""


@dataclasses.dataclass(frozen=True)
class Call:
    """What a decision is about, besides who calls: the faces used, the image sent, the retired
    attributes asked for, and the collection named (for the audit trail)."""

    operation: OperationClass
    faces: Sequence[FaceRecord | None] = ()
    image: ImageEvidence | None = None
    sensitive_attributes: tuple[str, ...] = ()
    collection: str = ""
    footage: tuple[Provenance, ...] = ()
    """Recorded material a job works on (a video), as provenance: its faces count as faces the call uses."""
    images: tuple[ImageEvidence, ...] = ()
    """Images whose faces the call uses directly, with no faceId in between (Rekognition's
    SearchFacesByImage and CompareFaces): each counts as a face the call uses, with its provenance
    and its doubts."""


def authorize(redis: Redis, caller: Caller, call: Call) -> PolicyDecision:
    """Decide a data-plane call; the decision goes to the audit trail."""
    return _authorize(redis, caller, call, counted=True)


def _authorize(redis: Redis, caller: Caller, call: Call, *, counted: bool) -> PolicyDecision:
    """Decide; a call `counted` counts towards the cadences and its decision is audited, one that is
    part of a call already decided (a frame of a job) is audited only when refused."""
    at = now()
    document = document_in_force(redis, at)
    facts = _facts(redis, caller.tenant, caller.deployment.sku, caller.capture, call, at, document, record=counted)
    decision = decide(facts, document)
    telemetry.count_policy_decision(decision.allowed, decision.clause or decision.code, call.operation.value)
    if (counted and call.operation in AUDITED_CLASSES) or not decision.allowed:
        AuditLog(redis).append_event(policy_decision_event(
            facts, decision, request_id=caller.request_id, deployment_id=caller.deployment_id,
            deployment_name=caller.deployment.name, route=caller.route, api_version=caller.api_version,
            collection=call.collection, outcome_status=None if decision.allowed else
            caller.refusal_status or decision.to_error().kind.value))
    return decision


def refuse_early(redis: Redis, caller: Caller, call: Call) -> PolicyDecision | None:
    """The decision, when it is a refusal that nothing in the body could change (a suspended tenant),
    so that it is taken and audited before the view reads the body; None otherwise."""
    if standing_refusal(caller.tenant, terms.current(now())) is None:
        return None
    return authorize(redis, caller, call)


def authorize_job(redis: Redis, tenant_id: str, deployment_id: str, operation_class: OperationClass, *,
                  capture: CaptureContext | None = None, footage: tuple[Provenance, ...] = (),
                  job_id: str = "") -> PolicyDecision:
    """Decide again when a queued job runs, on the tenant and deployment as they are now, with what
    was said (`capture`) and what is shown (`footage`: content credentials) of the material it works
    on; a recognition job with neither counts as live."""
    caller = _job_caller(redis, tenant_id, deployment_id, capture, job_id)
    if isinstance(caller, PolicyDecision):
        return caller
    return authorize(redis, caller, Call(operation_class, footage=footage))


def frame_decider(redis: Redis, tenant_id: str, deployment_id: str, operation_class: OperationClass,
                  footage: Provenance, *, job_id: str = "") -> Callable[[int], PolicyDecision]:
    """How each sampled frame of recorded footage is decided once its job was: like the job, on the
    frame's own capture time (the footage's c2pa.created plus the frame's timestamp, in ms), at the
    moment the frame is reached. A frame is not counted again towards the live-stream throughput (its
    job was), and goes to the audit trail only when refused."""
    caller = _job_caller(redis, tenant_id, deployment_id, None, job_id)

    def decide_frame(timestamp_ms: int) -> PolicyDecision:
        if isinstance(caller, PolicyDecision):
            return caller
        return _authorize(redis, caller, Call(operation_class, footage=(frame_provenance(footage, timestamp_ms),)),
                          counted=False)

    return decide_frame


def _job_caller(redis: Redis, tenant_id: str, deployment_id: str, capture: CaptureContext | None,
                job_id: str) -> Caller | PolicyDecision:
    """Who a job acts for, as they are now; the refusal when the tenant or the deployment is gone."""
    document = document_in_force(redis, now())
    tenant = TenantRepository(redis).get(tenant_id)
    if tenant is None:
        return PolicyDecision(False, TenantNotFound.code, None, document.version, TenantNotFound.message, None,
                              ("the tenant no longer exists",))
    deployment = next((d for d in DeploymentRepository(redis).list(tenant_id) if d.deployment_id == deployment_id),
                      None)
    if deployment is None:
        return PolicyDecision(False, DeploymentNotFound.code, None, document.version, "Deployment is not found.",
                              None, ("the deployment no longer exists",))
    return Caller(tenant, deployment, f"job:{job_id}" if job_id else "job", capture or CaptureContext())


def evaluate(redis: Redis, tenant: Tenant, operation_class: OperationClass, *, sku: Sku, capture: CaptureContext,
             face_ids: Sequence[str], at: datetime | None, policy_version: str | None) -> PolicyDecision:
    """What `authorize` would answer for a described call, without making it, auditing it or counting it."""
    moment = at or now()
    document = terms.document(policy_version) if policy_version else document_in_force(redis, moment, record=False)
    faces = FaceRepository(redis).get_many(list(dict.fromkeys(face_ids)))
    facts = _facts(redis, tenant, sku, capture, Call(operation_class, faces), moment, document, record=False)
    return decide(facts, document)


def _facts(redis: Redis, tenant: Tenant, sku: Sku, capture: CaptureContext, call: Call, at: datetime,
           document: terms.PolicyDocument, *, record: bool) -> PolicyRequest:
    """What the decision needs to know. The faces are this tenant's only: unknown and other tenants'
    ids are the operation's to refuse, and say nothing here."""
    owned = [face for face in call.faces if face is not None and face.tenant_id == tenant.tenant_id]
    image = call.image
    counted = call.operation in COUNTED_CLASSES
    shown = [*call.footage, *(sent.provenance for sent in call.images)]
    return PolicyRequest(
        tenant=tenant, sku=sku, operation=call.operation, capture=capture,
        face_captures=tuple(face.capture for face in owned) + (capture,) * len(shown),
        at=at,
        recent_recognition_calls=(_recent_calls(redis, tenant, at, document, record=record)
                                  if call.operation in RECOGNITION_CLASSES else 0),
        provenance=image.provenance if image else NO_PROVENANCE,
        face_provenances=as_trusted_now(redis, [*(face.provenance for face in owned), *shown]),
        doubts=tuple(dict.fromkeys([*(image.doubts if image else ()), *(d for sent in call.images for d in sent.doubts),
                                    *(d for face in owned for d in face.doubts)])),
        recent_faces=_recent_faces(redis, tenant, call, owned, document, record=record) if counted else 0,
        sensitive_attributes=call.sensitive_attributes,
    )


def _recent_faces(redis: Redis, tenant: Tenant, call: Call, owned: Sequence[FaceRecord],
                  document: terms.PolicyDocument, *, record: bool) -> int:
    """Distinct faces the tenant (or its organization) handled in the cadence window, this call's included."""
    cadence = document.settings.get("realtime_cadence")
    if not cadence or not uses_provenance(document.settings):
        return 0
    faces = [face.face_id for face in owned] + [sent.identity for sent in (call.image, *call.images) if sent]
    return count_faces(redis, tenant.tenant_id, faces, window_seconds=int(cadence["seconds"]),
                       organizations=organization_link_keys(tenant), record=record)


def _recent_calls(redis: Redis, tenant: Tenant, at: datetime, document: terms.PolicyDocument, *,
                  record: bool) -> int:
    """Calls in the cadence window, this one included, for the versions that count calls (2024-05)."""
    cadence = document.settings.get("realtime_cadence")
    if not cadence or uses_provenance(document.settings):
        return 1
    at_ms, window_ms = int(at.timestamp() * 1000), int(cadence["seconds"]) * 1000
    if record:
        return calls.record_and_count(redis, tenant.tenant_id, at_ms, window_ms)
    return calls.count(redis, tenant.tenant_id, at_ms, window_ms) + 1
