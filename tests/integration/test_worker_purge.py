"""A real RQ worker process purges a deleted deployment's data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from rq import Queue

from tests.conftest import TEST_REDIS_URL


def test_a_worker_process_purges_every_key_and_media_file_of_a_deployment(redis_db: Redis, tmp_path: Path) -> None:
    media = tmp_path / "media"
    for deployment in ("dep-1", "dep-2"):
        (media / deployment / "a-job").mkdir(parents=True)
        (media / deployment / "a-job" / "redacted.mp4").write_bytes(b"footage")
    prefix = "visage:deployment:dep-1:"
    for number in range(1200):
        redis_db.set(f"{prefix}item:{number}", "x")
    redis_db.set("visage:deployment:dep-2:item:0", "kept")
    job = Queue("purges", connection=redis_db).enqueue("workers.jobs.purge_deployment", "dep-1")
    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL, "VISAGE_MEDIA_DIR": str(media)}
    worker = subprocess.run([sys.executable, "-c", (
        "from workers.main import build_worker; from server.extensions import connect; import os;"
        "build_worker(connect(os.environ['REDIS_URL'])).work(burst=True)")],
        env=env, capture_output=True, timeout=60)
    assert worker.returncode == 0, worker.stderr.decode()
    deadline = time.monotonic() + 5
    while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.return_value() == 1200
    assert list(redis_db.scan_iter(f"{prefix}*")) == []
    assert redis_db.get("visage:deployment:dep-2:item:0") == b"kept"
    assert [path.name for path in media.iterdir()] == ["dep-2"]
