"""Rekognition's stored-video jobs: StartFaceDetection / GetFaceDetection and StartFaceSearch /
GetFaceSearch on videos in S3, run by RQ workers.

Start checks what it can at once (the video's location and size, the collection, the
ClientRequestToken, the number of jobs in progress), records the job and queues it. The worker
downloads the video into the media directory, reads its content credentials, and asks the terms
of use again with the footage's provenance; a face search then asks again for each sampled frame,
on the frame's own capture time, before any face of it is matched. A refusal fails the job with the
clause in its StatusMessage, and nothing is kept.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from redis import Redis

from server import defaults
from server.domain import rekognition, similarity
from server.domain.aws_errors import (
    IdempotentParameterMismatchException,
    InvalidPaginationTokenException,
    InvalidParameterException,
    InvalidS3ObjectException,
    LimitExceededException,
    ResourceNotFoundException,
    VideoTooLargeException,
)
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.media_jobs import HEARTBEAT_SECONDS
from server.domain.operations import OperationClass
from server.domain.policy import PolicyDecision
from server.domain.provenance import Provenance
from server.domain.rekognition import S3ObjectRequest
from server.domain.rekognition_results import JobStarted, S3ObjectLocation, VideoJobPage, VideoLocation
from server.domain.rekognition_shapes import VideoMetadata
from server.domain.video_jobs import (
    MAX_ACTIVE_JOBS,
    MAX_PAGE,
    JobKind,
    JobStatus,
    VideoJob,
    detection_from_json,
    new_job_id,
    person_match_from_json,
    result_json,
)
from server.errors import BadArgument, VisageError
from server.services.heartbeat import Heartbeat
from server.services.rekognition_collections import collection_faces, existing_collection
from server.services.rekognition_images import S3Stores, s3_store
from server.store.queues import queue
from server.store.s3 import S3Location
from server.store.trust_anchors import TrustAnchorStore
from server.store.video_jobs import VideoJobStore
from server.vision.provenance import read_file_provenance
from server.vision.video_analysis import CollectionFaces, detect_video_faces, search_video_faces

log = logging.getLogger(__name__)

VIDEO_QUEUE = "media"
VIDEO_JOB = "workers.jobs.analyse_video"
VIDEO_JOB_TIMEOUT = 6 * 3600
"""Analysis runs at a few times real time on two busy cores; the longest video accepted, two hours,
fits in six."""

BY_TIMESTAMP, BY_INDEX = "TIMESTAMP", "INDEX"

JobDecision = Callable[[OperationClass, Provenance], PolicyDecision]
"""The terms of use for a job, on its footage's provenance."""
FrameDecisions = Callable[[OperationClass, Provenance], Callable[[int], PolicyDecision]]
"""The terms of use for each sampled frame (by timestamp, ms) of footage with this provenance."""

NO_SNS = ("Visage cannot publish to Amazon SNS: leave NotificationChannel out and poll the Get operation until "
          "JobStatus is no longer IN_PROGRESS.")


class _Refused(Exception):
    def __init__(self, decision: PolicyDecision) -> None:
        super().__init__(decision.message)
        self.decision = decision


class _JobGone(Exception):
    """The job was deleted (its deployment purged) while it ran."""


