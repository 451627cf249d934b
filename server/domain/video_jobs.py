"""Rekognition's stored-video jobs (StartFaceDetection, StartFaceSearch): their record, lifecycle,
idempotency, and their results as stored.

A job is IN_PROGRESS from its start until a worker ends it SUCCEEDED or FAILED. A worker renews a
heartbeat while it runs; a job whose heartbeat lapsed (its worker was killed) reads as FAILED, so a
client polling it stops. Results are kept as long as the job: 7 days, as on Rekognition.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from server.domain.clock import format_time, parse_time
from server.domain.media_jobs import LEASE_SECONDS
from server.domain.operations import OperationClass
from server.domain.rekognition_results import S3ObjectLocation
from server.domain.rekognition_shapes import (
    BoundingBox,
    Face,
    FaceDetail,
    FaceDetection,
    FaceMatch,
    ImageQuality,
    Landmark,
    PersonDetail,
    PersonMatch,
    Pose,
    VideoMetadata,
)

MAX_ACTIVE_JOBS = 20
"""Jobs of one deployment that may be in progress at once (Rekognition's documented default per
account was 20): more is LimitExceededException. Two cores analyse one video at a time anyway."""

MAX_PAGE = 1000
"""GetFaceDetection and GetFaceSearch answer at most 1000 results a page, and 1000 by default."""

INTERRUPTED_MESSAGE = "The job was interrupted: the worker running it stopped before it finished. Start it again."


class JobKind(enum.StrEnum):
    FACE_DETECTION = "StartFaceDetection"
    FACE_SEARCH = "StartFaceSearch"

    @property
    def operation_class(self) -> OperationClass:
        """What the terms of use decide a job of this kind as: a face search identifies people."""
        return OperationClass.IDENTIFICATION if self is JobKind.FACE_SEARCH else OperationClass.DETECTION


class JobStatus(enum.StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


def new_job_id() -> str:
    """64 hex characters, like the JobIds Rekognition's documentation shows."""
    return secrets.token_hex(32)


@dataclasses.dataclass(frozen=True)
class VideoJob:
    job_id: str
    kind: JobKind
    tenant_id: str
    deployment_id: str
    video: S3ObjectLocation
    created: datetime
    heartbeat: datetime
    status: JobStatus = JobStatus.IN_PROGRESS
    collection_id: str | None = None
    threshold: float | None = None
    face_attributes: str = "DEFAULT"
    job_tag: str | None = None
    status_message: str | None = None
    video_metadata: VideoMetadata | None = None
    finished: datetime | None = None

    def fingerprint(self) -> str:
        """What a ClientRequestToken stands for: the same token with other parameters is a mismatch."""
        asked = [self.kind.value, self.video.bucket, self.video.name, self.video.version, self.collection_id,
                 self.threshold, self.face_attributes, self.job_tag]
        return hashlib.sha256(json.dumps(asked).encode("utf-8")).hexdigest()

    def as_of(self, moment: datetime) -> VideoJob:
        """The job as a client should see it: one in progress whose worker vanished has failed."""
        if self.status is JobStatus.IN_PROGRESS and moment - self.heartbeat > timedelta(seconds=LEASE_SECONDS):
            return dataclasses.replace(self, status=JobStatus.FAILED, status_message=INTERRUPTED_MESSAGE,
                                       finished=self.heartbeat)
        return self

    def to_record(self) -> dict[str, str]:
        return {
            "job_id": self.job_id, "kind": self.kind.value, "tenant_id": self.tenant_id,
            "deployment_id": self.deployment_id, "video": json.dumps(dataclasses.asdict(self.video)),
            "created": format_time(self.created), "heartbeat": format_time(self.heartbeat),
            "status": self.status.value, "collection_id": self.collection_id or "",
            "threshold": "" if self.threshold is None else repr(self.threshold),
            "face_attributes": self.face_attributes, "job_tag": self.job_tag or "",
            "status_message": self.status_message or "",
            "video_metadata": json.dumps(dataclasses.asdict(self.video_metadata)) if self.video_metadata else "",
            "finished": format_time(self.finished) if self.finished else "",
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> VideoJob:
        return cls(
            job_id=raw["job_id"], kind=JobKind(raw["kind"]), tenant_id=raw["tenant_id"],
            deployment_id=raw["deployment_id"], video=S3ObjectLocation(**json.loads(raw["video"])),
            created=parse_time(raw["created"]), heartbeat=parse_time(raw["heartbeat"]),
            status=JobStatus(raw["status"]), collection_id=raw.get("collection_id") or None,
            threshold=float(raw["threshold"]) if raw.get("threshold") else None,
            face_attributes=raw.get("face_attributes") or "DEFAULT", job_tag=raw.get("job_tag") or None,
            status_message=raw.get("status_message") or None,
            video_metadata=VideoMetadata(**json.loads(raw["video_metadata"])) if raw.get("video_metadata") else None,
            finished=parse_time(raw["finished"]) if raw.get("finished") else None,
        )


# results as stored: one JSON document per result ------------------------------------------

def result_json(result: FaceDetection | PersonMatch) -> str:
    return json.dumps(dataclasses.asdict(result), separators=(",", ":"))


def detection_from_json(text: str) -> FaceDetection:
    raw = json.loads(text)
    return FaceDetection(raw["timestamp"], _face_detail(raw["face"]))


def person_match_from_json(text: str) -> PersonMatch:
    raw = json.loads(text)
    person = raw["person"]
    return PersonMatch(
        raw["timestamp"],
        PersonDetail(person["index"], _face_detail(person["face"]), _box(person.get("bounding_box"))),
        tuple(FaceMatch(match["similarity"], _face(match["face"])) for match in raw["face_matches"]),
    )


def _box(raw: Mapping[str, Any] | None) -> BoundingBox | None:
    return BoundingBox(**raw) if raw else None


def _face_detail(raw: Mapping[str, Any]) -> FaceDetail:
    box = _box(raw["bounding_box"])
    assert box is not None
    return FaceDetail(
        bounding_box=box, confidence=raw["confidence"],
        landmarks=tuple(Landmark(**landmark) for landmark in raw["landmarks"]) if raw.get("landmarks") else None,
        pose=Pose(**raw["pose"]) if raw.get("pose") else None,
        quality=ImageQuality(**raw["quality"]) if raw.get("quality") else None,
    )


def _face(raw: Mapping[str, Any]) -> Face:
    return Face(**{**raw, "bounding_box": _box(raw.get("bounding_box"))})
