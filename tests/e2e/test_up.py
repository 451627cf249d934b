"""`visage up` as a newcomer runs it: gunicorn, RQ workers and Redis, then Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
import requests

from tests.support.faces import photo
from tests.support.live import alive, descendants, visage_up

pytestmark = pytest.mark.slow


def detect_status(endpoint: str, key: str) -> int:
    return requests.post(f"{endpoint}/face/v1.2/detect", data=photo("people/obama/obama_small.jpg").read(),
                         headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"},
                         timeout=60).status_code


def test_up_serves_keeps_data_across_restarts_and_stops_every_child(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with visage_up(data_dir) as live:
        assert live.endpoint.startswith("http://127.0.0.1:")
        assert len(live.admin_token) >= 32
        health = requests.get(live.url("/healthz"), timeout=10)
        assert health.status_code == 200 and health.json()["workers"] >= 1
        account = live.sign_up()
        assert detect_status(live.endpoint, account["key1"]) == 200
        children = descendants(live.process.pid)
        assert len(children) >= 4  # redis-server, gunicorn master + workers, an RQ worker
        first_token = live.admin_token
        live.process.send_signal(signal.SIGINT)
        assert live.process.wait(timeout=40) == 0
    assert [pid for pid in children if alive(pid)] == []
    assert (data_dir / "redis").is_dir()

    with visage_up(data_dir) as again:
        assert again.admin_token == first_token
        listed = requests.get(again.url("/mgmt/v1/deployments"),
                              headers={"Authorization": f"Bearer {account['token']}"}, timeout=10)
        assert listed.status_code == 200
        assert [d["name"] for d in listed.json()] == [account["deployment"], "starter"]  # signup made "starter"
        assert detect_status(again.endpoint, account["key2"]) == 200


def test_up_without_redis_installed_runs_in_memory_and_says_so(tmp_path: Path) -> None:
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    for tool in ("env", "sh"):
        if found := shutil.which(tool):
            (bare_path / tool).symlink_to(found)
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["PATH"] = str(bare_path)
    env["VISAGE_ADMIN_TOKEN"] = "fixed-admin-token-for-this-test"
    with visage_up(tmp_path / "data", env=env) as live:
        assert live.admin_token == "fixed-admin-token-for-this-test"
        assert any("memory only" in line for line in live.output)
        assert requests.get(live.url("/healthz"), timeout=10).status_code == 200
        account = live.sign_up()
        assert detect_status(live.endpoint, account["key1"]) == 200
    assert not (tmp_path / "data" / "redis").exists()


def test_up_uses_redis_url_when_given(tmp_path: Path) -> None:
    from tests.conftest import TEST_REDIS_URL

    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL.rsplit("/", 1)[0] + "/13"}
    with visage_up(tmp_path / "data", env=env) as live:
        assert any("from REDIS_URL" in line for line in live.output)
        assert requests.get(live.url("/healthz"), timeout=10).status_code == 200
    assert not (tmp_path / "data" / "redis").exists()
    assert sys.executable
