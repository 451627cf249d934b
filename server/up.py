"""`visage up`: Redis (unless REDIS_URL is given), the API under gunicorn and the RQ workers.

Children run in their own sessions, so a Ctrl-C reaches only this supervisor, which then stops
every child it started, in reverse order, and waits for them.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Any

import redis

from server.cli import REDIS_URL_FILE

HEALTH_TIMEOUT_SECONDS = 120
"""How long the API and workers get to answer /healthz; loading the face models takes a few
seconds, a cold disk more."""

STOP_GRACE_SECONDS = 15
"""How long a child gets to finish after SIGTERM before it is killed."""


@dataclasses.dataclass(frozen=True)
class Options:
    host: str
    port: int
    data_dir: Path
    workers: int
    api_processes: int


class Children:
    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str], log: Path | None = None) -> None:
        output: Any = open(log, "ab") if log else None  # noqa: SIM115 - the child owns it until exit
        process = subprocess.Popen(command, env=env, start_new_session=True, stdout=output, stderr=output)
        self.processes.append((name, process))

    def exited(self) -> tuple[str, int] | None:
        for name, process in self.processes:
            if (code := process.poll()) is not None:
                return name, code
        return None

    def stop_all(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(options: Options) -> int:
    options.data_dir.mkdir(parents=True, exist_ok=True)
    admin_token = _admin_token(options.data_dir)
    children = Children()
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        redis_url, redis_note = _start_redis(options.data_dir, children)
        (options.data_dir / REDIS_URL_FILE).write_text(redis_url + "\n")
        # the API and the workers keep their server keys (audit, signing) and media in this data dir
        env = {**os.environ, "REDIS_URL": redis_url, "VISAGE_ADMIN_TOKEN": admin_token,
               "VISAGE_DATA_DIR": str(options.data_dir)}
        logs = options.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        children.start("api", [
            sys.executable, "-m", "gunicorn", "--preload",
            "--workers", str(options.api_processes),
            "--bind", f"{_bind_host(options.host)}:{options.port}",
            "--timeout", "120", "--graceful-timeout", "10",
            # gunicorn's control socket defaults to one path per user: two `visage up` would collide
            "--no-control-socket",
            "server.wsgi:app",
        ], env)
        for number in range(1, options.workers + 1):
            children.start(f"worker-{number}", [sys.executable, "-m", "workers"], env, logs / f"worker-{number}.log")
        endpoint = f"http://{_display_host(options.host)}:{options.port}"
        if not _wait_until_healthy(endpoint, children, stop):
            return 0 if stop.is_set() else 1
        print(
            "Visage is up.\n"
            f"  endpoint:    {endpoint}\n"
            f"  admin token: {admin_token}\n"
            f"  redis:       {redis_note}\n"
            f"  api:         gunicorn, {options.api_processes} processes\n"
            f"  workers:     {options.workers} RQ workers (logs in {logs})\n"
            f"  sign up at:  {endpoint}/signup\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while not stop.wait(0.5):
            if exited := children.exited():
                print(f"visage: {exited[0]} exited with status {exited[1]}; stopping.", file=sys.stderr, flush=True)
                return 1
        print("Stopping Visage...", flush=True)
        return 0
    finally:
        children.stop_all()


def _admin_token(data_dir: Path) -> str:
    if token := os.environ.get("VISAGE_ADMIN_TOKEN"):
        return token
    path = data_dir / "admin-token"
    if path.exists():
        return path.read_text().strip()
    token = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    return token


def _start_redis(data_dir: Path, children: Children) -> tuple[str, str]:
    if url := os.environ.get("REDIS_URL"):
        return url, f"{_redacted(url)} (from REDIS_URL)"
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    executable = shutil.which("redis-server")
    if executable:
        directory = data_dir / "redis"
        directory.mkdir(exist_ok=True)
        children.start("redis", [
            executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--logfile", str(directory / "redis.log"),
        ], dict(os.environ))
        note = f"private redis-server on port {port}, append-only file in {directory}"
    else:
        from fakeredis import TcpFakeServer

        server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
        threading.Thread(target=server.serve_forever, daemon=True, name="in-process-redis").start()
        print(
            "WARNING: redis-server is not installed, so Visage uses an in-process Redis-compatible server.\n"
            "         Data is kept in memory only and is lost when Visage stops. Install Redis\n"
            "         (apt-get install redis-server, brew install redis) or set REDIS_URL to keep it.",
            file=sys.stderr, flush=True,
        )
        note = f"in-process server on port {port} (memory only: data is lost on stop)"
    _wait_for_redis(url, children)
    return url, note


def _wait_for_redis(url: str, children: Children) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if client.ping():
                return
        except redis.RedisError:
            pass
        if exited := children.exited():
            raise SystemExit(f"visage: {exited[0]} exited with status {exited[1]} while starting")
        time.sleep(0.1)
    raise SystemExit(f"visage: Redis at {url} did not answer")


def _wait_until_healthy(endpoint: str, children: Children, stop: threading.Event) -> bool:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not stop.is_set():
        if exited := children.exited():
            print(f"visage: {exited[0]} exited with status {exited[1]} while starting", file=sys.stderr, flush=True)
            return False
        try:
            with urllib.request.urlopen(f"{endpoint}/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        stop.wait(0.3)
    if not stop.is_set():
        print(f"visage: {endpoint}/healthz did not answer 200 within {HEALTH_TIMEOUT_SECONDS} s",
              file=sys.stderr, flush=True)
    return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bind_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _display_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return _bind_host(host)


def _redacted(url: str) -> str:
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
