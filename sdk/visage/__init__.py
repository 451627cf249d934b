"""Typed Python client for Visage, the local Azure-Face-compatible face API.

    from visage import FaceClient
    with FaceClient("http://127.0.0.1:8080", key) as client:
        faces = client.detect(Path("photo.jpg"))

Clients: `FaceClient` (data plane, deployment key), `ManagementClient` (signup, deployments, keys,
large person groups by deployment, audit, policy dry run; management token), `AdminClient` (operator:
tenants, the trust list of capture-device CAs, audit, outbox; admin token), each with the options of
`ClientOptions`. Models are in `visage.models`, enums in `visage.enums`, errors in `visage.exceptions`.
"""

from visage._admin_client import AdminClient
from visage._client_base import DEFAULT_API_VERSION, ClientOptions, KeyCredential
from visage._face_client import FaceClient
from visage._face_requests import DetectOptions
from visage._management_client import ManagementClient
from visage._paging import ItemPaged
from visage._polling import DirectoryPoller, OperationPoller, RedactionPoller, TrainingPoller
from visage._retry import RetryPolicy
from visage._transport import Clock, HttpRequest
from visage._version import VERSION
from visage.capture import Camera, CaptureContext, CaptureMode
from visage.enums import (
    AuditKind,
    CustomerType,
    DetectionModel,
    DeviceClass,
    FaceAttributeType,
    FindSimilarMatchMode,
    KeyName,
    LimitedAccess,
    OperationClass,
    OperationStatus,
    ProvenanceStatus,
    RecognitionModel,
    RedactionMethod,
    ReviewDecision,
    Sku,
    TenantStatus,
)
from visage.exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    OperationFailedError,
    PermissionDeniedError,
    RateLimitError,
    ServiceError,
    TermsOfUseViolation,
    UnsupportedFeatureError,
    VisageError,
)
from visage.models import S3Object

__version__ = VERSION

__all__ = [
    "DEFAULT_API_VERSION",
    "APIConnectionError",
    "APITimeoutError",
    "AdminClient",
    "AuditKind",
    "AuthenticationError",
    "Camera",
    "CaptureContext",
    "CaptureMode",
    "ClientOptions",
    "Clock",
    "ConflictError",
    "CustomerType",
    "DetectOptions",
    "DetectionModel",
    "DeviceClass",
    "DirectoryPoller",
    "FaceAttributeType",
    "FaceClient",
    "FindSimilarMatchMode",
    "HttpRequest",
    "InvalidRequestError",
    "ItemPaged",
    "KeyCredential",
    "KeyName",
    "LimitedAccess",
    "ManagementClient",
    "NotFoundError",
    "OperationClass",
    "OperationFailedError",
    "OperationPoller",
    "OperationStatus",
    "PermissionDeniedError",
    "ProvenanceStatus",
    "RateLimitError",
    "RecognitionModel",
    "RedactionMethod",
    "RedactionPoller",
    "RetryPolicy",
    "ReviewDecision",
    "S3Object",
    "ServiceError",
    "Sku",
    "TenantStatus",
    "TermsOfUseViolation",
    "TrainingPoller",
    "UnsupportedFeatureError",
    "VisageError",
    "__version__",
]
