"""String enums of the wire, extensible: a value a newer server sends is kept, never fatal.

Each enum is a `str`, so members compare equal to their wire value (`OperationStatus.RUNNING ==
"running"`). Lookup ignores case, as Azure's service does. A value this SDK does not know yet becomes
a pseudo-member with the same value (its `name` is the value upper-cased), so code that reads a
field typed `OperationStatus` keeps working when the server grows a new status.
"""

from __future__ import annotations

import enum
from typing import Any


class ExtensibleEnum(enum.StrEnum):
    """Base of every enum here: case-insensitive and open to values from a newer server."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        for member in cls:
            if member.value.lower() == value.lower():
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value.upper()
        pseudo._value_ = value
        return pseudo

    @property
    def known(self) -> bool:
        """False for a value this version of the SDK did not know (sent by a newer server)."""
        return any(self is member for member in type(self))


class DetectionModel(ExtensibleEnum):
    DETECTION_01 = "detection_01"
    """The default: near-frontal faces; attributes and landmarks."""
    DETECTION_02 = "detection_02"
    """Small, side and blurry faces; no attributes, no landmarks."""
    DETECTION_03 = "detection_03"
    """Smaller (about 40 px) and rotated faces; the recommended model."""


class RecognitionModel(ExtensibleEnum):
    RECOGNITION_01 = "recognition_01"
    RECOGNITION_02 = "recognition_02"
    RECOGNITION_03 = "recognition_03"
    RECOGNITION_04 = "recognition_04"


class FaceAttributeType(ExtensibleEnum):
    """Attributes detect may return. Visage computes head pose, blur, exposure, noise and quality;
    sensitive attributes (age, emotion, ...) are refused for everyone with 403."""

    HEAD_POSE = "headPose"
    GLASSES = "glasses"
    OCCLUSION = "occlusion"
    ACCESSORIES = "accessories"
    BLUR = "blur"
    EXPOSURE = "exposure"
    NOISE = "noise"
    MASK = "mask"
    QUALITY_FOR_RECOGNITION = "qualityForRecognition"


class BlurLevel(ExtensibleEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ExposureLevel(ExtensibleEnum):
    UNDER_EXPOSURE = "underExposure"
    GOOD_EXPOSURE = "goodExposure"
    OVER_EXPOSURE = "overExposure"


class NoiseLevel(ExtensibleEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class QualityForRecognition(ExtensibleEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FindSimilarMatchMode(ExtensibleEnum):
    MATCH_PERSON = "matchPerson"
    """Faces of the same person (the default); uses the same threshold as verify."""
    MATCH_FACE = "matchFace"
    """The most similar faces, whether or not they are the same person."""


class OperationStatus(ExtensibleEnum):
    """Status of training and of long-running operations."""

    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (OperationStatus.SUCCEEDED, OperationStatus.FAILED)


class RedactionMethod(ExtensibleEnum):
    """How a redaction hides faces."""

    BLUR = "blur"
    PIXELATE = "pixelate"
    BOX = "box"


class CustomerType(ExtensibleEnum):
    COMMERCIAL = "commercial"
    LAW_ENFORCEMENT = "law_enforcement"
    GOVERNMENT = "government"
    EDUCATION = "education"
    HEALTHCARE = "healthcare"
    NONPROFIT = "nonprofit"
    INDIVIDUAL = "individual"


class TenantStatus(ExtensibleEnum):
    """Whether the account may be used at all."""

    PENDING_VERIFICATION = "pending_verification"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class LimitedAccess(ExtensibleEnum):
    """Limited Access review: whether recognition (verification, identification) is approved."""

    APPROVED = "approved"
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"
    NOT_REQUESTED = "not_requested"
    """The use cases declared at signup need detection only."""


class ReviewDecision(ExtensibleEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Sku(ExtensibleEnum):
    F0 = "F0"
    """Free: 20 calls a minute; detection only is the usual Azure rule."""
    S0 = "S0"
    """Standard: 10 calls a second."""


class KeyName(ExtensibleEnum):
    KEY1 = "key1"
    KEY2 = "key2"


class OperationClass(ExtensibleEnum):
    """The class of a data-plane operation, as the terms of use decide on it."""

    DETECTION = "detection"
    VERIFICATION = "verification"
    IDENTIFICATION = "identification"
    FIND_SIMILAR = "find_similar"
    GROUPING = "grouping"
    ENROLLMENT = "enrollment"
    FACE_ENROLLMENT = "face_enrollment"
    TRAINING = "training"
    COLLECTION_READ = "collection_read"


class ProvenanceStatus(ExtensibleEnum):
    """What the C2PA content credentials of an image showed, validated against the operator's trust list
    (detect answers it in the `x-visage-provenance` header)."""

    NONE = "none"
    """The image carries no C2PA manifest."""
    UNTRUSTED = "untrusted"
    """A manifest Visage cannot trust: an unlisted CA, a validation error (expired certificate, bad
    signature), bytes changed after signing, or an unreadable manifest."""
    TRUSTED = "trusted"
    """Signed under a listed CA, no validation error, and the bytes are the ones signed."""


class DeviceClass(ExtensibleEnum):
    """What kind of capture device (or system) a trust anchor's certificates are issued to."""

    BODY_WORN = "body-worn"
    DASH = "dash"
    FIXED = "fixed"
    HANDHELD = "handheld"
    EVIDENCE_SYSTEM = "evidence-system"
    """A digital evidence system that signs the footage it ingests, from any camera."""


class AuditKind(ExtensibleEnum):
    """What an audit entry records. Entries written before kinds existed read as policy decisions."""

    POLICY_DECISION = "policy_decision"
    """A recognition or enrollment call decided by the terms of use, allowed or refused."""
    DETECT = "detect"
    """A detect call, with the capture context and provenance its faceIds carry."""
    CALL_OUTCOME = "call_outcome"
    """How a call decided earlier ended (it shares the decision's request_id)."""
    OPERATOR_REVIEW = "operator_review"
    OPERATOR_CORRECTION = "operator_correction"
    OPERATOR_SUSPENSION = "operator_suspension"
    OPERATOR_REINSTATEMENT = "operator_reinstatement"
    TRUST_LIST_CHANGE = "trust_list_change"
    """A CA added to or removed from the trust list."""
    MANAGEMENT_TOKEN_RECOVERY = "management_token_recovery"
    """A recovery link sent to the tenant's address, or its management token replaced through one."""
    MEDIA_JOB = "media_job"
    """A redaction submitted, ended or deleted."""
