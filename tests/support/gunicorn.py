"""API hosts for tests: gunicorn serving `create_app()` on a free port, against a given Redis, with
no RQ workers and, unless asked, no face models (the calls these tests make need neither)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from tests.support.live import free_port
from tests.support.tenants import ADMIN_TOKEN

REPOSITORY = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def api_host(redis_url: str, *, processes: int = 2, env: dict[str, str] | None = None,
             config_module: str | None = None, entry: str = "server:create_app()",
             preload: bool = False) -> Iterator[str]:
    """Serve the API under gunicorn until the block ends; yields its base URL. `config_module` is a
    gunicorn config module (`python:...`), e.g. one that skews the host's clock; `entry` and
    `preload` can make it serve as `visage up` does (`server.wsgi:app`, preloaded)."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VISAGE_")}
    environment.update({"REDIS_URL": redis_url, "VISAGE_ADMIN_TOKEN": ADMIN_TOKEN, "PYTHONPATH": str(REPOSITORY)})
    environment.update(env or {})
    command = [sys.executable, "-m", "gunicorn", "--workers", str(processes), "--bind", f"127.0.0.1:{port}",
               "--no-control-socket", "--log-level", "warning"]
    if config_module:
        command += ["--config", f"python:{config_module}"]
    if preload:
        command.append("--preload")
    command.append(entry)
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read back below, closed at the end
    process = subprocess.Popen(command, env=environment, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"gunicorn exited while starting:\n{log.read()}")
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
