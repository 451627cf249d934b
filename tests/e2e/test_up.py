"""`visage up` as a newcomer runs it: gunicorn, RQ workers and Redis, then Ctrl-C; and the ways it
must refuse to start or must stop, without ever saying something untrue."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests

from server.services.dev_account import DEV_DEPLOYMENT, DEV_KEY1, DEV_KEY2
from tests.support.faces import photo
from tests.support.live import alive, command_line, descendants, free_port, up_command, visage_up

pytestmark = pytest.mark.slow


def detect_status(endpoint: str, key: str) -> int:
    return requests.post(f"{endpoint}/face/v1.2/detect", data=photo("people/obama/obama_small.jpg").read(),
                         headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"},
                         timeout=60).status_code


def visage(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    return subprocess.run([sys.executable, "-m", "server.cli", *args, "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=60)


def test_up_serves_keeps_data_across_restarts_and_stops_every_child(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with visage_up(data_dir) as live:
        assert live.endpoint.startswith("http://127.0.0.1:")
        assert len(live.admin_token) >= 32
        health = requests.get(live.url("/healthz"), timeout=10)
        assert health.status_code == 200 and health.json()["workers"] >= 1
        account = live.sign_up()
        assert detect_status(live.endpoint, account["key1"]) == 200
        assert detect_status(live.endpoint, DEV_KEY1) == 401  # no development account without --dev

        status = visage("status", data_dir=data_dir)
        assert status.returncode == 0, status.stderr
        assert "1 tenant (1 pending_verification), 2 deployments (2 S0), 1 worker\n" in status.stdout
        audit = visage("audit", "verify", data_dir=data_dir)
        assert audit.returncode == 0 and audit.stdout.startswith("OK: ") and "keyed chain intact" in audit.stdout
        assert stat.S_IMODE((data_dir / "audit.key").stat().st_mode) == 0o600  # made by visage up, before any append

        second = subprocess.run(up_command(data_dir, free_port()), capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "Visage is up" not in second.stdout
        assert f"another Visage (pid {live.process.pid} at {live.endpoint}) is running with data dir" in second.stderr
        assert requests.get(live.url("/healthz"), timeout=10).status_code == 200

        children = descendants(live.process.pid)
        assert len(children) >= 4  # redis-server, gunicorn master + workers, an RQ worker
        first_token = live.admin_token
        live.process.send_signal(signal.SIGINT)
        assert live.process.wait(timeout=40) == 0
    assert [pid for pid in children if alive(pid)] == []
    assert (data_dir / "redis").is_dir()
    assert (data_dir / "audit-checkpoint.json").exists()  # signed on shutdown, with Redis still up
    stopped = visage("status", data_dir=data_dir)
    assert stopped.returncode == 2 and stopped.stdout == ""
    assert stopped.stderr.startswith("visage: No Visage is running with data dir") and "Traceback" not in stopped.stderr

    with visage_up(data_dir, args=["--dev"]) as again:
        assert again.admin_token == first_token
        listed = requests.get(again.url("/mgmt/v1/deployments"),
                              headers={"Authorization": f"Bearer {account['token']}"}, timeout=10)
        assert listed.status_code == 200
        assert [d["name"] for d in listed.json()] == [account["deployment"], "starter"]  # signup made "starter"
        assert detect_status(again.endpoint, account["key2"]) == 200
        assert any(DEV_KEY1 in line for line in again.output) and any(DEV_KEY2 in line for line in again.output)
        assert detect_status(again.endpoint, DEV_KEY1) == 200
        audit = visage("audit", "verify", data_dir=data_dir)
        assert audit.returncode == 0 and "reaches the checkpoint of" in audit.stdout, audit.stdout


def test_the_dev_keys_sign_for_boto3_under_the_data_dirs_signing_key(tmp_path: Path) -> None:
    """The supervisor makes the dev account: it must seal the keys with the data dir's signing key, the
    one the API processes read, not with one it would make in the user's home."""
    home = tmp_path / "home"
    home.mkdir()
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("REDIS_URL", "VISAGE_DATA_DIR", "VISAGE_SIGNING_KEY")}
    environment["HOME"] = str(home)
    with visage_up(tmp_path / "data", env=environment, api_processes=1, args=["--dev"]) as live:
        rekognition = boto3.client("rekognition", endpoint_url=live.endpoint, region_name="us-east-1",
                                   aws_access_key_id=DEV_DEPLOYMENT, aws_secret_access_key=DEV_KEY1)
        assert rekognition.list_collections()["CollectionIds"] == []
    assert not (home / ".visage").exists()


