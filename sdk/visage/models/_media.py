"""Redactions of the media API: the job, what it redacted, and the faces it tracked through a video."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from visage.enums import OperationStatus, RedactionMethod
from visage.models._face import FaceRectangle
from visage.models._wire import WireModel


@dataclass(frozen=True, slots=True)
class S3Object(WireModel):
    """An object in S3 (as Visage's server reads it, with its own AWS credentials)."""

    bucket: str
    key: str
    version: str | None = None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True)
class RedactionSource(WireModel):
    """Where the media came from: `kind` is upload, url or s3."""

    kind: str
    url: str | None = None
    s3: S3Object | None = None


@dataclass(frozen=True, slots=True)
class RedactionOutput(WireModel):
    """Where the redacted file is: `kind` file (download it) or s3 (written to `uri`)."""

    kind: str
    file_name: str | None = None
    uri: str | None = None
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class RedactionResult(WireModel):
    """What was redacted: a video's frames, duration and codecs and how many faces it tracked, or
    an image's faces."""

    media_type: str
    width: int
    height: int
    output: RedactionOutput
    frames: int | None = None
    fps: float | None = None
    duration_ms: int | None = None
    codec: str | None = None
    source_codec: str | None = None
    face_track_count: int | None = None
    faces: tuple[FaceRectangle, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackBoundingBox(WireModel):
    """A face's box as fractions of the frame's width and height (Rekognition's BoundingBox)."""

    width: float
    height: float
    left: float
    top: float


@dataclass(frozen=True, slots=True)
class TrackedFace(WireModel):
    """One detection of a tracked face."""

    frame: int
    timestamp_ms: int
    face_rectangle: FaceRectangle
    bounding_box: TrackBoundingBox


@dataclass(frozen=True, slots=True)
class FaceTrack(WireModel):
    """One face followed through a video: its detections, and the frames it was hidden on
    (`covered_frames`: first and last, inclusive)."""

    index: int
    start_ms: int
    end_ms: int
    covered_frames: tuple[int, ...]
    faces: tuple[TrackedFace, ...]


@dataclass(frozen=True, slots=True)
class RedactionError(WireModel):
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RedactionJob(WireModel):
    """A redaction: `percent_complete` grows while it runs; with success come `result`, a video's
    `face_tracks` and, when the file is kept for download, `result_location`."""

    redaction_id: str = field(metadata={"wire": "id"})
    status: OperationStatus
    percent_complete: int
    method: RedactionMethod
    source: RedactionSource = field(metadata={"wire": "input"})
    created_date_time: datetime
    last_action_date_time: datetime
    finished_date_time: datetime | None = None
    result: RedactionResult | None = None
    result_location: str | None = None
    face_tracks: tuple[FaceTrack, ...] = ()
    error: RedactionError | None = None
