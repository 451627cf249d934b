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
from collections.abc import Iterator
from pathlib import Path

from server.config import default_data_dir
from server.domain.audit_chain import Checkpoint
from server.store.secret_files import KeyUnavailable, data_dir_key, sync_directory, write_private

KEY_ENV = "VISAGE_AUDIT_KEY"
KEY_FILE = "audit.key"
CHECKPOINT_FILE = "audit-checkpoint.json"
LOCK_FILE = "audit-checkpoint.lock"


class AuditKeyUnavailable(KeyUnavailable):
    """No usable key: the chain can be neither extended nor verified."""


def audit_key(data_dir: Path | None = None, *, create: bool = True) -> bytes:
    """The chain's key: VISAGE_AUDIT_KEY, else the data dir's key file (made here when `create`)."""
    return data_dir_key(KEY_ENV, KEY_FILE, data_dir, create=create, error=AuditKeyUnavailable,
                        what="audit key")


def ensure_key(data_dir: Path) -> Path:
    """Create the data dir's key file unless VISAGE_AUDIT_KEY is set (`visage up` calls this before it
    starts the API and the workers); where the key lives."""
    audit_key(data_dir)
    return data_dir / KEY_FILE


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
            write_private(temporary, json.dumps(checkpoint.signed(self.key), sort_keys=True) + "\n")
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        sync_directory(self.directory)
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