def start(redis: Redis, caller: Caller, kind: JobKind, video: S3ObjectRequest, *, client_token: str | None,
          job_tag: str | None, notification: object | None, collection_id: str | None = None,
          threshold: float | None = None, face_attributes: str = "DEFAULT", s3: S3Stores = s3_store) -> JobStarted:
    if notification is not None:
        raise InvalidParameterException(NO_SNS)
    try:
        location = S3Location(video.bucket, video.name, video.version)
    except BadArgument as bad:
        raise InvalidS3ObjectException(bad.message) from None
    if collection_id is not None:
        existing_collection(redis, caller.deployment_id, collection_id)
    moment = now()
    job = VideoJob(new_job_id(), kind, caller.tenant_id, caller.deployment_id,
                   S3ObjectLocation(video.bucket, video.name, video.version), moment, moment,
                   collection_id=collection_id,
                   threshold=None if kind is JobKind.FACE_DETECTION else rekognition.check_percent(
                       threshold, "FaceMatchThreshold", similarity.REKOGNITION_DEFAULT_THRESHOLD),
                   face_attributes=face_attributes, job_tag=job_tag)
    store = VideoJobStore(redis)
    if client_token is not None:
        held = store.claim_token(caller.deployment_id, kind.value, client_token, job.job_id, job.fingerprint())
        if held is not None:
            job_id, _, fingerprint = held.partition(" ")
            if fingerprint != job.fingerprint():
                raise IdempotentParameterMismatchException()
            return JobStarted(job_id)
    try:
        size = s3().head(location).size
        if size > defaults.MAX_VIDEO_BYTES:
            raise VideoTooLargeException(f"Video size in bytes: {size} is more than the maximum limit of: "
                                         f"{defaults.MAX_VIDEO_BYTES} bytes.")
        _check_capacity(store, caller.deployment_id)
    except VisageError:
        if client_token is not None:
            store.release_token(caller.deployment_id, kind.value, client_token)
        raise
    store.create(job)
    queue(redis, VIDEO_QUEUE).enqueue(VIDEO_JOB, caller.tenant_id, caller.deployment_id, job.job_id,
                                      job_timeout=VIDEO_JOB_TIMEOUT, result_ttl=3600, failure_ttl=86400)
    return JobStarted(job.job_id)


def _check_capacity(store: VideoJobStore, deployment_id: str) -> None:
    moment = now()
    active = store.active(deployment_id)
    jobs = [store.get(deployment_id, job_id) for job_id in active]
    over = [job_id for job_id, job in zip(active, jobs, strict=True)
            if job is None or job.as_of(moment).status is not JobStatus.IN_PROGRESS]
    store.set_inactive(deployment_id, over)
    if len(active) - len(over) >= MAX_ACTIVE_JOBS:
        raise LimitExceededException(f"{MAX_ACTIVE_JOBS} open Jobs for this deployment. Maximum limit: "
                                     f"{MAX_ACTIVE_JOBS}")


def get_results(redis: Redis, caller: Caller, kind: JobKind, job_id: str, *, max_results: int | None,
                next_token: str | None, sort_by: str | None = None) -> VideoJobPage:
    """One page of a job's results, with its status; results only once it has SUCCEEDED."""
    job = VideoJobStore(redis).get(caller.deployment_id, job_id)
    if job is None or job.kind is not kind:
        raise ResourceNotFoundException(f"The job id: {job_id} does not exist")
    job = job.as_of(now())
    count = rekognition.check_count(max_results, "MaxResults", low=1, high=MAX_PAGE, default=MAX_PAGE)
    order = sort_by or BY_TIMESTAMP
    start = _offset(job.job_id, order, next_token)
    page = VideoJobPage(job.job_id, job.status.value, VideoLocation(job.video), job.status_message,
                        job.video_metadata, job_tag=job.job_tag)
    if job.status is not JobStatus.SUCCEEDED:
        return page
    found, total = VideoJobStore(redis).results(caller.deployment_id, job.job_id, order, start, count)
    more = rekognition.next_token(f"{job.job_id}/{order}/{start + count}") if start + count < total else None
    if kind is JobKind.FACE_DETECTION:
        return dataclasses.replace(page, next_token=more, faces=tuple(detection_from_json(item) for item in found))
    return dataclasses.replace(page, next_token=more, persons=tuple(person_match_from_json(item) for item in found))


def _offset(job_id: str, order: str, token: str | None) -> int:
    position = rekognition.token_position(token)
    if position is None:
        return 0
    token_job, _, rest = position.partition("/")
    token_order, _, offset = rest.partition("/")
    if token_job != job_id or token_order != order or not (offset.isascii() and offset.isdigit()):
        raise InvalidPaginationTokenException()
    return int(offset)


