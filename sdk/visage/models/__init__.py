"""Typed models of Visage's answers: frozen, slotted dataclasses with snake_case fields.

Every model keeps the names of an answer it does not know in `extra`, so a newer server never breaks
an older SDK. `DetectResult` is the one that is not a dataclass: a list of faces that also holds the
provenance of the image.
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
    DetectResult,
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
from visage.models._faults import Fault
from visage.models._management import (
    AdminTenant,
    AuditEntry,
    Decision,
    Deployment,
    DeploymentKeys,
    LinkedTenant,
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
from visage.models._person_directory import (
    DynamicPersonGroup,
    DynamicPersonGroupPersons,
    DynamicPersonGroupReferences,
    PersonDirectoryFaces,
    PersonDirectoryPerson,
)
from visage.models._provenance import Provenance, TrustAnchor
from visage.models._wire import WireModel, wire_names

__all__ = [
    "AddFaceResult",
    "AdminTenant",
    "AuditEntry",
    "BlurProperties",
    "CreatePersonResult",
    "Decision",
    "Deployment",
    "DeploymentKeys",
    "DetectResult",
    "DynamicPersonGroup",
    "DynamicPersonGroupPersons",
    "DynamicPersonGroupReferences",
    "ExposureProperties",
    "FaceAttributes",
    "Fault",
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
    "LinkedTenant",
    "NoiseProperties",
    "OperationResult",
    "OutboxMessage",
    "PersistedFace",
    "Person",
    "PersonDirectoryFaces",
    "PersonDirectoryPerson",
    "PersonGroup",
    "PolicyDecision",
    "Provenance",
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
    "TrustAnchor",
    "WireModel",
    "models_and_wire_names",
]


def models_and_wire_names() -> dict[str, dict[str, str]]:
    """Every model of this package with its field-to-wire-name map (for contract tests against
    the OpenAPI document)."""
    return {name: wire_names(model) for name in __all__
            if isinstance(model := globals()[name], type) and issubclass(model, WireModel) and model is not WireModel}
