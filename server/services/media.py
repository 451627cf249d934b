"""Media jobs: submit a redaction (queue it), read it, and run it (in a worker).

Files live in the media directory (`media_directory()`, shared by the API and the workers): an
upload the API stored for a job, the job's scratch space while it runs (on the same disk, never a
RAM-backed /tmp, since a video may be gigabytes), and the redacted file until it is fetched. An
uploaded original is deleted as soon as its job ends: unredacted footage does not linger.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue

from server import defaults
from server.domain.clock import now
from server.domain.media_jobs import HEARTBEAT_SECONDS, JobStatus, MediaJob, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import RedactionMethod, RedactionOptions
from server.errors import BadArgument, InvalidImageSize, NotFound, VideoTooLarge, VisageError
from server.services.heartbeat import Heartbeat
from server.store.media_jobs import MediaJobStore
from server.store.s3 import S3Location, S3Store
from server.vision.fetch import fetch_image
from server.vision.images import looks_like_image
from server.vision.redaction import redact_image, redact_video

log = logging.getLogger(__name__)

MEDIA_QUEUE = "media"
REDACTION_JOB = "workers.jobs.redact_media"
REDACTION_JOB_TIMEOUT = 6 * 3600
"""Redaction runs at about three times real time on two busy cores (HOG ten times a second and the
CNN once a second): the longest video accepted, two hours, fits in six."""

MAX_URL_MEDIA_BYTES = 256 * 1024 * 1024
"""A video from a URL is read into memory by the SSRF-safe fetcher before it is written out, so
it is capped well below MAX_VIDEO_BYTES; larger footage comes as an upload or from S3."""

URL_MEDIA_TIMEOUT = 300.0
"""Seconds for a whole media download from a URL (images get 15)."""

OUTPUT_NAME = "redacted"


class MediaJobNotFound(NotFound):
    code = "MediaJobNotFound"
    message = "The media job is not found."


class _JobGone(Exception):
    """The job was deleted while it ran: stop working on it."""


def media_directory() -> Path:
    """`VISAGE_MEDIA_DIR`, else `media` in the data directory `visage up` uses (`VISAGE_DATA_DIR`,
    else ~/.visage), read when asked: the API and the workers must agree on it."""
    configured = os.environ.get("VISAGE_MEDIA_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("VISAGE_DATA_DIR") or Path.home() / ".visage").expanduser() / "media"


def job_directory(media_dir: Path, deployment_id: str, job_id: str) -> Path:
    return media_dir / deployment_id / job_id


def output_file(media_dir: Path, job: MediaJob) -> Path | None:
    """Where a finished job's redacted file is, when it was kept in the media directory."""
    output = (job.result or {}).get("output", {})
    if output.get("kind") != "file":
        return None
    return job_directory(media_dir, job.deployment_id, job.job_id) / str(output["fileName"])


def submit_redaction(redis: Redis, queue: Queue, *, tenant_id: str, deployment_id: str, source: MediaSource,
                     target: MediaTarget, method: RedactionMethod) -> MediaJob:
    """Record a redaction and queue it; the worker decides again under the terms of use when it starts."""
    if target.in_s3:
        S3Location(target.bucket or "", target.key or "")  # refuse a malformed output location now
    if source.kind is SourceKind.S3:
        S3Location(source.bucket or "", source.key or "", source.version)
    moment = now()
    job = MediaJob(job_id=str(uuid.uuid4()), tenant_id=tenant_id, deployment_id=deployment_id, method=method,
                   source=source, target=target, status=JobStatus.NOT_STARTED, percent_complete=0, created=moment,
                   last_action=moment, heartbeat=moment)
    MediaJobStore(redis).create(job)
    queue.enqueue(REDACTION_JOB, tenant_id, deployment_id, job.job_id, job_timeout=REDACTION_JOB_TIMEOUT,
                  result_ttl=3600, failure_ttl=86400)
    return job


def get_job(redis: Redis, deployment_id: str, job_id: str) -> MediaJob:
    try:
        job_id = str(uuid.UUID(job_id))
    except ValueError:
        raise MediaJobNotFound() from None
    job = MediaJobStore(redis).get(deployment_id, job_id)
    if job is None:
        raise MediaJobNotFound()
    return job.as_of(now())


def run_redaction(redis: Redis, deployment_id: str, job_id: str, *, media_dir: Path,
                  may_run: Callable[[], str | None], s3: Callable[[], S3Store] = S3Store.from_environment,
                  url_allowlist: Sequence[str] = ()) -> JobStatus:
    """The worker's side. `may_run` is the terms of use, decided again as the job starts (the tenant
    may have been suspended since it was queued): a reason to refuse fails the job, untouched."""
    store = MediaJobStore(redis)
    job = store.get(deployment_id, job_id)
    if job is None or job.status.finished:
        return JobStatus.FAILED
    started = now()
    running = dataclasses.replace(job, status=JobStatus.RUNNING, percent_complete=0, last_action=started,
                                  heartbeat=started)
    try:
        if (refusal := may_run()) is not None:
            _finish(store, running, JobStatus.FAILED, error=("JobRefused", f"The redaction was refused: {refusal}"))
            return JobStatus.FAILED
        if not store.update(running):
            return JobStatus.FAILED
        return _run(store, running, media_dir, s3, url_allowlist)
    finally:
        discard_upload(job.source, media_dir)


