"""Audit events: every decision that matters, as flat string fields with a `kind`.

Kinds: a policy decision on recognition or enrollment, a detect call (with the capture context and
provenance its faceIds will carry), a call's outcome status, an operator's review, correction,
suspension or reinstatement, a change to the trust list, a management token recovered by email, and
a media job (a redaction) submitted, ended or deleted. The chain that makes them tamper-evident is
server/domain/audit_chain.py; the stream is server/store/audit.py.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from server.domain.capture import CaptureContext
from server.domain.clock import format_time
from server.domain.media_jobs import MediaJob
from server.domain.operations import OperationClass
from server.domain.policy import PolicyDecision, PolicyRequest
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.domain.tenants import Decision, Tenant

JSON_FIELDS = frozenset({"reasons", "face_provenance", "provenance", "face_ids", "details", "doubts"})
"""Fields stored as JSON text and shown decoded."""


class AuditKind(enum.StrEnum):
    POLICY_DECISION = "policy_decision"
    DETECT = "detect"
    CALL_OUTCOME = "call_outcome"
    OPERATOR_REVIEW = "operator_review"
    OPERATOR_CORRECTION = "operator_correction"
    OPERATOR_SUSPENSION = "operator_suspension"
    OPERATOR_REINSTATEMENT = "operator_reinstatement"
    TRUST_LIST_CHANGE = "trust_list_change"
    MANAGEMENT_TOKEN_RECOVERY = "management_token_recovery"
    MEDIA_JOB = "media_job"


OPERATOR_KINDS = {
    "approve": AuditKind.OPERATOR_REVIEW,
    "reject": AuditKind.OPERATOR_REVIEW,
    "review_again": AuditKind.OPERATOR_REVIEW,
    "correct_customer_type": AuditKind.OPERATOR_CORRECTION,
    "correct_country": AuditKind.OPERATOR_CORRECTION,
    "suspend": AuditKind.OPERATOR_SUSPENSION,
    "reinstate": AuditKind.OPERATOR_REINSTATEMENT,
}
"""The audit kind of each decision an operator records on a tenant (domain/review.py, lifecycle.py)."""


@dataclasses.dataclass(frozen=True)
class AuditEvent:
    kind: AuditKind
    at: datetime
    fields: Mapping[str, str]
    tenant_id: str = ""
    """The tenant the event is about, whose own audit read shows it; "" for none (trust-list changes)."""

    def entry(self) -> dict[str, str]:
        return {"kind": self.kind.value, "time": format_time(self.at), "tenant_id": self.tenant_id,
                **self.fields}


def policy_decision_event(
    request: PolicyRequest,
    decision: PolicyDecision,
    *,
    request_id: str,
    deployment_id: str,
    deployment_name: str,
    route: str = "",
    api_version: str = "",
    collection: str = "",
    outcome_status: int | None = None,
) -> AuditEvent:
    """`route` is the operationId, `collection` the person group or face list, `outcome_status` the
    HTTP status when known at decision time. What the content credentials of the call's image (an
    enrollment) and of each face it used showed, the doubts of the signals a caller cannot choose,
    and the faces counted in the cadence window go in too, for every tenant."""
    return AuditEvent(AuditKind.POLICY_DECISION, request.at, tenant_id=request.tenant.tenant_id, fields={
        "request_id": request_id,
        "customer_type": request.tenant.customer_type.value,
        "country": request.tenant.country,
        "deployment_id": deployment_id,
        "deployment": deployment_name,
        "sku": request.sku.value,
        "operation": request.operation.value,
        "route": route,
        "api_version": api_version,
        "collection": collection,
        **_capture(request.capture),
        "face_modes": ",".join(face.mode.value if face.mode else "none" for face in request.face_captures),
        "provenance": _json(provenance_summary(request.provenance)),
        "face_provenance": _json([provenance_summary(provenance or NO_PROVENANCE) for _, provenance in
                                  itertools.zip_longest(request.face_captures, request.face_provenances)]),
        "doubts": _json(list(request.doubts)),
        "recent_calls": str(request.recent_recognition_calls),
        "recent_faces": str(request.recent_faces),
        "realtime": "" if decision.realtime is None else str(decision.realtime).lower(),
        "decision": "allowed" if decision.allowed else "refused",
        "code": decision.code or "",
        "clause": decision.clause or "",
        "policy_version": decision.policy_version,
        "reasons": _json(list(decision.reasons)),
        "outcome_status": "" if outcome_status is None else str(outcome_status),
        **_development(request.tenant),
    })


def detect_event(
    tenant: Tenant,
    *,
    at: datetime,
    request_id: str,
    deployment_id: str,
    deployment_name: str,
    capture: CaptureContext,
    provenance: Provenance,
    face_ids: Sequence[str],
    doubts: Sequence[str] = (),
    route: str = "",
    api_version: str = "",
    outcome_status: int | None = None,
) -> AuditEvent:
    """A detect call: the capture context and provenance that its faceIds will carry."""
    return AuditEvent(AuditKind.DETECT, at, tenant_id=tenant.tenant_id, fields={
        "request_id": request_id,
        "customer_type": tenant.customer_type.value,
        "country": tenant.country,
        "deployment_id": deployment_id,
        "deployment": deployment_name,
        "route": route,
        "api_version": api_version,
        **_capture(capture),
        "provenance": _json(provenance_summary(provenance)),
        "doubts": _json(list(doubts)),
        "face_ids": _json(list(face_ids)),
        "outcome_status": "" if outcome_status is None else str(outcome_status),
        **_development(tenant),
    })


def call_outcome_event(*, tenant_id: str, at: datetime, request_id: str, route: str, api_version: str,
                       status: int) -> AuditEvent:
    """How a call that was decided earlier ended (its policy decision shares the request_id)."""
    return AuditEvent(AuditKind.CALL_OUTCOME, at, tenant_id=tenant_id, fields={
        "request_id": request_id, "route": route, "api_version": api_version, "outcome_status": str(status)})


def operator_event(tenant: Tenant, decision: Decision) -> AuditEvent:
    """One decision the operator recorded on a tenant, with where the tenant stands after it."""
    return AuditEvent(OPERATOR_KINDS[decision.decision], decision.at, tenant_id=tenant.tenant_id, fields={
        "action": decision.decision,
        "reason": decision.reason,
        "by": decision.by,
        "customer_type": tenant.customer_type.value,
        "country": tenant.country,
        "status": tenant.status.value,
        "limited_access": tenant.access.value,
    })


def trust_list_event(action: str, anchor: Mapping[str, object], *, at: datetime, by: str = "operator") -> AuditEvent:
    """A capture-device certificate authority added to or removed from the trust list. `anchor` holds
    what identifies it (id, name, device_class, the certificate's SHA-256 fingerprint)."""
    return AuditEvent(AuditKind.TRUST_LIST_CHANGE, at, fields={"action": action, "by": by,
                                                               "details": _json(dict(anchor))})


def token_recovery_event(tenant: Tenant, action: str, *, at: datetime, request_id: str = "") -> AuditEvent:
    """A step of a management-token recovery (domain/token_recovery.py): a link sent to the tenant's
    address, or the token replaced through one (the old one then stops working)."""
    return AuditEvent(AuditKind.MANAGEMENT_TOKEN_RECOVERY, at, tenant_id=tenant.tenant_id, fields={
        "request_id": request_id,
        "action": action,
        "by": f"email link to {tenant.email}",
        "status": tenant.status.value,
    })


class MediaJobAction(enum.StrEnum):
    SUBMITTED = "submitted"
    ENDED = "ended"
    DELETED = "deleted"


def media_job_event(
    job: MediaJob,
    action: MediaJobAction,
    *,
    at: datetime,
    tenant: Tenant | None = None,
    request_id: str = "",
    deployment_name: str = "",
    capture: CaptureContext | None = None,
    route: str = "",
    api_version: str = "",
) -> AuditEvent:
    """A redaction submitted (with the call's capture context), ended (how: `status`, and the
    error `code` when it failed) or deleted. Redaction is detection only, so the terms of use let
    it go ahead without a decision entry; this is the trace of footage that went through Visage.
    `tenant` is None when it no longer exists (a job that ends after its tenant was deleted)."""
    result = job.result or {}
    return AuditEvent(AuditKind.MEDIA_JOB, at, tenant_id=job.tenant_id, fields={
        "action": action.value,
        "request_id": request_id,
        "customer_type": tenant.customer_type.value if tenant else "",
        "country": tenant.country if tenant else "",
        "deployment_id": job.deployment_id,
        "deployment": deployment_name,
        "operation": OperationClass.DETECTION.value,
        "route": route,
        "api_version": api_version,
        **_capture(capture or CaptureContext()),
        "status": job.status.value,
        "code": job.error_code or "",
        "details": _json({
            "job_id": job.job_id,
            "method": job.method.value,
            "input": job.source.kind.value,
            "output": "s3" if job.target.in_s3 else "file",
            "media_type": result.get("mediaType"),
            "frames": result.get("frames"),
            "face_tracks": result.get("faceTracks"),
            "faces": len(result["faces"]) if "faces" in result else None,
        }),
    })


def provenance_summary(provenance: Provenance) -> dict[str, str | None]:
    """What content credentials showed, as an audit entry keeps it."""
    return {
        "status": provenance.status.value,
        "captured_at": format_time(provenance.captured_at) if provenance.captured_at else None,
        "device_class": provenance.device_class.value if provenance.device_class else None,
        "trust_anchor_id": provenance.anchor_id,
    }


def public_entry(entry_id: str, entry: Mapping[str, str]) -> dict[str, object]:
    """An entry as the audit API shows it: its stream id first, JSON fields decoded, realtime as a bool."""
    shown: dict[str, object] = {"id": entry_id, **entry}
    for name in JSON_FIELDS & entry.keys():
        try:
            shown[name] = json.loads(entry[name] or "null")
        except ValueError:
            shown[name] = entry[name]
    if "realtime" in entry or entry.get("kind", AuditKind.POLICY_DECISION) == AuditKind.POLICY_DECISION:
        shown["realtime"] = {"true": True, "false": False}.get(entry.get("realtime", ""))
    if "development" in entry:
        shown["development"] = entry["development"] == "true"
    return shown


def _development(tenant: Tenant) -> dict[str, str]:
    """The development tenant's decisions say so; nothing is added to every other tenant's entries."""
    return {"development": "true"} if tenant.development else {}


def _capture(capture: CaptureContext) -> dict[str, str]:
    return {
        "capture_mode": capture.mode.value if capture.mode else "",
        "captured_at": format_time(capture.captured_at) if capture.captured_at else "",
        "camera": capture.camera.value if capture.camera else "",
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
