"""What the audit keeps outside Redis, in the data dir: the chain's key and its signed checkpoint.

The key is VISAGE_AUDIT_KEY when set (every host of a deployment sharing one Redis sets the same),
else `audit.key` in the data dir, created once with mode 0600 and never replaced. The checkpoint is
`audit-checkpoint.json` beside it, replaced atomically (a temporary file, fsync, rename, fsync of
the directory) and only by a newer one, under a lock so that processes of one host take turns.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from server.config import default_data_dir
from server.domain.audit_chain import MIN_KEY_BYTES, Checkpoint

KEY_ENV = "VISAGE_AUDIT_KEY"
KEY_FILE = "audit.key"
CHECKPOINT_FILE = "audit-checkpoint.json"
LOCK_FILE = "audit-checkpoint.lock"


class AuditKeyUnavailable(RuntimeError):
    """No usable key: the chain can be neither extended nor verified."""


def audit_key(data_dir: Path | None = None, *, create: bool = True) -> bytes:
    """The chain's key: VISAGE_AUDIT_KEY, else the data dir's key file (made here when `create`)."""
    if configured := os.environ.get(KEY_ENV):
        key = configured.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise AuditKeyUnavailable(f"{KEY_ENV} must be at least {MIN_KEY_BYTES} bytes long (it has {len(key)}); "
                                      f"for example: python -c 'import secrets; print(secrets.token_hex(32))'")
        return key
    path = (data_dir or default_data_dir()).expanduser() / KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            raise AuditKeyUnavailable(f"no audit key: {KEY_ENV} is not set and {path} does not exist") from None
    _create_key(path)
    return _read_key(path)


def ensure_key(data_dir: Path) -> Path:
    """Create the data dir's key file unless VISAGE_AUDIT_KEY is set (`visage up` calls this before it
    starts the API and the workers); where the key lives."""
    audit_key(data_dir)
    return data_dir / KEY_FILE


def _read_key(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditKeyUnavailable(f"{path} is readable or writable by others (mode {stat.filemode(mode)}): "
                                  f"chmod 600 it")
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AuditKeyUnavailable(f"{path} does not hold a hex key") from None
    if len(key) < MIN_KEY_BYTES:
        raise AuditKeyUnavailable(f"{path} holds a key of {len(key)} bytes; at least {MIN_KEY_BYTES} are needed")
    return key


def _create_key(path: Path) -> None:
    """Write a new key where none is; a process that loses the race keeps the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    _write_private(temporary, secrets.token_hex(MIN_KEY_BYTES) + "\n")
    try:
        os.link(temporary, path)  # atomic, and fails if a key is already there
        _sync_directory(path.parent)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


class CheckpointFile:
    def __init__(self, data_dir: Path | None, key: bytes) -> None:
        self.directory = (data_dir or default_data_dir()).expanduser()
        self.path = self.directory / CHECKPOINT_FILE
        self.key = key

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> Checkpoint | None:
        """The last checkpoint; None if there is none yet; ValueError if it is malformed or forged."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            raise ValueError(f"{self.path} is not a readable checkpoint") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{self.path} is not a readable checkpoint")
        return Checkpoint.from_signed(raw, self.key)

    def write(self, checkpoint: Checkpoint) -> bool:
        """Replace the checkpoint with a newer one, atomically; False if the one there is as new. Call it
        holding `locked()`."""
        current = self.read()
        if current is not None and current.count >= checkpoint.count:
            return False
        temporary = self.path.with_name(f".{CHECKPOINT_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            _write_private(temporary, json.dumps(checkpoint.signed(self.key), sort_keys=True) + "\n")
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        _sync_directory(self.directory)
        return True

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Processes of this host take turns at checking and writing the checkpoint."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.directory / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
