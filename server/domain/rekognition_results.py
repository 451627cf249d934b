"""What Rekognition's operations answer, as plain records (the shapes of faces are in
`rekognition_shapes`). Names follow botocore's model in snake case; the reply schemas
(server/schemas/rekognition_replies.py) write Rekognition's names."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from server.domain.rekognition_shapes import (
    BoundingBox,
    Face,
    FaceDetail,
    FaceDetection,
    FaceMatch,
    PersonMatch,
    VideoMetadata,
)


@dataclasses.dataclass(frozen=True)
class CreatedCollection:
    collection_arn: str
    face_model_version: str
    status_code: int = 200


@dataclasses.dataclass(frozen=True)
class DeletedCollection:
    status_code: int = 200


@dataclasses.dataclass(frozen=True)
class CollectionPage:
    collection_ids: tuple[str, ...]
    face_model_versions: tuple[str, ...]
    next_token: str | None


@dataclasses.dataclass(frozen=True)
class CollectionDescription:
    face_count: int
    face_model_version: str
    collection_arn: str
    creation_timestamp: datetime
    user_count: int = 0


@dataclasses.dataclass(frozen=True)
class FaceRecord:
    face: Face
    face_detail: FaceDetail


@dataclasses.dataclass(frozen=True)
class UnindexedFace:
    reasons: tuple[str, ...]
    face_detail: FaceDetail


@dataclasses.dataclass(frozen=True)
class IndexedFaces:
    face_records: tuple[FaceRecord, ...]
    unindexed_faces: tuple[UnindexedFace, ...]
    face_model_version: str


@dataclasses.dataclass(frozen=True)
class FacePage:
    faces: tuple[Face, ...]
    next_token: str | None
    face_model_version: str


@dataclasses.dataclass(frozen=True)
class UnsuccessfulFaceDeletion:
    face_id: str
    reasons: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class DeletedFaces:
    deleted_faces: tuple[str, ...]
    unsuccessful_face_deletions: tuple[UnsuccessfulFaceDeletion, ...]


@dataclasses.dataclass(frozen=True)
class FaceSearch:
    searched_face_id: str
    face_matches: tuple[FaceMatch, ...]
    face_model_version: str


@dataclasses.dataclass(frozen=True)
class ImageSearch:
    searched_face_bounding_box: BoundingBox
    searched_face_confidence: float
    face_matches: tuple[FaceMatch, ...]
    face_model_version: str


@dataclasses.dataclass(frozen=True)
class SourceImageFace:
    bounding_box: BoundingBox
    confidence: float


@dataclasses.dataclass(frozen=True)
class CompareFacesMatch:
    similarity: float
    face: FaceDetail
    """Rekognition's ComparedFace: a FaceDetail's default attributes (Visage never fills its
    Emotions and Smile)."""


@dataclasses.dataclass(frozen=True)
class Comparison:
    source_image_face: SourceImageFace
    face_matches: tuple[CompareFacesMatch, ...]
    unmatched_faces: tuple[FaceDetail, ...]


@dataclasses.dataclass(frozen=True)
class DetectedFaces:
    face_details: tuple[FaceDetail, ...]


@dataclasses.dataclass(frozen=True)
class JobStarted:
    job_id: str


@dataclasses.dataclass(frozen=True)
class S3ObjectLocation:
    bucket: str
    name: str
    version: str | None = None


@dataclasses.dataclass(frozen=True)
class VideoLocation:
    """GetFace*'s Video: where the job read the video from."""

    s3_object: S3ObjectLocation


@dataclasses.dataclass(frozen=True)
class VideoJobPage:
    """One page of GetFaceDetection (`faces`) or GetFaceSearch (`persons`)."""

    job_id: str
    job_status: str
    video: VideoLocation
    status_message: str | None = None
    video_metadata: VideoMetadata | None = None
    next_token: str | None = None
    job_tag: str | None = None
    faces: tuple[FaceDetection, ...] | None = None
    persons: tuple[PersonMatch, ...] | None = None
