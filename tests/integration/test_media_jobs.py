"""Redaction jobs on RQ with real Redis, real files and a real S3 endpoint (moto's server)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from server.domain.detection import DetectionModel
from server.domain.media_jobs import JobStatus, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import RedactionMethod
from server.services import media, operator
from server.services.media import MEDIA_QUEUE, MediaJobNotFound, get_job, output_file, submit_redaction
from server.services.tenants import sign_up
from server.store import keys
from server.store.media_jobs import MediaJobStore
from server.vision import detector
from server.vision.images import decode_image
from tests.support.faces import photo
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server
from tests.support.tenants import signup_form
from tests.support.video import CLIP, check_faces_hidden, frames, write_video
from tests.support.workers import run_queued_jobs

pytestmark = pytest.mark.slow


@pytest.fixture
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "media"
    monkeypatch.setenv("VISAGE_MEDIA_DIR", str(directory))
    (directory / "uploads").mkdir(parents=True)
    return directory


@pytest.fixture
def tenant(redis_db: Redis) -> tuple[str, str]:
    result = sign_up(redis_db, signup_form(), base_url="http://visage.test")
    return result.tenant.tenant_id, result.deployment.deployment.deployment_id


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


def upload(media_dir: Path, name: str, data: bytes) -> MediaSource:
    path = media_dir / "uploads" / name
    path.write_bytes(data)
    return MediaSource(SourceKind.FILE, path=str(path))


def submit(redis: Redis, tenant: tuple[str, str], source: MediaSource, target: MediaTarget | None = None,
           method: RedactionMethod = RedactionMethod.BLUR) -> str:
    tenant_id, deployment_id = tenant
    job = submit_redaction(redis, Queue(MEDIA_QUEUE, connection=redis), tenant_id=tenant_id,
                           deployment_id=deployment_id, source=source, target=target or MediaTarget(), method=method)
    assert get_job(redis, deployment_id, job.job_id).status is JobStatus.NOT_STARTED
    return job.job_id


def test_an_uploaded_photo_is_redacted_into_the_media_directory(redis_db: Redis, tenant: tuple[str, str],
                                                               media_dir: Path) -> None:
    source = upload(media_dir, "portrait.jpg", photo("people/obama/obama.jpg").read())
    job_id = submit(redis_db, tenant, source, method=RedactionMethod.PIXELATE)
    run_queued_jobs(redis_db)
    job = get_job(redis_db, tenant[1], job_id)
    assert (job.status, job.percent_complete) == (JobStatus.SUCCEEDED, 100)
    assert job.result is not None and job.result["mediaType"] == "image/jpeg" and len(job.result["faces"]) == 1
    redacted = output_file(media_dir, job)
    assert redacted is not None and redacted.name == "redacted.jpg"
    pixels = decode_image(redacted.read_bytes()).pixels
    assert detector.detect_faces(pixels, DetectionModel.DETECTION_03) == []
    assert not Path(source.path or "").exists(), "the unredacted upload is deleted"
    assert job.to_public()["result"]["output"] == {"kind": "file", "fileName": "redacted.jpg"}


def test_a_video_from_s3_is_redacted_to_s3_with_progress_on_the_way(
        redis_db: Redis, tenant: tuple[str, str], media_dir: Path, moto: MotoS3, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in aws_environment(moto.endpoint).items():
        monkeypatch.setenv(name, value)
    moto.reset()
    s3 = moto.client()
    s3.create_bucket(Bucket="bodycam")
    segment = tmp_path / "segment.mp4"
    write_video(segment, frames(CLIP)[205:265], "mp4v", 29.97)
    s3.put_object(Bucket="bodycam", Key="shift/0001.mp4", Body=segment.read_bytes())
    job_id = submit(redis_db, tenant, MediaSource(SourceKind.S3, bucket="bodycam", key="shift/0001.mp4"),
                    MediaTarget("bodycam", "released/0001.mp4"))

    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:  # redis-py clients are thread-safe: the worker and this share one
        while not done.is_set():
            value = redis_db.hget(keys.media_job(tenant[1], job_id), "percent_complete")
            if value is not None:
                seen.add(int(value))
            done.wait(0.05)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        run_queued_jobs(redis_db)
    finally:
        done.set()
        thread.join()
    job = get_job(redis_db, tenant[1], job_id)
    assert job.status is JobStatus.SUCCEEDED, job.message
    assert any(0 < percent < 100 for percent in seen), f"percentComplete seen while running: {sorted(seen)}"
    assert job.result is not None and job.result["output"]["uri"] == "s3://bodycam/released/0001.mp4"
    assert (job.result["frames"], job.result["mediaType"]) == (60, "video/mp4")
    stored = s3.get_object(Bucket="bodycam", Key="released/0001.mp4")
    assert stored["ContentType"] == "video/mp4"
    released = tmp_path / "released.mp4"
    released.write_bytes(stored["Body"].read())
    redacted = frames(released)
    assert len(redacted) == 60
    check = check_faces_hidden(frames(segment), redacted)
    assert check.frames_with_faces >= 10 and check.found == []
    tracks = MediaJobStore(redis_db).tracks(tenant[1], job_id)
    assert tracks is not None and len(tracks) == job.result["faceTracks"] > 0
    assert list(media_dir.iterdir()) == [media_dir / "uploads"], "no scratch files left behind"


def test_a_job_of_a_tenant_suspended_since_it_was_queued_is_refused(redis_db: Redis, tenant: tuple[str, str],
                                                                   media_dir: Path) -> None:
    source = upload(media_dir, "portrait.jpg", photo("people/obama/obama.jpg").read())
    job_id = submit(redis_db, tenant, source)
    operator.suspend_tenant(redis_db, tenant[0], "chargeback")
    run_queued_jobs(redis_db)
    job = get_job(redis_db, tenant[1], job_id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "JobRefused")
    assert job.message is not None and "refused" in job.message
    assert job.result is None and not (media_dir / tenant[1]).exists()
    assert not Path(source.path or "").exists()


def test_broken_media_fails_the_job_with_the_reason(redis_db: Redis, tenant: tuple[str, str],
                                                    media_dir: Path) -> None:
    job_id = submit(redis_db, tenant, upload(media_dir, "clip.mp4", b"\x00\x00\x00\x20ftypisom" + bytes(5000)))
    run_queued_jobs(redis_db)
    job = get_job(redis_db, tenant[1], job_id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "InvalidVideo")
    assert job.to_public()["error"]["code"] == "InvalidVideo"


def test_a_url_that_streams_past_the_cap_fails_as_too_large_not_as_an_image(
        redis_db: Redis, tenant: tuple[str, str], media_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no Content-Length the cap is only met while the worker downloads: the job says the media at
    the URL is too large, as the API does for a declared length, not "Image size is too big"."""
    monkeypatch.setattr(media, "MAX_URL_MEDIA_BYTES", 64 * 1024)

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(CLIP.read_bytes()[:4096] + bytes(256 * 1024))

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/clip.mp4"
        job_id = submit(redis_db, tenant, MediaSource(SourceKind.URL, url=url))
        media.run_redaction(redis_db, tenant[1], job_id, media_dir=media_dir, may_run=lambda: None,
                            url_allowlist=["127.0.0.1/32"])
    finally:
        server.shutdown()
        server.server_close()
    job = get_job(redis_db, tenant[1], job_id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "VideoTooLarge")
    assert job.message is not None and f"at most {64 * 1024} bytes" in job.message


