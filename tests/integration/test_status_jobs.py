"""`visage status` reads a running job's progress from the job's own record."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from server.domain.clock import now
from server.domain.media_jobs import JobStatus, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import RedactionMethod
from server.services.media import MEDIA_QUEUE, submit_redaction
from server.services.tenants import sign_up
from server.status import job_progress
from server.store.media_jobs import MediaJobStore
from tests.support.faces import photo
from tests.support.tenants import signup_form


def test_a_redaction_shows_its_percentage_and_heartbeat(redis_db: Redis, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    uploads = tmp_path / "media" / "uploads"
    uploads.mkdir(parents=True)
    monkeypatch.setenv("VISAGE_MEDIA_DIR", str(tmp_path / "media"))
    (uploads / "photo.jpg").write_bytes(photo("people/obama/obama_small.jpg").file.read_bytes())
    starter = sign_up(redis_db, signup_form(), base_url="http://visage.test").deployment.deployment
    queue = Queue(MEDIA_QUEUE, connection=redis_db)
    media = submit_redaction(redis_db, queue, tenant_id=starter.tenant_id, deployment_id=starter.deployment_id,
                             source=MediaSource(SourceKind.FILE, path=str(uploads / "photo.jpg")),
                             target=MediaTarget(), method=RedactionMethod.BLUR)
    (queued,) = queue.jobs
    store = MediaJobStore(redis_db)
    assert job_progress(redis_db, queued, now()) == f"redaction {media.job_id}: notStarted, 0%, heartbeat 0 s ago"

    running = store.get(starter.deployment_id, media.job_id)
    assert running is not None
    store.update(dataclasses.replace(running, status=JobStatus.RUNNING))
    store.progress(starter.deployment_id, media.job_id, 40, now())
    assert job_progress(redis_db, queued, now()) == f"redaction {media.job_id}: running, 40%, heartbeat 0 s ago"

    store.delete(starter.deployment_id, media.job_id)
    assert job_progress(redis_db, queued, now()) == f"redaction {media.job_id}: deleted"
