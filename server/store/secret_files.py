"""Server keys kept outside Redis, in the data dir: whoever can read Redis cannot read these.

A key is an environment variable when set (every host of a deployment sharing one Redis sets the
same), else a file in the data dir holding hex, created once with mode 0600 and never replaced
(the audit chain's key, the key that encrypts deployment keys for Signature Version 4). Files
are written atomically: a temporary file, fsync, a hard link that fails if another process won
the race (which then keeps the winner's key), fsync of the directory.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from server.config import default_data_dir

MIN_KEY_BYTES = 32
"""256 bits: an HMAC-SHA256 key or an AES-256 key."""


class KeyUnavailable(RuntimeError):
    """No usable key: what it protects can be neither written nor read."""


def data_dir_key(env_variable: str, file_name: str, data_dir: Path | None = None, *, create: bool = True,
                 error: type[KeyUnavailable] = KeyUnavailable, what: str = "key") -> bytes:
    """`env_variable`'s value, else the data dir's key file (made here when `create`); `what` names
    the key in the error when there is none."""
    if configured := os.environ.get(env_variable):
        key = configured.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise error(f"{env_variable} must be at least {MIN_KEY_BYTES} bytes long (it has {len(key)}); "
                        f"for example: python -c 'import secrets; print(secrets.token_hex(32))'")
        return key
    path = (data_dir or default_data_dir()).expanduser() / file_name
    try:
        return read_key(path, error)
    except FileNotFoundError:
        if not create:
            raise error(f"no {what}: {env_variable} is not set and {path} does not exist") from None
    create_key(path)
    return read_key(path, error)


def read_key(path: Path, error: type[KeyUnavailable] = KeyUnavailable) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise error(f"{path} is readable or writable by others (mode {stat.filemode(mode)}): chmod 600 it")
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise error(f"{path} does not hold a hex key") from None
    if len(key) < MIN_KEY_BYTES:
        raise error(f"{path} holds a key of {len(key)} bytes; at least {MIN_KEY_BYTES} are needed")
    return key


def create_key(path: Path) -> None:
    """Write a new key where none is; a process that loses the race keeps the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    write_private(temporary, secrets.token_hex(MIN_KEY_BYTES) + "\n")
    try:
        os.link(temporary, path)  # atomic, and fails if a key is already there
        sync_directory(path.parent)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
