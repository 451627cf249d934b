"""A real RQ worker process purges a deleted deployment's data."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from redis import Redis
from rq import Queue

from tests.conftest import TEST_REDIS_URL


def test_a_worker_process_purges_every_key_of_a_deployment(redis_db: Redis) -> None:
    prefix = "visage:deployment:dep-1:"
    for number in range(1200):
        redis_db.set(f"{prefix}item:{number}", "x")
    redis_db.set("visage:deployment:dep-2:item:0", "kept")
    job = Queue("purges", connection=redis_db).enqueue("workers.jobs.purge_deployment", "dep-1")
    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL}
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
