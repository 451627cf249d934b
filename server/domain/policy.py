"""The one decision function of the terms of use and Limited Access.

`decide` answers, for a tenant about to run an operation of some class with some capture context,
whether the call is allowed and why, under one policy document. It is pure: the caller gathers the
facts (the faceIds' stored capture contexts, the recent recognition calls, the time) and decides
what to do with the answer. Refusals come in a fixed order: a suspended tenant first, then the
clauses of the terms, then Limited Access (F0, approval), then email verification.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from server.domain import provenance_policy
from server.domain.capture import CaptureContext, CaptureMode
from server.domain.deployments import Sku
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.domain.provenance_policy import THIS_CALL, FaceEvidence
from server.domain.tenants import AccessReview, Tenant, TenantNotVerified, TenantStatus, TenantSuspended
from server.domain.terms import Clause, PolicyDocument
from server.errors import Forbidden, NotFound, UnsupportedFeature, VisageError

RECOGNITION_SCOPE = "recognition"
"""The name a clause's `scope.operations` uses for every recognition class at once."""

ATTRIBUTE_INFERENCE_SCOPE = "attribute_inference"
"""The name a clause's `scope.operations` uses for any call that asks to infer a sensitive attribute."""

ANY = "*"
"""A scope value that matches every customer type or country."""

LIMITED_ACCESS_MESSAGE = (
    "Feature is not supported, missing approval for one or more of the following features: "
    "Identification, Verification."
)
"""Azure's own message for an unapproved Limited Access call (403 UnsupportedFeature)."""

RECORDED_HINT = (
    "Detection stays allowed. Recognition on recorded material needs x-visage-capture-mode: recorded, an "
    "x-visage-captured-at older than {hours} hours, and faceIds detected from such material."
)
"""Ends a real-time refusal: what the caller may still do, and how to show a call is not real time."""


class TermsOfUseViolation(Forbidden):
    code = "TermsOfUseViolation"


@dataclasses.dataclass(frozen=True)
class PolicyRequest:
    tenant: Tenant
    sku: Sku
    operation: OperationClass
    capture: CaptureContext
    face_captures: tuple[CaptureContext, ...]
    """The capture contexts stored with the faceIds the call uses (from their detect calls)."""
    at: datetime
    recent_recognition_calls: int
    """This tenant's recognition calls in the policy's cadence window, this one included."""
    provenance: Provenance = NO_PROVENANCE
    """The content credentials of the image the call carries (a face being added to a collection)."""
    face_provenances: tuple[Provenance, ...] = ()
    """The provenance stored with the faceIds the call uses, in the order of `face_captures`."""
    doubts: tuple[str, ...] = ()
    """Signals a caller cannot choose, from this call's image and the detect calls of its faceIds."""
    recent_faces: int = 0
    """Distinct faces this tenant (or its linked organisation, whichever is more) handled in the cadence
    window, this call's included."""
    sensitive_attributes: tuple[str, ...] = ()
    """Retired attributes the call asks to infer (age, emotion, ...): the `attribute_inference` scope."""

    def face_evidence(self) -> tuple[FaceEvidence, ...]:
        """The faces the call uses, each with what was said and what its credentials show: the image
        being added for an enrollment, the faceIds otherwise (a faceId without provenance has none)."""
        if self.operation is OperationClass.FACE_ENROLLMENT:
            return (FaceEvidence(self.capture, self.provenance, "the image", THIS_CALL),)
        pairs = itertools.zip_longest(self.face_captures, self.face_provenances)
        return tuple(FaceEvidence(capture or CaptureContext(), provenance or NO_PROVENANCE, "a face it uses",
                                  "the detect call of a face it uses") for capture, provenance in pairs)


