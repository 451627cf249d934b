"""The workers' maintenance deletes media files no job needs (a job's folder once its record is gone,
an upload older than any job), and nothing a job may still read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from redis import Redis

from server.domain.clock import now
from server.domain.media_jobs import RETENTION_SECONDS, JobStatus, MediaJob, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import RedactionMethod
from server.services.redactions import SWEEP_GRACE_SECONDS, UPLOADS, sweep_media
from server.store.media_jobs import MediaJobStore
from tests.conftest import TEST_REDIS_URL

DEPLOYMENT = "dep-sweep"


def job_folder(media: Path, *, recorded: bool, age: float, redis: Redis) -> Path:
    job_id = str(uuid.uuid4())
    folder = media / DEPLOYMENT / job_id
    folder.mkdir(parents=True)
    (folder / "redacted.mp4").write_bytes(b"footage")
    if recorded:
        moment = now()
        MediaJobStore(redis).create(MediaJob(job_id, "tenant", DEPLOYMENT, RedactionMethod.BLUR,
                                             MediaSource(SourceKind.FILE, path="x"), MediaTarget(),
                                             JobStatus.SUCCEEDED, 100, moment, moment, moment))
    aged(folder, age)
    return folder


def upload(media: Path, age: float) -> Path:
    path = media / DEPLOYMENT / UPLOADS / f"{uuid.uuid4()}.upload"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"original")
    aged(path, age)
    return path


def aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_only_what_no_job_can_need_is_deleted(redis_db: Redis, tmp_path: Path) -> None:
    media = tmp_path / "media"
    expired = job_folder(media, recorded=False, age=SWEEP_GRACE_SECONDS + 60, redis=redis_db)
    kept = job_folder(media, recorded=True, age=RETENTION_SECONDS - 60, redis=redis_db)
    just_made = job_folder(media, recorded=False, age=10, redis=redis_db)
    stale_upload, fresh_upload = upload(media, RETENTION_SECONDS + 60), upload(media, 60)
    not_ours = media / DEPLOYMENT / "notes"
    not_ours.mkdir()
    aged(not_ours, RETENTION_SECONDS + 60)

    assert sweep_media(redis_db, media) == 2
    assert not expired.exists() and not stale_upload.exists()
    assert kept.exists() and just_made.exists() and fresh_upload.exists() and not_ours.exists()
    assert sweep_media(redis_db, tmp_path / "nothing-here") == 0


def test_a_worker_sweeps_as_part_of_its_maintenance(redis_db: Redis, tmp_path: Path) -> None:
    media = tmp_path / "media"
    expired = job_folder(media, recorded=False, age=SWEEP_GRACE_SECONDS + 60, redis=redis_db)
    worker = subprocess.run([sys.executable, "-c", (
        "from workers.main import build_worker; from server.extensions import connect; import os;"
        "build_worker(connect(os.environ['REDIS_URL'])).work(burst=True)")],
        env={**os.environ, "REDIS_URL": TEST_REDIS_URL, "VISAGE_MEDIA_DIR": str(media)},
        capture_output=True, timeout=60)
    assert worker.returncode == 0, worker.stderr.decode()
    assert not expired.exists()