def test_up_without_redis_installed_runs_in_memory_says_so_and_stops_within_seconds(tmp_path: Path) -> None:
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    for tool in ("env", "sh"):
        if found := shutil.which(tool):
            (bare_path / tool).symlink_to(found)
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["PATH"] = str(bare_path)
    env["VISAGE_ADMIN_TOKEN"] = "fixed-admin-token-for-this-test"
    with visage_up(tmp_path / "data", env=env, workers=2) as live:
        assert live.admin_token == "fixed-admin-token-for-this-test"
        assert any("memory only" in line for line in live.output)
        assert requests.get(live.url("/healthz"), timeout=10).status_code == 200
        account = live.sign_up()
        assert detect_status(live.endpoint, account["key1"]) == 200
        children = descendants(live.process.pid)
        time.sleep(2)  # the idle workers are now blocked in their dequeue on the in-memory server
        started = time.monotonic()
        live.process.send_signal(signal.SIGINT)
        assert live.process.wait(timeout=60) == 0
        assert time.monotonic() - started < 10
    assert [pid for pid in children if alive(pid)] == []
    assert not (tmp_path / "data" / "redis").exists()


def test_up_uses_redis_url_when_given(tmp_path: Path) -> None:
    from tests.conftest import TEST_REDIS_URL

    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL.rsplit("/", 1)[0] + "/13"}
    with visage_up(tmp_path / "data", env=env) as live:
        assert any("from REDIS_URL" in line for line in live.output)
        assert requests.get(live.url("/healthz"), timeout=10).status_code == 200
    assert not (tmp_path / "data" / "redis").exists()


def test_a_taken_port_is_a_one_line_error_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        port = other_server.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(up_command(tmp_path / "data", port), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and time.monotonic() - started < 15
    assert result.stdout == ""
    assert result.stderr == (f"visage: cannot listen on 127.0.0.1:{port}: Address already in use (another server "
                             "is using that port; pick one with --port)\n")
    assert not (tmp_path / "data" / "redis").exists() and not (tmp_path / "data" / "redis.url").exists()


@pytest.mark.parametrize("variable, value", [("VISAGE_TRUST_PROXY", "abc"), ("VISAGE_RATE_LIMITS", "S0=0/0")])
def test_a_misconfigured_environment_is_a_one_line_error_before_anything_starts(tmp_path: Path, variable: str,
                                                                               value: str) -> None:
    env = {**os.environ, variable: value}
    env.pop("REDIS_URL", None)
    result = subprocess.run(up_command(tmp_path / "data", free_port()), capture_output=True, text=True, timeout=60,
                            env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("visage: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "redis").exists() and not (tmp_path / "data" / "redis.url").exists()


def test_closing_the_terminal_stops_gracefully_like_ctrl_c(tmp_path: Path) -> None:
    """SIGHUP (the terminal `make run` ran in was closed) stops as Ctrl-C does: children in order, Redis
    last, the audit checkpoint signed; not the default death that leaves the children to PDEATHSIG."""
    # started as from a terminal: a run under nohup (CI's, perhaps) would pass on SIGHUP ignored, which
    # `visage up` rightly keeps ignored
    inherited = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        with visage_up(tmp_path / "data") as live:
            children = descendants(live.process.pid)
            live.process.send_signal(signal.SIGHUP)
            assert live.process.wait(timeout=40) == 0
            time.sleep(0.5)
            text = "".join(live.output)
            assert "Stopping Visage" in text and "audit:" in text
    finally:
        signal.signal(signal.SIGHUP, inherited)
    assert [pid for pid in children if alive(pid)] == []


def test_a_second_ctrl_c_stops_everything_at_once(tmp_path: Path) -> None:
    with visage_up(tmp_path / "data") as live:
        children = descendants(live.process.pid)
        worker = next(pid for pid in children if "-m workers" in command_line(pid))
        os.kill(worker, signal.SIGSTOP)  # a worker that will not stop by itself: the first Ctrl-C waits for it
        live.process.send_signal(signal.SIGINT)
        time.sleep(1)
        assert live.process.poll() is None
        started = time.monotonic()
        live.process.send_signal(signal.SIGINT)
        live.process.wait(timeout=30)
        assert time.monotonic() - started < 5
    time.sleep(0.5)
    assert [pid for pid in children if alive(pid)] == []