@dataclasses.dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    code: str | None
    clause: str | None
    policy_version: str
    message: str
    realtime: bool | None
    reasons: tuple[str, ...]

    def to_error(self) -> VisageError:
        """The refusal as the error the API answers with (403, or 404 for a vanished tenant)."""
        if self.allowed or self.code is None:
            raise ValueError("an allowed decision is not an error")
        if self.code == TermsOfUseViolation.code:
            return TermsOfUseViolation(
                self.message, details={"innererror": {"code": self.clause, "policyVersion": self.policy_version}}
            )
        if self.code == UnsupportedFeature.code and self.clause is not None:
            # a clause answered in Azure's own words (a retired attribute): which clause, beside them
            return UnsupportedFeature(self.message, details={"innererror": {"code": self.clause,
                                                                            "policyVersion": self.policy_version}})
        if self.code == UnsupportedFeature.code and self.message.startswith(LIMITED_ACCESS_MESSAGE):
            # Azure's message verbatim (clients match on it); why, in Visage's words, beside it
            why = self.message.removeprefix(LIMITED_ACCESS_MESSAGE).strip()
            return UnsupportedFeature(LIMITED_ACCESS_MESSAGE,
                                      details={"innererror": {"code": "LimitedAccess", "message": why}})
        known: dict[str, type[VisageError]] = {
            TenantSuspended.code: TenantSuspended,
            TenantNotVerified.code: TenantNotVerified,
        }
        if self.code in known:
            return known[self.code](self.message)
        return NotFound(self.message, code=self.code)


def standing_refusal(tenant: Tenant, document: PolicyDocument) -> PolicyDecision | None:
    """The refusal that holds whatever the call is (a suspended tenant), or None."""
    if tenant.status is TenantStatus.SUSPENDED:
        return _refused(TenantSuspended.code, TenantSuspended.message, document.version, ("the tenant is suspended",))
    return None


def decide(request: PolicyRequest, document: PolicyDocument) -> PolicyDecision:
    tenant, version = request.tenant, document.version
    if (refusal := standing_refusal(tenant, document)) is not None:
        return refusal

    in_scope = [clause for clause in document.clauses if _in_scope(clause, request)]
    realtime: bool | None = None
    realtime_reasons: tuple[str, ...] = ()
    if any(clause.scope.get("realtime_only") for clause in in_scope):
        realtime, realtime_reasons = _realtime_under(request, document)
    violated = [clause for clause in in_scope if realtime or not clause.scope.get("realtime_only")]
    if violated:
        return _violation(violated, document, realtime, realtime_reasons)

    if request.operation in RECOGNITION_CLASSES:
        if request.sku is Sku.F0:
            return _refused(UnsupportedFeature.code, f"{LIMITED_ACCESS_MESSAGE} The F0 tier has no identification "
                            "or verification; use an S0 deployment.", version,
                            ("F0 deployments have no Limited Access features",), realtime)
        if tenant.access is not AccessReview.APPROVED:
            return _refused(UnsupportedFeature.code, f"{LIMITED_ACCESS_MESSAGE} {_ACCESS_SENTENCES[tenant.access]}",
                            version, (f"Limited Access is {tenant.access.value}",), realtime)

    if tenant.verification_overdue(request.at):
        return _refused(TenantNotVerified.code, TenantNotVerified.message, version,
                        ("the email address is not verified and the grace period has ended",), realtime)

    reasons = realtime_reasons or _allowed_reasons(request, realtime, document)
    return PolicyDecision(True, None, None, version, f"Allowed under the terms of use, version {version}.",
                          realtime, reasons)


def _realtime_under(request: PolicyRequest, document: PolicyDocument) -> tuple[bool, tuple[str, ...]]:
    """Real time as this version of the terms decides it: by the faces' provenance (2026-12 on), or by
    the capture headers and the call cadence (earlier versions, kept for the dry run)."""
    if provenance_policy.uses_provenance(document.settings):
        settings = provenance_policy.settings_of(document.version, document.settings)
        reasons = provenance_policy.realtime_reasons(request.face_evidence(), request.capture, request.doubts,
                                                     request.recent_faces, request.at, settings)
        return bool(reasons), reasons
    return is_realtime(request.capture, request.face_captures, request.at, request.recent_recognition_calls, document)


def is_realtime(
    capture: CaptureContext,
    face_captures: Sequence[CaptureContext],
    at: datetime,
    recent_calls: int,
    document: PolicyDocument,
) -> tuple[bool, tuple[str, ...]]:
    """Whether a call counts as real time, and why. Absent or doubtful context counts as real time."""
    recency, cadence_calls, cadence_seconds = _realtime_settings(document)
    reasons = list(_capture_reasons(capture, at, recency, "the request"))
    for face in face_captures:
        reasons.extend(_capture_reasons(face, at, recency, "a faceId it uses"))
    if recent_calls > cadence_calls:
        reasons.append(f"{recent_calls} recognition calls in {cadence_seconds} seconds is a cadence only a live "
                       f"stream produces (more than {cadence_calls})")
    unique = tuple(dict.fromkeys(reasons))
    return bool(unique), unique


