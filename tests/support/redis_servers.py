"""Real redis-server and redis-sentinel processes on free ports, for scale-out and failover tests."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from redis import Redis, RedisError

from tests.support.live import free_port


@dataclasses.dataclass
class RedisProcess:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, socket_timeout=5)


def _redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError("redis-server is needed on PATH for this test (apt-get install redis-server)")
    return found


def _sentinel_command(config: Path) -> list[str]:
    """redis-sentinel when installed, else the same program as `redis-server <config> --sentinel`."""
    if sentinel := shutil.which("redis-sentinel"):
        return [sentinel, str(config)]
    return [_redis_server(), str(config), "--sentinel"]


def _wait_for_ping(port: int, process: subprocess.Popen[bytes]) -> None:
    client = Redis(host="127.0.0.1", port=port, socket_timeout=1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis process on port {port} exited with {process.returncode}")
        with contextlib.suppress(RedisError):
            if client.ping():
                return
        time.sleep(0.05)
    raise RuntimeError(f"redis process on port {port} did not answer")


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[RedisProcess]:
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=output)
    try:
        _wait_for_ping(port, process)
        yield RedisProcess(port, process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def redis_server(directory: Path, *arguments: str) -> contextlib.AbstractContextManager[RedisProcess]:
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    return running([_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
                    "--save", "", "--appendonly", "no", *arguments], port, directory / "redis.log")


def sentinel(directory: Path, service: str, primary_port: int, quorum: int) -> contextlib.AbstractContextManager[
        RedisProcess]:
    """A sentinel watching the primary, quick to act: down after 1 s without an answer."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = directory / "sentinel.conf"
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
        f"sentinel monitor {service} 127.0.0.1 {primary_port} {quorum}\n"
        f"sentinel down-after-milliseconds {service} 1000\n"
        f"sentinel failover-timeout {service} 10000\n"
        f"sentinel parallel-syncs {service} 1\n"
    )
    return running(_sentinel_command(config), port, directory / "sentinel.log")
