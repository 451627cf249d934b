"""The redaction operations of the media API: create one (from an upload, a URL or an S3 object),
read it, fetch its redacted file, delete it with its files; and, on the worker, run it and audit
how it ended.

Creating checks the input before anything is queued: an upload is read for what it is (server/
vision/media_check.py), a URL is asked for its first bytes through the SSRF-safe fetcher, an S3
object is looked up (HEAD). Input that would only fail the job is refused at once, and the refused
upload is deleted: bad input changes nothing. The job itself runs in server/services/media.py.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from redis import Redis

from server import defaults
from server.domain.audit import MediaJobAction, media_job_event
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.media_jobs import RETENTION_SECONDS, JobStatus, MediaJob, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import parse_method
from server.errors import (
    BadArgument,
    Conflict,
    InvalidImageSize,
    InvalidURL,
    NotFound,
    S3ObjectTooLarge,
    VideoTooLarge,
)
from server.services.media import (
    MAX_URL_MEDIA_BYTES,
    MEDIA_QUEUE,
    MediaJobNotFound,
    discard_upload,
    get_job,
    job_directory,
    output_file,
    run_redaction,
    submit_redaction,
)
from server.store.audit import AuditLog
from server.store.media_jobs import MediaJobStore
from server.store.queues import queue
from server.store.s3 import S3Location, S3Store
from server.store.tenants import TenantRepository
from server.vision.fetch import peek_url
from server.vision.media_check import MediaKind, check_media_file, media_kind
from server.vision.video import SNIFF_BYTES

S3_SCHEME = "s3://"

UPLOADS = "uploads"
"""A deployment's folder in the media directory for originals uploaded through the API, until their
job ends (beside its jobs' folders, which are named by uuid)."""

URL_PEEK_TIMEOUT = 15.0
"""Seconds to reach a media URL and read its first bytes when the redaction is created (the
worker's download of the whole file gets longer)."""


class RedactionNotFinished(Conflict):
    code = "RedactionNotFinished"
    message = "The redaction has not finished: poll it until its status is succeeded."


class RedactionFailed(Conflict):
    code = "RedactionFailed"


class RedactedFileNotFound(NotFound):
    code = "RedactedFileNotFound"


@dataclasses.dataclass(frozen=True)
class RedactionInput:
    """What a create call names, as sent: the media (a file the API received, a URL, or an S3 object
    as `{bucket, key, version?}` or an s3:// URI), the method, and an s3:// URI to write the result to."""

    upload: Path | None = None
    url: str | None = None
    s3: Mapping[str, Any] | str | None = None
    method: str | None = None
    output: str | None = None


@dataclasses.dataclass(frozen=True)
class Redaction:
    """A job as the API shows it: the record, the face tracks once a video's job succeeded, and
    (given by the API) where its redacted file can be downloaded."""

    job: MediaJob
    tracks: list[dict[str, Any]] | None = None
    result_location: str | None = None

    @property
    def downloadable(self) -> bool:
        output = (self.job.result or {}).get("output", {})
        return self.job.status is JobStatus.SUCCEEDED and output.get("kind") == "file"


@dataclasses.dataclass(frozen=True)
class RedactedFile:
    path: Path
    media_type: str
    download_name: str


def new_upload(media_dir: Path, caller: Caller) -> Path:
    """A new file name for an original the API receives for the caller's deployment."""
    directory = media_dir / caller.deployment_id / UPLOADS
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{uuid.uuid4()}.upload"


SWEEP_GRACE_SECONDS = 3600
"""A job's folder is left alone this long after it last changed, whatever Redis says: a folder is made
for a job just recorded, and a clock or a read may be a moment behind."""


def sweep_media(redis: Redis, media_dir: Path, *, at: float | None = None) -> int:
    """Delete the media files no job can need any more (the workers' periodic maintenance): the folder
    of a job whose record is gone (deleted, or expired after RETENTION_SECONDS with its redacted
    file), and an upload older than any job that could still read it. How many it deleted."""
    moment = time.time() if at is None else at
    store, deleted = MediaJobStore(redis), 0
    for deployment in _folders(media_dir):
        for entry in _folders(deployment):
            if entry.name == UPLOADS:
                for upload in entry.glob("*.upload"):
                    if _older_than(upload, moment - RETENTION_SECONDS):
                        upload.unlink(missing_ok=True)
                        deleted += 1
            elif (_is_job_id(entry.name) and _older_than(entry, moment - SWEEP_GRACE_SECONDS)
                  and store.get(deployment.name, entry.name) is None):
                shutil.rmtree(entry, ignore_errors=True)
                deleted += 1
    return deleted


def _folders(directory: Path) -> list[Path]:
    try:
        return [entry for entry in directory.iterdir() if entry.is_dir() and not entry.is_symlink()]
    except FileNotFoundError:
        return []


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def _is_job_id(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def purge_media(media_dir: Path, deployment_id: str) -> None:
    """Delete every file kept for a deleted deployment: uploads not yet read and redacted files."""
    if deployment_id and (media_dir / deployment_id).resolve().parent == media_dir.resolve():
        shutil.rmtree(media_dir / deployment_id, ignore_errors=True)


def create_redaction(redis: Redis, caller: Caller, given: RedactionInput, *, media_dir: Path,
                     url_allowlist: Sequence[str] = (),
                     s3: Callable[[], S3Store] = S3Store.from_environment) -> MediaJob:
    """Check the input, queue the job and audit its submission. An upload that is refused, here or
    by the queue, is deleted."""
    try:
        source = _source(given)
        method, target = parse_method(given.method), _target(given.output)
        _check_source(source, url_allowlist, s3)
        if target.in_s3:
            s3().check_bucket(S3Location(target.bucket or "", target.key or ""))
        job = submit_redaction(redis, queue(redis, MEDIA_QUEUE), tenant_id=caller.tenant_id,
                               deployment_id=caller.deployment_id, source=source, target=target, method=method)
    except BaseException:
        if given.upload is not None:
            given.upload.unlink(missing_ok=True)
        raise
    _audit(redis, job, MediaJobAction.SUBMITTED, caller)
    return job


def get_redaction(redis: Redis, caller: Caller, job_id: str) -> Redaction:
    job = _own_job(redis, caller, job_id)
    finished_video = job.status is JobStatus.SUCCEEDED and "faces" not in (job.result or {})
    tracks = MediaJobStore(redis).tracks(job.deployment_id, job.job_id) if finished_video else None
    return Redaction(job, tracks)


def redacted_file(redis: Redis, caller: Caller, job_id: str, *, media_dir: Path) -> RedactedFile:
    """The redacted file of a job that succeeded and kept it in the media directory."""
    job = _own_job(redis, caller, job_id)
    if job.status is JobStatus.FAILED:
        raise RedactionFailed(f"The redaction failed, so there is no redacted file: {job.message or job.error_code}")
    if job.status is not JobStatus.SUCCEEDED or job.result is None:
        raise RedactionNotFinished()
    output = job.result.get("output", {})
    if output.get("kind") == "s3":
        raise RedactedFileNotFound(f"The redacted file was written to {output['uri']}; Visage keeps no copy.")
    path = output_file(media_dir, job)
    if path is None or not path.is_file():
        raise RedactedFileNotFound("The redacted file is no longer kept.")
    return RedactedFile(path, str(job.result["mediaType"]), path.name)


def delete_redaction(redis: Redis, caller: Caller, job_id: str, *, media_dir: Path) -> None:
    """Forget the job and delete its files: the redacted file, and the original if it was uploaded
    and not yet read. A worker running it stops at its next progress report."""
    job = _own_job(redis, caller, job_id)
    if not MediaJobStore(redis).delete(job.deployment_id, job.job_id):
        raise MediaJobNotFound()
    shutil.rmtree(job_directory(media_dir, job.deployment_id, job.job_id), ignore_errors=True)
    discard_upload(job.source, media_dir)
    _audit(redis, job, MediaJobAction.DELETED, caller)


def run_redaction_job(redis: Redis, tenant_id: str, deployment_id: str, job_id: str, *, media_dir: Path,
                      may_run: Callable[[], str | None], url_allowlist: Sequence[str] = ()) -> JobStatus:
    """The worker's side: run the job (server/services/media.py), then audit how it ended."""
    queued = MediaJobStore(redis).get(deployment_id, job_id)
    try:
        return run_redaction(redis, deployment_id, job_id, media_dir=media_dir, may_run=may_run,
                             url_allowlist=url_allowlist)
    finally:
        ended = MediaJobStore(redis).get(deployment_id, job_id)
        if queued is not None and not queued.status.finished and ended is not None and ended.status.finished:
            AuditLog(redis).append_event(media_job_event(
                ended, MediaJobAction.ENDED, at=ended.finished or now(),
                tenant=TenantRepository(redis).get(tenant_id), request_id=f"job:{job_id}"))


def _audit(redis: Redis, job: MediaJob, action: MediaJobAction, caller: Caller) -> None:
    AuditLog(redis).append_event(media_job_event(
        job, action, at=now(), tenant=caller.tenant, request_id=caller.request_id,
        deployment_name=caller.deployment.name, capture=caller.capture, route=caller.route,
        api_version=caller.api_version))


def _own_job(redis: Redis, caller: Caller, job_id: str) -> MediaJob:
    job = get_job(redis, caller.deployment_id, job_id)
    if job.tenant_id != caller.tenant_id:
        raise MediaJobNotFound()
    return job


def _source(given: RedactionInput) -> MediaSource:
    named = [name for name, value in (("the body", given.upload), ("url", given.url), ("s3", given.s3))
             if value is not None]
    if len(named) != 1:
        raise BadArgument("Send the image or video as the request body, or name it with one of 'url' and 's3'"
                          + (f", not {' and '.join(named)}." if named else "."))
    if given.upload is not None:
        return MediaSource(SourceKind.FILE, path=str(given.upload))
    if isinstance(given.url, str) and given.url.startswith(S3_SCHEME):
        return _s3_source(S3Location.from_uri(given.url))
    if given.url is not None:
        if not isinstance(given.url, str) or not given.url.strip():
            raise InvalidURL("Invalid media URL.")
        return MediaSource(SourceKind.URL, url=given.url.strip())
    if isinstance(given.s3, str):
        return _s3_source(S3Location.from_uri(given.s3))
    if not isinstance(given.s3, Mapping):
        raise BadArgument("'s3' is an object {bucket, key, version?} or an s3://bucket/key URI.")
    # S3Location refuses what is not a string of the right form
    return _s3_source(S3Location(given.s3.get("bucket", ""), given.s3.get("key", ""), given.s3.get("version")))


def _s3_source(location: S3Location) -> MediaSource:
    return MediaSource(SourceKind.S3, bucket=location.bucket, key=location.key, version=location.version)


def _target(output: str | None) -> MediaTarget:
    if output is None:
        return MediaTarget()
    location = S3Location.from_uri(output)
    return MediaTarget(location.bucket, location.key)


def _check_source(source: MediaSource, url_allowlist: Sequence[str], s3: Callable[[], S3Store]) -> None:
    if source.kind is SourceKind.FILE:
        check_media_file(Path(source.path or ""))
    elif source.kind is SourceKind.URL:
        peek = peek_url(source.url or "", allowlist=url_allowlist, head_bytes=SNIFF_BYTES,
                        total_timeout=URL_PEEK_TIMEOUT)
        _check_length(media_kind(peek.head), peek.declared_length)
    else:
        location = S3Location(source.bucket or "", source.key or "", source.version)
        size = s3().head(location).size
        if size > defaults.MAX_VIDEO_BYTES:
            raise S3ObjectTooLarge(f"The S3 object {location.uri} ({size} bytes) is larger than the "
                                   f"{defaults.MAX_VIDEO_BYTES} bytes accepted.")


def _check_length(kind: MediaKind, declared: int | None) -> None:
    if declared is None:
        return  # the worker's download enforces the cap as it reads
    if kind is MediaKind.IMAGE and declared > defaults.MAX_IMAGE_BYTES:
        raise InvalidImageSize("Image size is too big.")
    if kind is MediaKind.VIDEO and declared > MAX_URL_MEDIA_BYTES:
        raise VideoTooLarge(f"The video at the URL is {declared} bytes; a URL may serve at most {MAX_URL_MEDIA_BYTES} "
                            "bytes. Upload larger footage, or give it as an S3 object.")
