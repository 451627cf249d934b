"""Run `visage up` as a user would, for e2e tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

STARTUP_TIMEOUT = 150


@dataclass
class LiveVisage:
    process: subprocess.Popen[str]
    endpoint: str
    admin_token: str
    output: list[str] = field(default_factory=list)
    data_dir: Path | None = None

    def url(self, path: str) -> str:
        return f"{self.endpoint}{path}"

    @property
    def redis_url(self) -> str:
        """The Redis this instance uses, as it wrote it into its data dir."""
        assert self.data_dir is not None
        return (self.data_dir / "redis.url").read_text().strip()

    def sign_up(self, *, sku: str = "S0", deployment: str = "face-1", **form: Any) -> dict[str, str]:
        from tests.support.tenants import signup_form

        body = requests.post(self.url("/signup"), json=signup_form(**form), timeout=30)
        body.raise_for_status()
        token = body.json()["management_token"]
        created = requests.post(self.url("/mgmt/v1/deployments"), json={
            "name": deployment, "sku": sku, "region": "westeurope"},
            headers={"Authorization": f"Bearer {token}"}, timeout=30)
        created.raise_for_status()
        keys = created.json()["keys"]
        return {"tenant_id": body.json()["tenant_id"], "token": token, "key1": keys["key1"],
                "key2": keys["key2"], "deployment": deployment}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    return [child for child in descendants(pid) if parent_of(child) == pid]


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def command_line(pid: int) -> str:
    """The process's command line, or its name when the command line is unreadable (redis-server rewrites
    its own)."""
    try:
        line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        return line or Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def up_command(data_dir: Path, port: int, *, workers: int = 1, api_processes: int = 2,
               args: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "server.cli", "up", "--port", str(port), "--data-dir", str(data_dir),
            "--workers", str(workers), "--api-processes", str(api_processes), *args]


@contextlib.contextmanager
def visage_up(data_dir: Path, *, env: dict[str, str] | None = None, workers: int = 1,
              api_processes: int = 2, extra_env: dict[str, str] | None = None,
              args: Sequence[str] = ()) -> Iterator[LiveVisage]:
    """`visage up` on a free port until it says it is up; Ctrl-C when the block ends. `args` adds
    options such as --dev, --tls or --role."""
    port = free_port()
    environment = dict(env if env is not None else os.environ)
    if env is None:
        environment.pop("REDIS_URL", None)  # a user's own environment: start a private Redis
    environment.update(extra_env or {})
    command = up_command(data_dir, port, workers=workers, api_processes=api_processes, args=args)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    endpoint = token = ""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("visage up exited while starting:\n" + "".join(output))
            output.append(line)
            if match := re.search(r"endpoint:\s+(\S+)", line):
                endpoint = match.group(1)
            if match := re.search(r"admin token:\s+(\S+)", line):
                token = match.group(1)
            if "Press Ctrl-C" in line:
                break
        else:
            raise RuntimeError("visage up did not start in time:\n" + "".join(output))
        live = LiveVisage(process, endpoint, token, output, data_dir)

        def keep_pumping() -> None:
            while (line := lines.get()) is not None:
                output.append(line)

        threading.Thread(target=keep_pumping, daemon=True).start()
        yield live
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