def _run(store: MediaJobStore, job: MediaJob, media_dir: Path, s3: Callable[[], S3Store],
         url_allowlist: Sequence[str]) -> JobStatus:
    def progress(percent: int) -> None:
        if not store.progress(job.deployment_id, job.job_id, percent, now()):
            raise _JobGone()

    beating = Heartbeat(lambda moment: store.beat(job.deployment_id, job.job_id, moment), HEARTBEAT_SECONDS,
                        name="media-heartbeat")
    try:
        media_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".scratch-", dir=media_dir) as scratch:
            source = _fetch(job.source, Path(scratch), media_dir, s3, url_allowlist)
            redacted, summary, tracks = _redact(source, Path(scratch), job, progress)
            summary["output"] = _deliver(redacted, summary["mediaType"], job, media_dir, s3)
    except _JobGone:
        return JobStatus.FAILED
    except VisageError as error:
        _finish(store, job, JobStatus.FAILED, error=(error.code, error.message))
        return JobStatus.FAILED
    except Exception:
        log.exception("media job %s failed", job.job_id)
        _finish(store, job, JobStatus.FAILED, error=("InternalError", "The redaction failed on the worker."))
        raise
    finally:
        beating.stop()
    store.save_tracks(job.deployment_id, job.job_id, tracks)
    if not _finish(store, job, JobStatus.SUCCEEDED, result=summary):
        # deleted while its file was being delivered: the file must not outlive the job
        shutil.rmtree(job_directory(media_dir, job.deployment_id, job.job_id), ignore_errors=True)
        return JobStatus.FAILED
    return JobStatus.SUCCEEDED


def _fetch(source: MediaSource, scratch: Path, media_dir: Path, s3: Callable[[], S3Store],
           url_allowlist: Sequence[str]) -> Path:
    if source.kind is SourceKind.FILE:
        path = Path(source.path or "").resolve()
        if not path.is_relative_to(media_dir.resolve()) or not path.is_file():
            raise BadArgument("The uploaded media is missing.")
        return path
    destination = scratch / "input"
    if source.kind is SourceKind.URL:
        try:
            data = fetch_image(source.url or "", allowlist=url_allowlist, max_bytes=MAX_URL_MEDIA_BYTES,
                               total_timeout=URL_MEDIA_TIMEOUT)
        except InvalidImageSize:  # the URL's cap, met while downloading when no Content-Length said so
            raise VideoTooLarge(f"The media at the URL is larger than {MAX_URL_MEDIA_BYTES} bytes; a URL may serve "
                                f"at most {MAX_URL_MEDIA_BYTES} bytes. Upload larger footage, or give it as an S3 "
                                "object.") from None
        destination.write_bytes(data)
        return destination
    location = S3Location(source.bucket or "", source.key or "", source.version)
    s3().download(location, destination, max_bytes=defaults.MAX_VIDEO_BYTES)
    return destination


def _redact(source: Path, scratch: Path, job: MediaJob,
            progress: Callable[[int], None]) -> tuple[Path, dict[str, Any], list[dict[str, Any]]]:
    options = RedactionOptions(method=job.method)
    with open(source, "rb") as handle:
        head = handle.read(16)
    if looks_like_image(head):
        if source.stat().st_size > defaults.MAX_IMAGE_BYTES:
            raise InvalidImageSize("Image size is too big.")
        progress(0)
        image = redact_image(source.read_bytes(), options)
        redacted = scratch / f"{OUTPUT_NAME}{image.extension}"
        redacted.write_bytes(image.data)
        progress(100)
        summary: dict[str, Any] = {"mediaType": image.media_type, "width": image.width, "height": image.height,
                                   "faces": [face.to_public() for face in image.faces]}
        return redacted, summary, []
    video = redact_video(source, scratch / "output", options, progress=progress)
    redacted = scratch / f"{OUTPUT_NAME}{video.extension}"
    os.replace(scratch / "output", redacted)
    summary = {"mediaType": video.media_type, "width": video.width, "height": video.height, "frames": video.frames,
               "fps": round(video.fps, 3), "durationMs": video.duration_ms, "codec": video.codec,
               "sourceCodec": video.source_codec, "faceTracks": len(video.tracks)}
    return redacted, summary, [track.to_record(video.width, video.height) for track in video.tracks]


def _deliver(redacted: Path, media_type: str, job: MediaJob, media_dir: Path,
             s3: Callable[[], S3Store]) -> dict[str, Any]:
    if job.target.in_s3:
        location = S3Location(job.target.bucket or "", job.target.key or "")
        stored = s3().upload(redacted, location, media_type)
        return {"kind": "s3", "uri": location.uri, "versionId": stored.version}
    directory = job_directory(media_dir, job.deployment_id, job.job_id)
    directory.mkdir(parents=True, exist_ok=True)
    shutil.move(redacted, directory / redacted.name)
    return {"kind": "file", "fileName": redacted.name}


def discard_upload(source: MediaSource, media_dir: Path) -> None:
    """Delete an uploaded original (only ever inside the media directory)."""
    if source.kind is SourceKind.FILE and source.path:
        path = Path(source.path).resolve()
        if path.is_relative_to(media_dir.resolve()):
            path.unlink(missing_ok=True)


def _finish(store: MediaJobStore, job: MediaJob, status: JobStatus, *, result: dict[str, Any] | None = None,
            error: tuple[str, str] | None = None) -> bool:
    """Write how the job ended; False when it no longer exists."""
    moment = now()
    reached = store.get(job.deployment_id, job.job_id)
    percent = 100 if status is JobStatus.SUCCEEDED else reached.percent_complete if reached else job.percent_complete
    return store.update(dataclasses.replace(
        job, status=status, percent_complete=percent,
        last_action=moment, heartbeat=moment, finished=moment, result=result,
        error_code=error[0] if error else None, message=error[1] if error else None,
    ))
