"""Typed models of Visage's answers: frozen, slotted dataclasses with snake_case fields.

Every model keeps the names of an answer it does not know in `extra`, so a newer server never breaks
an older SDK.
"""

from visage.models._collections import (
    AddFaceResult,
    CreatePersonResult,
    FaceList,
    LargeFaceList,
    LargePersonGroup,
    OperationResult,
    PersistedFace,
    Person,
    PersonGroup,
    TrainingResult,
)
from visage.models._face import (
    BlurProperties,
    ExposureProperties,
    FaceAttributes,
    FaceDetectionResult,
    FaceFindSimilarResult,
    FaceGroupingResult,
    FaceIdentificationResult,
    FaceLandmarks,
    FaceRectangle,
    FaceVerificationResult,
    HeadPose,
    IdentificationCandidate,
    LandmarkCoordinate,
    NoiseProperties,
)
from visage.models._management import (
    AuditEntry,
    Decision,
    Deployment,
    DeploymentKeys,
    OutboxMessage,
    PolicyDecision,
    SignupResult,
    Tenant,
)
from visage.models._media import (
    FaceTrack,
    RedactionError,
    RedactionJob,
    RedactionOutput,
    RedactionResult,
    RedactionSource,
    S3Object,
    TrackBoundingBox,
    TrackedFace,
)
from visage.models._wire import WireModel, wire_names

__all__ = [
    "AddFaceResult",
    "AuditEntry",
    "BlurProperties",
    "CreatePersonResult",
    "Decision",
    "Deployment",
    "DeploymentKeys",
    "ExposureProperties",
    "FaceAttributes",
    "FaceDetectionResult",
    "FaceFindSimilarResult",
    "FaceGroupingResult",
    "FaceIdentificationResult",
    "FaceLandmarks",
    "FaceList",
    "FaceRectangle",
    "FaceTrack",
    "FaceVerificationResult",
    "HeadPose",
    "IdentificationCandidate",
    "LandmarkCoordinate",
    "LargeFaceList",
    "LargePersonGroup",
    "NoiseProperties",
    "OperationResult",
    "OutboxMessage",
    "PersistedFace",
    "Person",
    "PersonGroup",
    "PolicyDecision",
    "RedactionError",
    "RedactionJob",
    "RedactionOutput",
    "RedactionResult",
    "RedactionSource",
    "S3Object",
    "SignupResult",
    "Tenant",
    "TrackBoundingBox",
    "TrackedFace",
    "TrainingResult",
    "WireModel",
    "models_and_wire_names",
]


def models_and_wire_names() -> dict[str, dict[str, str]]:
    """Every model of this package with its field-to-wire-name map (for contract tests against
    the OpenAPI document)."""
    return {name: wire_names(model) for name in __all__
            if isinstance(model := globals()[name], type) and issubclass(model, WireModel) and model is not WireModel}
