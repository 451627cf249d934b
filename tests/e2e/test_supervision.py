"""`visage up` keeps serving when its processes are killed: gunicorn workers and master, RQ workers
(in the middle of a training too) and the private redis-server come back, and only Ctrl-C stops it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from redis import Redis
from rq import Worker

from server.domain.training import INTERRUPTED_MESSAGE
from tests.support.crowds import create_crowd, train, training_status
from tests.support.live import LiveVisage, alive, children, command_line, descendants, visage_up

pytestmark = pytest.mark.slow


def child_running(parent: int, marker: str) -> int:
    found = [pid for pid in children(parent) if marker in command_line(pid)]
    assert len(found) == 1, (marker, [(pid, command_line(pid)) for pid in children(parent)])
    return found[0]


def eventually(check: Callable[[], object], seconds: float = 60, what: str = "") -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def deployments_answer(live: LiveVisage, token: str) -> bool:
    response = requests.get(live.url("/mgmt/v1/deployments"), headers={"Authorization": f"Bearer {token}"},
                            timeout=60)
    return response.status_code == 200 and len(response.json()) == 2


def test_killed_processes_come_back_and_visage_stays_up(tmp_path: Path) -> None:
    with visage_up(tmp_path / "data", workers=1, api_processes=2) as live:
        supervisor = live.process.pid
        account = live.sign_up()
        master = child_running(supervisor, "gunicorn")
        api_worker = children(master)[0]

        os.kill(api_worker, signal.SIGKILL)  # gunicorn's master replaces its worker
        eventually(lambda: len([pid for pid in children(master) if pid != api_worker]) == 2, 60,
                   "gunicorn replaces a killed worker")
        assert deployments_answer(live, account["token"])

        os.kill(master, signal.SIGKILL)  # the supervisor restarts gunicorn; the socket it holds keeps accepting
        assert deployments_answer(live, account["token"])  # never "connection refused"
        restarted = eventually(lambda: re.search(r"visage: api restarted \(pid (\d+)", "".join(live.output)), 60,
                               "the supervisor starts gunicorn again")
        new_master = int(restarted.group(1))  # type: ignore[attr-defined]
        eventually(lambda: len(children(new_master)) == 2, 60, "the new master runs its workers")
        eventually(lambda: [pid for pid in children(supervisor) if "gunicorn" in command_line(pid)] == [new_master],
                   60, "the killed master's workers are gone")
        assert deployments_answer(live, account["token"])

        rq_worker = child_running(supervisor, "-m workers")
        os.kill(rq_worker, signal.SIGKILL)
        redis = Redis.from_url(live.redis_url)
        new_worker = eventually(lambda: [pid for pid in children(supervisor)
                                         if "-m workers" in command_line(pid) and pid != rq_worker], 30,
                                "the RQ worker restarts")
        eventually(lambda: set(new_worker) <= {w.pid for w in Worker.all(connection=redis)}, 30,
                   "the new RQ worker registers")

        redis_server = child_running(supervisor, "redis-server")
        os.kill(redis_server, signal.SIGKILL)  # restarted on the same port; the append-only file keeps the data
        eventually(lambda: deployments_answer(live, account["token"]), 60, "the API answers after Redis restarts")
        assert child_running(supervisor, "redis-server") != redis_server

        assert live.process.poll() is None
        log = "".join(live.output)
        for name in ("api", "worker-1", "redis"):
            assert f"visage: {name} (pid " in log and f"visage: {name} restarted" in log, name
        assert "was killed by SIGKILL" in log and "restarting it in 1 s" in log

        everything = descendants(supervisor)
        live.process.send_signal(signal.SIGINT)
        assert live.process.wait(timeout=60) == 0
    assert [pid for pid in everything if alive(pid)] == []


def test_a_training_whose_worker_is_killed_fails_within_a_minute_and_the_next_one_succeeds(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with visage_up(data_dir, workers=1, api_processes=1, extra_env={"VISAGE_RATE_LIMITS": "off"}) as live:
        account = live.sign_up()
        key = account["key1"]
        create_crowd(live.endpoint, key, Redis.from_url(live.redis_url), account["tenant_id"], account["deployment"],
                     "crowd")
        train(live.endpoint, key, "crowd")
        eventually(lambda: training_status(live.endpoint, key, "crowd")["status"] == "running", 60,
                   "the training starts")
        worker = child_running(live.process.pid, "-m workers")
        (horse,) = children(worker)  # RQ's work horse, running the training
        status = subprocess.run([sys.executable, "-m", "server.cli", "status", "--data-dir", str(data_dir)],
                                env={k: v for k, v in os.environ.items() if k != "REDIS_URL"},
                                capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stderr
        assert "workers.jobs.train_collection" in status.stdout
        assert "training largepersongroups crowd: running, heartbeat" in status.stdout

        for pid in (horse, worker):  # the worker's whole tree dies at once, as in an out-of-memory kill
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        failed = eventually(lambda: (body := training_status(live.endpoint, key, "crowd"))["status"] == "failed"
                            and body, 75, "the interrupted training reads failed")
        assert time.monotonic() - killed_at <= 62  # the lease: a minute after the last heartbeat, at most
        assert failed["message"] == INTERRUPTED_MESSAGE  # type: ignore[index]

        train(live.endpoint, key, "crowd")  # on the worker the supervisor started again
        eventually(lambda: training_status(live.endpoint, key, "crowd")["status"] == "succeeded", 120,
                   "a new training succeeds")