# the worker's side --------------------------------------------------------------------------

def run(redis: Redis, deployment_id: str, job_id: str, *, media_dir: Path, s3: S3Stores,
        decide_job: JobDecision, decide_frames: FrameDecisions) -> JobStatus:
    store = VideoJobStore(redis)
    job = store.get(deployment_id, job_id)
    if job is None or job.status is not JobStatus.IN_PROGRESS:
        return JobStatus.FAILED
    beating = Heartbeat(lambda moment: store.beat(deployment_id, job_id, moment), HEARTBEAT_SECONDS,
                        name="video-job-heartbeat")
    try:
        media_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".scratch-", dir=media_dir) as scratch:
            video = Path(scratch) / "video"
            s3().download(S3Location(job.video.bucket, job.video.name, job.video.version), video,
                          defaults.MAX_VIDEO_BYTES)
            footage = read_file_provenance(video, TrustAnchorStore(redis).list())
            if not (decision := decide_job(job.kind.operation_class, footage)).allowed:
                raise _Refused(decision)
            metadata, ordered = _analyse(redis, job, video, footage, decide_frames, store)
    except _JobGone:
        return JobStatus.FAILED
    except _Refused as refused:
        return _finish(store, job, JobStatus.FAILED, message=refusal_message(refused.decision))
    except VisageError as error:
        return _finish(store, job, JobStatus.FAILED, message=f"{error.code}: {error.message}")
    except Exception:
        log.exception("video job %s failed", job.job_id)
        _finish(store, job, JobStatus.FAILED, message="InternalServerError: the analysis failed on the worker.")
        raise
    finally:
        beating.stop()
    store.save_results(deployment_id, job_id, ordered)
    return _finish(store, job, JobStatus.SUCCEEDED, metadata=metadata)


def refusal_message(decision: PolicyDecision) -> str:
    clause = f" (clause {decision.clause}, terms of use version {decision.policy_version})" if decision.clause else ""
    return f"AccessDeniedException: {decision.message}{clause}"


def _analyse(redis: Redis, job: VideoJob, video: Path, footage: Provenance, decide_frames: FrameDecisions,
             store: VideoJobStore) -> tuple[VideoMetadata, dict[str, list[str]]]:
    def alive(_: int) -> None:
        if store.get(job.deployment_id, job.job_id) is None:
            raise _JobGone()

    if job.kind is JobKind.FACE_DETECTION:
        found = detect_video_faces(video, progress=alive)
        return found.video, {BY_TIMESTAMP: [result_json(face) for face in found.faces]}
    decide = decide_frames(job.kind.operation_class, footage)

    def admit_frame(timestamp_ms: int) -> None:
        if not (decision := decide(timestamp_ms)).allowed:
            raise _Refused(decision)

    # the collection as it is when the job runs (it may have changed since the job started)
    matrix, faces = collection_faces(redis, job.deployment_id, job.collection_id or "")
    searched = search_video_faces(video, CollectionFaces(matrix, faces), threshold=job.threshold or 0.0,
                                  progress=alive, admit_frame=admit_frame)
    by_index = sorted(searched.persons, key=lambda person: (person.person.index, person.timestamp))
    return searched.video, {BY_TIMESTAMP: [result_json(person) for person in searched.persons],
                            BY_INDEX: [result_json(person) for person in by_index]}


def _finish(store: VideoJobStore, job: VideoJob, status: JobStatus, *, message: str | None = None,
            metadata: VideoMetadata | None = None) -> JobStatus:
    moment = now()
    store.update(dataclasses.replace(job, status=status, status_message=message, video_metadata=metadata,
                                     heartbeat=moment, finished=moment))
    store.set_inactive(job.deployment_id, [job.job_id])
    return status