def test_a_file_outside_the_media_directory_is_never_read(redis_db: Redis, tenant: tuple[str, str],
                                                          media_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(photo("people/obama/obama.jpg").read())
    job_id = submit(redis_db, tenant, MediaSource(SourceKind.FILE, path=str(media_dir / ".." / "secret.jpg")))
    run_queued_jobs(redis_db)
    job = get_job(redis_db, tenant[1], job_id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "BadArgument")
    assert outside.exists()


def test_a_job_deleted_before_it_runs_is_not_brought_back(redis_db: Redis, tenant: tuple[str, str],
                                                          media_dir: Path) -> None:
    job_id = submit(redis_db, tenant, upload(media_dir, "portrait.jpg", photo("people/obama/obama.jpg").read()))
    assert MediaJobStore(redis_db).delete(tenant[1], job_id)
    run_queued_jobs(redis_db)
    assert not redis_db.exists(keys.media_job(tenant[1], job_id))
    with pytest.raises(MediaJobNotFound):
        get_job(redis_db, tenant[1], job_id)


def test_unknown_or_malformed_job_ids_are_not_found(redis_db: Redis, tenant: tuple[str, str]) -> None:
    for job_id in ("not-a-uuid", "0b7e5f9e-4e44-4bb5-9a3c-3f1f1f1f1f1f"):
        with pytest.raises(MediaJobNotFound):
            get_job(redis_db, tenant[1], job_id)

