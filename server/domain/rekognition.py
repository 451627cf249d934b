"""Rekognition's rules, as Visage keeps them: parameters, attributes, the quality bar, which faces
IndexFaces keeps, paging tokens and names.

Pure: the services apply these to what vision measured and the stores hold. Limits and defaults are
botocore's model of Rekognition (2016-06-27) unless a comment says Visage chose otherwise.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import hashlib
import json
import re
from collections.abc import Sequence

from server.domain.aws_errors import (
    ImageTooLargeException,
    InvalidImageFormatException,
    InvalidPaginationTokenException,
    InvalidParameterException,
)
from server.domain.rekognition_shapes import BoundingBox, Face, FaceDetail

FACE_MODEL_VERSION = "visage-dlib-1.0"
"""What FaceModelVersion and IndexFacesModelVersion say: Visage's embeddings (dlib's ResNet, the
same for every collection), not one of AWS's model versions, which Visage does not run."""

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Rekognition: Image.Bytes up to 5 MB. (From S3 it takes 15 MB; Visage decodes at most 6 MB, its
Azure limit, so a larger S3 image is ImageTooLargeException.)"""

MAX_RESULTS = 4096
"""ListCollections and ListFaces take MaxResults up to 4096; SearchFaces* take MaxFaces up to 4096."""

DEFAULT_PAGE = 1000
"""Rekognition documents no default page size for ListCollections and ListFaces; Visage answers 1000
items a page (and a NextToken while more remain), like GetFaceSearch."""

MAX_INDEXED_FACES = 100
"""IndexFaces indexes at most the 100 largest faces, whatever MaxFaces says."""

MAX_EXTERNAL_ID = 255
EXTERNAL_ID_PATTERN = re.compile(r"^[a-zA-Z0-9_.\-:]+$")
FACE_ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_TOKEN_LENGTH = 1024
"""Visage's own NextTokens stay short; anything longer than this is not one."""


@dataclasses.dataclass(frozen=True)
class S3ObjectRequest:
    """An image or a video in S3, as a request names it."""

    bucket: str
    name: str
    version: str | None = None


@dataclasses.dataclass(frozen=True)
class ImageRequest:
    """An image as a request gives it: its bytes, or where it is in S3."""

    data: bytes | None = None
    s3_object: S3ObjectRequest | None = None


IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
"""Rekognition takes JPEG and PNG only."""


def check_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    if len(data) > max_bytes:
        raise ImageTooLargeException(f"Image size is too large: {len(data)} bytes, at most {max_bytes} are accepted.")
    if not data.startswith(IMAGE_SIGNATURES):
        raise InvalidImageFormatException("Request has invalid image format: send a JPEG or PNG image.")
    return data


# attributes ---------------------------------------------------------------------------------

SENSITIVE_ATTRIBUTES = {"AGE_RANGE": "AgeRange", "BEARD": "Beard", "EMOTIONS": "Emotions", "GENDER": "Gender",
                        "MUSTACHE": "Mustache", "SMILE": "Smile"}
"""Age, gender, emotion, smile and facial hair: the inferences the terms of use refuse for everyone
(clause sensitive-attributes), by Rekognition's request names and the FaceDetail fields they fill."""

UNAVAILABLE_ATTRIBUTES = {"EYEGLASSES": "Eyeglasses", "SUNGLASSES": "Sunglasses", "EYES_OPEN": "EyesOpen",
                          "MOUTH_OPEN": "MouthOpen", "FACE_OCCLUDED": "FaceOccluded", "EYE_DIRECTION": "EyeDirection"}
"""Attributes the terms allow but Visage cannot measure honestly: they need trained classifiers it
does not ship, and it does not invent values."""

DEFAULT_ATTRIBUTES = "DEFAULT"
ALL_ATTRIBUTES = "ALL"


@dataclasses.dataclass(frozen=True)
class AttributeRequest:
    sensitive: tuple[str, ...]
    """FaceDetail fields of sensitive attributes asked for (ALL asks for every one)."""
    unavailable: tuple[str, ...]
    asked_all: bool


