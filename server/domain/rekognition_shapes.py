"""Rekognition's face shapes as plain values: FaceDetail, the video results of GetFaceDetection and
GetFaceSearch, and the maps from Visage's numbers to Rekognition's.

Field names follow botocore's model of Rekognition (2016-06-27) in snake case; the wire names are
the schemas' business. Every number is measured: what Visage cannot compute is absent (None), never
invented.

- BoundingBox and Landmark coordinates are ratios of the frame's width and height, origin at the
  top left, for the frame as decoded (rotation applied).
- Confidence (that a box holds a face) comes from the detector's own score; see
  `detection_confidence`.
- Similarity comes from embedding distance; see `server.domain.similarity.similarity_percent`.
- Pose is Visage's head pose (server/vision/attributes.py, same signs); Quality's Brightness is
  the face's mean luminance and its Sharpness the complement of Visage's blur measure, both 0-100.
"""

from __future__ import annotations

import dataclasses
import math

from server.domain.tracking import Box

CONFIDENCE_STEEPNESS = 5.0
"""Confidence = 100 / (1 + exp(-5 * score)). Both of dlib's detectors keep what scores above 0
(HOG's SVM margin, the CNN's detection confidence), so a kept face reads above 50; a margin of 1,
which a clear frontal face passes, reads 99.3, and the faint faces HOG just keeps (margins about
0.1) read 62."""


def detection_confidence(score: float) -> float:
    exponent = max(-700.0, min(700.0, -CONFIDENCE_STEEPNESS * score))
    return round(100.0 / (1.0 + math.exp(exponent)), 5)


@dataclasses.dataclass(frozen=True)
class BoundingBox:
    width: float
    height: float
    left: float
    top: float

    @classmethod
    def of(cls, box: Box, frame_width: int, frame_height: int) -> BoundingBox:
        return cls(box.width / frame_width, box.height / frame_height, box.left / frame_width, box.top / frame_height)


@dataclasses.dataclass(frozen=True)
class Landmark:
    type: str
    x: float
    y: float


@dataclasses.dataclass(frozen=True)
class Pose:
    roll: float
    yaw: float
    pitch: float


@dataclasses.dataclass(frozen=True)
class ImageQuality:
    brightness: float
    sharpness: float


@dataclasses.dataclass(frozen=True)
class FaceDetail:
    """Rekognition's default attributes. The others (AgeRange, Gender, Emotions, Smile, ...) are
    sensitive inferences or need classifiers Visage does not ship: never present."""

    bounding_box: BoundingBox
    confidence: float
    landmarks: tuple[Landmark, ...] | None = None
    pose: Pose | None = None
    quality: ImageQuality | None = None


@dataclasses.dataclass(frozen=True)
class FaceDetection:
    """GetFaceDetection's Faces[]: a face and when (ms from the start) it was detected."""

    timestamp: int
    face: FaceDetail


@dataclasses.dataclass(frozen=True)
class VideoMetadata:
    codec: str
    duration_millis: int
    format: str
    frame_rate: float
    frame_height: int
    frame_width: int
    color_range: str | None = None  # FULL or LIMITED; OpenCV does not expose it


@dataclasses.dataclass(frozen=True)
class Face:
    """A face stored in a collection, as FaceMatch.Face names it; the caller fills what it keeps."""

    face_id: str
    bounding_box: BoundingBox | None = None
    image_id: str | None = None
    external_image_id: str | None = None
    confidence: float | None = None
    index_faces_model_version: str | None = None
    user_id: str | None = None


@dataclasses.dataclass(frozen=True)
class FaceMatch:
    similarity: float
    face: Face


@dataclasses.dataclass(frozen=True)
class PersonDetail:
    """Index follows one tracked face through the video. Rekognition's PersonDetail.BoundingBox is
    the whole person's box; Visage detects faces, not bodies, so it is None (the face's box is in
    `face.bounding_box`)."""

    index: int
    face: FaceDetail
    bounding_box: BoundingBox | None = None


@dataclasses.dataclass(frozen=True)
class PersonMatch:
    """GetFaceSearch's Persons[]: a tracked face at one moment and the collection faces it matches."""

    timestamp: int
    person: PersonDetail
    face_matches: tuple[FaceMatch, ...]
