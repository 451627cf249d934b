"""The data dir of one `visage up`, and how tools find the instance running on it.

    lock         flock-ed by the running `visage up` and inherited by its children, so the data dir stays
                 taken until the last of them has exited; it holds the instance's pid, role and endpoint
    redis.url    the Redis the running instance uses (0600: a URL may carry a password); removed on stop
    admin-token  the operator's token when VISAGE_ADMIN_TOKEN is not set, generated once (0600)
    redis/       the private redis-server's append-only file
    audit.key, audit-checkpoint.json
                 the audit chain's key and its last signed checkpoint (server/store/audit_files.py)
    tls/         the local certificate authority and the server certificate of `--tls`
    media/       uploaded and redacted media (server/services/media.py), unless VISAGE_MEDIA_DIR says otherwise
    logs/        the workers' logs
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from server.store.audit_files import CHECKPOINT_FILE

LOCK_FILE = "lock"
REDIS_URL_FILE = "redis.url"
ADMIN_TOKEN_FILE = "admin-token"
REDIS_DIR = "redis"
TLS_DIR = "tls"
LOGS_DIR = "logs"
MEDIA_DIR = "media"

LOCK_ATTEMPT_SECONDS = 1.0
"""How long `visage up` retries the lock: a tool that checks whether the lock is held takes it for an
instant, and must not make a starting instance believe another one runs."""


class DataDirBusy(Exception):
    """Another instance (or processes it left behind) holds the data dir."""


class NoInstance(Exception):
    """No running instance to talk to; the message says why, in one sentence a person can act on."""


@dataclasses.dataclass(frozen=True)
class Holder:
    """Who holds a data dir's lock, as it wrote itself into the lock file."""

    pid: int | None
    info: dict[str, Any]

    @property
    def supervisor_alive(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def describe(self) -> str:
        return f"pid {self.pid}" if self.pid else "a process that did not say its pid"


class InstanceLock:
    """The exclusive lock of a running instance. Its file descriptor is passed to every child, so that
    the data dir stays taken while any of them lives."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd

    def describe(self, **info: Any) -> None:
        payload = json.dumps({"pid": os.getpid(), **info}).encode()
        os.pwrite(self.fd, payload, 0)  # then cut what an earlier, longer description left behind
        os.ftruncate(self.fd, len(payload))

    def release(self) -> None:
        """Close this process's hold. No explicit unlock: a child that somehow still runs keeps the data
        dir taken, because the lock lives until the last descriptor of it is closed."""
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            os.close(self.fd)


@dataclasses.dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def redis_url_path(self) -> Path:
        return self.root / REDIS_URL_FILE

    @property
    def redis_dir(self) -> Path:
        return self.root / REDIS_DIR

    @property
    def tls_dir(self) -> Path:
        return self.root / TLS_DIR

    @property
    def logs_dir(self) -> Path:
        return self.root / LOGS_DIR

    def acquire(self, *, patience: float = LOCK_ATTEMPT_SECONDS) -> InstanceLock:
        """Take the data dir for this process; DataDirBusy if a running instance has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + patience
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return InstanceLock(self.lock_path, fd)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    os.close(fd)
                    holder = self.holder()
                    raise DataDirBusy(self._busy_message(holder)) from None
                time.sleep(0.05)

    def holder(self) -> Holder | None:
        """The instance that holds the lock now, or None when the data dir is free."""
        try:
            fd = os.open(self.lock_path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                return _read_holder(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def running_redis_url(self) -> str:
        """The Redis of the instance running on this data dir; NoInstance, saying why, when there is none."""
        holder = self.holder()
        if holder is None:
            raise NoInstance(f"No Visage is running with data dir {self.root}. Start one with `visage up`, "
                             "or set REDIS_URL to the Redis to use.")
        if not holder.supervisor_alive:
            raise NoInstance(f"The Visage that ran with data dir {self.root} ({holder.describe()}) has exited, "
                             "but processes it started still hold the data dir; they stop within seconds, "
                             "otherwise end them by hand.")
        try:
            return self.redis_url_path.read_text().strip()
        except FileNotFoundError:
            raise NoInstance(f"The Visage running with data dir {self.root} ({holder.describe()}) has no Redis "
                             "yet: it is still starting. Try again in a few seconds.") from None

    def write_redis_url(self, url: str) -> None:
        write_private(self.redis_url_path, url + "\n")

    def forget_redis_url(self) -> None:
        self.redis_url_path.unlink(missing_ok=True)

    def admin_token(self) -> str:
        """VISAGE_ADMIN_TOKEN when set, else the token kept in the data dir (made on first use)."""
        if token := os.environ.get("VISAGE_ADMIN_TOKEN"):
            return token
        path = self.root / ADMIN_TOKEN_FILE
        if path.exists():
            return path.read_text().strip()
        token = secrets.token_urlsafe(32)
        write_private(path, token + "\n")
        return token

    def forget_audit_checkpoint(self) -> None:
        """Drop the audit checkpoint, for a trail that is gone with its Redis (reset, memory only): it
        would otherwise report the new, empty trail as truncated."""
        (self.root / CHECKPOINT_FILE).unlink(missing_ok=True)

    def wipe_state(self) -> list[Path]:
        """Delete what the instance stored (Redis's data with the audit checkpoint that vouches for it,
        media files, logs, the Redis URL); keep the admin token, the audit key and the TLS authority that
        clients may already trust. The paths removed."""
        removed = []
        stored = [self.redis_dir, self.root / CHECKPOINT_FILE] if self.redis_dir.exists() else []
        for path in (*stored, self.root / MEDIA_DIR, self.logs_dir, self.redis_url_path):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            removed.append(path)
        return removed

    def _busy_message(self, holder: Holder | None) -> str:
        if holder is not None and holder.supervisor_alive:
            where = f" at {holder.info['endpoint']}" if holder.info.get("endpoint") else ""
            return f"another Visage ({holder.describe()}{where}) is running with data dir {self.root}"
        return (f"data dir {self.root} is still held by processes of a Visage that has exited (they stop within "
                "seconds, otherwise end them by hand)")


def _read_holder(fd: int) -> Holder:
    raw = os.pread(fd, 4096, 0)
    try:
        info = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        info = {}
    pid = info.get("pid")
    return Holder(pid=pid if isinstance(pid, int) else None, info=info if isinstance(info, dict) else {})


def write_private(path: Path, content: str | bytes) -> None:
    """Write a file only its owner can read, without a moment where it is readable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content.encode() if isinstance(content, str) else content)