def parse_attributes(names: Sequence[str], field: str = "Attributes") -> AttributeRequest:
    """DetectFaces' Attributes, IndexFaces' DetectionAttributes, the video jobs' FaceAttributes."""
    known = {DEFAULT_ATTRIBUTES, ALL_ATTRIBUTES, *SENSITIVE_ATTRIBUTES, *UNAVAILABLE_ATTRIBUTES}
    if unknown := [name for name in names if name not in known]:
        raise InvalidParameterException(f"{field} has an unknown value '{str(unknown[0])[:40]}'; use DEFAULT, ALL or "
                                        f"one of {', '.join(sorted(known - {DEFAULT_ATTRIBUTES, ALL_ATTRIBUTES}))}.")
    asked_all = ALL_ATTRIBUTES in names
    sensitive = sorted(SENSITIVE_ATTRIBUTES.values()) if asked_all else sorted(
        SENSITIVE_ATTRIBUTES[name] for name in set(names) if name in SENSITIVE_ATTRIBUTES)
    unavailable = sorted(UNAVAILABLE_ATTRIBUTES.values()) if asked_all else sorted(
        UNAVAILABLE_ATTRIBUTES[name] for name in set(names) if name in UNAVAILABLE_ATTRIBUTES)
    return AttributeRequest(tuple(sensitive), tuple(unavailable), asked_all)


def check_measurable(request: AttributeRequest) -> None:
    """After the terms of use have had their say on the sensitive ones."""
    if request.unavailable:
        raise InvalidParameterException(
            f"Visage does not compute {', '.join(request.unavailable)}: they need trained classifiers that Visage "
            "does not ship, and Visage does not invent values. Ask for DEFAULT: BoundingBox, Confidence, Landmarks, "
            "Pose and Quality, measured from the pixels.")


# the quality bar ----------------------------------------------------------------------------

class QualityFilter(enum.StrEnum):
    NONE = "NONE"
    AUTO = "AUTO"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclasses.dataclass(frozen=True)
class QualityBar:
    confidence: float
    sharpness: float
    brightness: tuple[float, float]
    pose_degrees: float
    face_pixels: float
    """Smallest face side, in pixels of a 1920 x 1080 frame (larger frames ask proportionally more)."""


QUALITY_BARS = {
    QualityFilter.LOW: QualityBar(confidence=55, sharpness=10, brightness=(5, 98), pose_degrees=75, face_pixels=20),
    QualityFilter.MEDIUM: QualityBar(confidence=70, sharpness=25, brightness=(10, 95), pose_degrees=60,
                                     face_pixels=40),
    QualityFilter.HIGH: QualityBar(confidence=90, sharpness=45, brightness=(20, 90), pose_degrees=45, face_pixels=60),
}
"""Visage's bars (AWS does not publish its own). MEDIUM, which AUTO means, asks for Rekognition's
documented smallest face, 40 x 40 pixels in a 1080p frame; every face of the photos in
../shared/faces passes HIGH. Measured by server/vision/face_detail.py: Confidence from the
detector's score, Sharpness and Brightness from the face's pixels, the pose from its landmarks."""


def quality_reasons(face: FaceDetail, frame_width: int, frame_height: int, level: QualityFilter) -> tuple[str, ...]:
    """Rekognition's Reasons a face fails the bar; empty when it passes (NONE passes everything)."""
    if level is QualityFilter.NONE:
        return ()
    bar = QUALITY_BARS[QualityFilter.MEDIUM if level is QualityFilter.AUTO else level]
    reasons = []
    scale = max(1.0, frame_width / 1920, frame_height / 1080)
    side = min(face.bounding_box.width * frame_width, face.bounding_box.height * frame_height)
    if side < bar.face_pixels * scale:
        reasons.append("SMALL_BOUNDING_BOX")
    if face.confidence < bar.confidence:
        reasons.append("LOW_CONFIDENCE")
    if face.pose is not None and max(abs(face.pose.yaw), abs(face.pose.pitch)) > bar.pose_degrees:
        reasons.append("EXTREME_POSE")
    if face.quality is not None:
        if face.quality.sharpness < bar.sharpness:
            reasons.append("LOW_SHARPNESS")
        if not bar.brightness[0] <= face.quality.brightness <= bar.brightness[1]:
            reasons.append("LOW_BRIGHTNESS")
    return tuple(reasons)


@dataclasses.dataclass(frozen=True)
class Selection:
    indexed: tuple[int, ...]
    """Positions of the faces to index, largest box first."""
    unindexed: tuple[tuple[int, tuple[str, ...]], ...]
    """Positions of the others, each with its Reasons."""