def _capture_reasons(capture: CaptureContext, at: datetime, recency: timedelta, subject: str) -> Iterable[str]:
    if capture.mode is None:
        yield f"{subject} declares no capture mode, which counts as live"
    elif capture.mode is CaptureMode.LIVE:
        yield f"{subject} was captured live"
    elif capture.captured_at is None:
        yield f"{subject} is recorded but gives no capture time, so its age is unknown"
    elif capture.captured_at > at:
        yield f"{subject} gives a capture time in the future"
    elif at - capture.captured_at < recency:
        yield f"{subject} was captured less than {_hours(recency)} hours before the call"


def _realtime_settings(document: PolicyDocument) -> tuple[timedelta, int, int]:
    try:
        recency = timedelta(seconds=int(document.settings["realtime_recency_seconds"]))
        cadence = document.settings["realtime_cadence"]
        return recency, int(cadence["calls"]), int(cadence["seconds"])
    except KeyError as missing:
        raise ValueError(f"policy {document.version} has a real-time clause but no setting {missing}") from None


def _in_scope(clause: Clause, request: PolicyRequest) -> bool:
    """Whether a clause speaks to this call, real time aside."""
    scope = clause.scope
    return (
        clause.effective <= request.at
        and _covers_operation(scope.get("operations", ()), request)
        and _matches(scope.get("customer_types", ANY), request.tenant.customer_type.value)
        and _matches(scope.get("countries", ANY), request.tenant.country)
    )


def _covers_operation(names: Sequence[str], request: PolicyRequest) -> bool:
    operation = request.operation
    return any(
        name == operation.value
        or (name == RECOGNITION_SCOPE and operation in RECOGNITION_CLASSES)
        or (name == ATTRIBUTE_INFERENCE_SCOPE and bool(request.sensitive_attributes))
        for name in names
    )


def _matches(allowed: str | Sequence[str], value: str) -> bool:
    return allowed == ANY or value in allowed


def _violation(
    violated: Sequence[Clause], document: PolicyDocument, realtime: bool | None, realtime_reasons: tuple[str, ...]
) -> PolicyDecision:
    clause = violated[0]
    message = (
        f"Refused under the Visage terms of use, version {document.version}, clause {clause.id}: "
        f"{clause.title.lower()}."
    )
    if clause.scope.get("realtime_only"):
        message += f" This call counts as real time because {'; '.join(realtime_reasons)}. " + _hint(document)
    message += " Nothing was done."
    reasons = tuple(f"clause {c.id} applies" for c in violated) + realtime_reasons
    if clause.answer:
        return PolicyDecision(False, clause.answer["code"], clause.id, document.version, clause.answer["message"],
                              realtime, reasons)
    return PolicyDecision(False, TermsOfUseViolation.code, clause.id, document.version, message, realtime, reasons)


def _hint(document: PolicyDocument) -> str:
    """What a caller refused for real time may still do, in the words of the version that refused it."""
    if provenance_policy.uses_provenance(document.settings):
        settings = provenance_policy.settings_of(document.version, document.settings)
        return provenance_policy.PROVENANCE_HINT.format(hours=settings.hours)
    recency, _, _ = _realtime_settings(document)
    return RECORDED_HINT.format(hours=_hours(recency))


def _refused(code: str, message: str, version: str, reasons: tuple[str, ...],
             realtime: bool | None = None) -> PolicyDecision:
    return PolicyDecision(False, code, None, version, message, realtime, reasons)


def _allowed_reasons(request: PolicyRequest, realtime: bool | None, document: PolicyDocument) -> tuple[str, ...]:
    if realtime is False and provenance_policy.uses_provenance(document.settings):
        return ("every face it uses comes from an image with trusted content credentials captured before the "
                "real-time threshold",)
    if request.operation not in RECOGNITION_CLASSES:
        return (f"{request.operation.value} needs no Limited Access approval",)
    if realtime is False:
        return ("the call is on recorded material older than the real-time threshold",)
    return ("Limited Access is approved and no clause of the terms applies",)


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


_ACCESS_SENTENCES = {
    AccessReview.PENDING: "The Limited Access review of this tenant is pending.",
    AccessReview.REJECTED: "Limited Access was refused for this tenant.",
    AccessReview.NOT_REQUESTED: "The use cases declared at signup need detection only.",
    AccessReview.APPROVED: "",
}