def select_for_index(faces: Sequence[FaceDetail], frame_width: int, frame_height: int, *, max_faces: int,
                     level: QualityFilter) -> Selection:
    """IndexFaces: faces under the bar are not indexed; of the rest, when more than MaxFaces, the
    lowest quality go first and then the smallest (Rekognition's order), as EXCEEDS_MAX_FACES."""
    failing = {index: quality_reasons(face, frame_width, frame_height, level) for index, face in enumerate(faces)}
    passing = [index for index, reasons in failing.items() if not reasons]

    def quality(index: int) -> float:
        found = faces[index].quality
        return min(found.sharpness, found.brightness) if found is not None else 0.0

    def area(index: int) -> float:
        return faces[index].bounding_box.width * faces[index].bounding_box.height

    kept = sorted(passing, key=lambda index: (quality(index), area(index)), reverse=True)[:max_faces]
    dropped = [(index, ("EXCEEDS_MAX_FACES",)) for index in passing if index not in kept]
    unindexed = sorted([*((index, reasons) for index, reasons in failing.items() if reasons), *dropped])
    return Selection(tuple(sorted(kept, key=area, reverse=True)), tuple(unindexed))


# parameters ---------------------------------------------------------------------------------

def check_count(value: int | None, field: str, *, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    if not low <= value <= high:
        raise InvalidParameterException(f"{field} must be from {low} to {high}, not {value}.")
    return value


def check_percent(value: float | None, field: str, default: float) -> float:
    if value is None:
        return default
    if not 0.0 <= value <= 100.0:
        raise InvalidParameterException(f"{field} must be from 0 to 100, not {value}.")
    return float(value)


def check_external_image_id(value: str | None) -> str | None:
    if value is not None and not (1 <= len(value) <= MAX_EXTERNAL_ID and EXTERNAL_ID_PATTERN.fullmatch(value)):
        raise InvalidParameterException(
            f"ExternalImageId must be 1 to {MAX_EXTERNAL_ID} letters, digits, '_', '.', '-' or ':'.")
    return value


def check_face_id(value: str, field: str = "FaceId") -> str:
    if not FACE_ID_PATTERN.fullmatch(value):
        raise InvalidParameterException(f"{field} '{value[:40]}' is not a face id (a lower-case UUID).")
    return value


# stored faces -------------------------------------------------------------------------------

def stored_details(face: Face) -> str:
    """What a collection keeps with a face besides its embedding (PersistedFace.details)."""
    box = face.bounding_box
    return json.dumps({
        "ExternalImageId": face.external_image_id, "ImageId": face.image_id, "Confidence": face.confidence,
        "BoundingBox": None if box is None else [box.width, box.height, box.left, box.top],
    })


def stored_face(face_id: str, details: str | None) -> Face:
    """The Face a collection answers with, from what `stored_details` kept."""
    kept = json.loads(details) if details else {}
    box = kept.get("BoundingBox")
    return Face(face_id=face_id, bounding_box=BoundingBox(*box) if box else None, image_id=kept.get("ImageId"),
                external_image_id=kept.get("ExternalImageId"), confidence=kept.get("Confidence"),
                index_faces_model_version=FACE_MODEL_VERSION)


# paging -------------------------------------------------------------------------------------

def next_token(position: str) -> str:
    """An opaque NextToken for "after this position"."""
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii").rstrip("=")


def token_position(token: str | None) -> str | None:
    if token is None:
        return None
    if not 1 <= len(token) <= MAX_TOKEN_LENGTH:
        raise InvalidPaginationTokenException()
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidPaginationTokenException() from None


# names --------------------------------------------------------------------------------------

def account_id(tenant_id: str) -> str:
    """The 12-digit account number a tenant shows in ARNs (AWS accounts are 12 digits)."""
    return str(int(hashlib.sha256(tenant_id.encode("utf-8")).hexdigest(), 16) % 10 ** 12).zfill(12)


def collection_arn(region: str, tenant_id: str, collection_id: str) -> str:
    """Visage has no regions: an ARN names the region the request was signed for."""
    return f"arn:aws:rekognition:{region}:{account_id(tenant_id)}:collection/{collection_id}"
