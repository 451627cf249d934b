"""Trained snapshots as local files that every API process on a host memory-maps.

Redis holds every version (server.store.snapshots), so any host can serve any collection; each host
materialises a version once into its cache directory, and its processes map the files read-only,
so the float32 matrix is one copy in memory per host however many API processes map it:

    $VISAGE_DATA_DIR/snapshots/                  (default ~/.visage/snapshots, as `visage up`)
        <deployment>/<kind>/<collection>/<version>/
            meta.json  faces.uuid  persons.uuid  starts.i64  matrix.f32  [index.faiss]
        .tmp/<version>.<random>/                 being written
        .locks/<deployment>.<kind>.<collection>  one download per host at a time

A version is written under .tmp, checked against the digest its writer recorded, flushed to disk,
then renamed into place: a version directory exists whole or not at all, so no reader can map a
half-written file, and a writer killed midway leaves only a .tmp entry that a later sweep removes.
Opening a version checks every file against the digest its writer recorded in Redis (a truncated,
altered or unreadable copy is removed and fetched again): about a second a gigabyte, once per process
and version, and the pages it reads are the ones identify would read ahead anyway. Old versions are
removed when a newer one is published on the host; a process that still maps one keeps its pages
until it lets go (unlinking a mapped file is safe on POSIX).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import json
import mmap
import os
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from server.domain import face_index
from server.domain.faces import EMBEDDING_SIZE

FILES = {"faces": "faces.uuid", "persons": "persons.uuid", "starts": "starts.i64", "matrix": "matrix.f32",
         "index": "index.faiss"}
"""Each part of a snapshot and its file; this order is also the order of the digest."""

META = "meta.json"
TEMPORARY = ".tmp"
LOCKS = ".locks"

STALE_TEMPORARY_SECONDS = 2 * 3600
"""A .tmp entry older than this belongs to a writer that died (training jobs time out after an hour)."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def cache_root() -> Path:
    """Where this host keeps snapshot files: $VISAGE_DATA_DIR/snapshots, default ~/.visage/snapshots."""
    data_dir = os.environ.get("VISAGE_DATA_DIR") or str(Path.home() / ".visage")
    return Path(data_dir).expanduser() / "snapshots"


class SnapshotCorrupt(RuntimeError):
    """Bytes fetched for a version do not match the digest its writer recorded."""


@dataclasses.dataclass(frozen=True)
class Location:
    deployment_id: str
    kind: str
    collection_id: str

    def __post_init__(self) -> None:
        for part in (self.deployment_id, self.kind, self.collection_id):
            if not _SAFE_NAME.match(part) or part.startswith("."):
                raise ValueError(f"not a safe file name: {part!r}")

    def directory(self, root: Path) -> Path:
        return root / self.deployment_id / self.kind / self.collection_id

    def lock_file(self, root: Path) -> Path:
        return root / LOCKS / f"{self.deployment_id}.{self.kind}.{self.collection_id}"


@dataclasses.dataclass(frozen=True)
class Snapshot:
    version: str
    matrix: np.ndarray  # rows x 128 float32, grouped by person (memory-mapped)
    face_ids: np.ndarray  # rows x 16 uint8 (UUID bytes)
    person_ids: np.ndarray | None  # persons x 16 uint8, or None for face lists
    person_starts: np.ndarray | None  # persons int64: first row of each person
    created: str
    index: Any | None = None  # faiss index (server.domain.face_index), or None: exact scan
    index_bytes: int = 0

    @property
    def rows(self) -> int:
        return int(self.matrix.shape[0])

    @functools.cached_property
    def squared_norms(self) -> np.ndarray:
        """For the exact scan only: computing them reads the whole matrix."""
        return np.einsum("ij,ij->i", self.matrix, self.matrix)

    def face_id(self, row: int) -> str:
        return str(uuid.UUID(bytes=self.face_ids[row].tobytes()))

    def person_id(self, index: int) -> str:
        assert self.person_ids is not None
        return str(uuid.UUID(bytes=self.person_ids[index].tobytes()))


@dataclasses.dataclass(frozen=True)
class Meta:
    version: str
    rows: int
    persons: int
    has_persons: bool
    created: str
    sizes: dict[str, int]
    digest: str

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Meta:
        return cls(**json.loads(text))


class Draft:
    """A version being written under .tmp; `publish` makes it visible, leaving it discards it."""

    def __init__(self, root: Path) -> None:
        (root / TEMPORARY).mkdir(parents=True, exist_ok=True)
        self.root = root
        self.path = root / TEMPORARY / f"{uuid.uuid4().hex}.{secrets.token_hex(4)}"
        self.path.mkdir()

    def file(self, part: str) -> Path:
        return self.path / FILES[part]

    def publish(self, location: Location, meta: Meta) -> Path:
        """Flush every file, then rename the directory into place (or find it already there)."""
        (self.path / META).write_text(meta.to_json())
        for entry in self.path.iterdir():
            entry.chmod(0o444)
            with open(entry, "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_directory(self.path)
        target = location.directory(self.root) / meta.version
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(self.path, target)
        except OSError:
            if not (target / META).exists():
                raise
            self.discard()  # another process of this host published the same version first
        _fsync_directory(target.parent)
        return target

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> Draft:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.path.exists():
            self.discard()


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False


def _map(path: Path, dtype: Any, width: int | None) -> np.ndarray:
    size = path.stat().st_size
    shape = (size // np.dtype(dtype).itemsize // (width or 1),) + ((width,) if width else ())
    if size == 0:
        return np.empty(shape, dtype=dtype)
    mapped = np.memmap(path, dtype=dtype, mode="r", shape=shape)
    # identify touches rows all over the file: read it ahead now rather than a page per query
    mapped._mmap.madvise(mmap.MADV_WILLNEED)  # type: ignore[attr-defined]
    return mapped


HASH_CHUNK_BYTES = 16 * 1024**2


def _digest(directory: Path, sizes: dict[str, int]) -> str:
    """SHA-256 of a version's parts in the order its writer hashed them (FILES order)."""
    digest = hashlib.sha256()
    for part in FILES:
        if part in sizes:
            with open(directory / FILES[part], "rb") as handle:
                while chunk := handle.read(HASH_CHUNK_BYTES):
                    digest.update(chunk)
    return digest.hexdigest()


def _trusted_meta(directory: Path, version: str, digest: str | None, *, hash_files: bool) -> Meta | None:
    """meta.json, when it and every file it lists are the version its writer recorded: its name,
    each file's size, and (`hash_files`) the files' SHA-256 (`digest` from Redis, else meta.json's
    own). A file truncated, altered or garbled on disk reads as None, never as a wrong or half index."""
    try:
        meta = Meta.from_json((directory / META).read_text())
        sizes = {str(part): int(size) for part, size in meta.sizes.items()}
    except (ValueError, TypeError, AttributeError):
        return None
    if meta.version != version or not set(sizes) <= set(FILES):
        return None
    if not all(_has_size(directory / FILES[part], size) for part, size in sizes.items()):
        return None
    return meta if not hash_files or _digest(directory, sizes) == (digest or meta.digest) else None


def open_version(root: Path, location: Location, version: str, *, with_index: bool,
                 digest: str | None = None, hash_files: bool = True) -> Snapshot | None:
    """Map a published version; None when it is not on this host (or was just swept away). A
    version whose files are not the ones its writer recorded (`digest`, the pointer's in Redis) is
    removed, to be fetched again. `hash_files=False` skips reading them whole, for files just
    checked against that digest as they were written."""
    directory = location.directory(root) / version
    if not (directory / META).exists():
        if directory.exists():  # never published so (meta.json goes in before the rename): not ours to keep
            shutil.rmtree(directory, ignore_errors=True)
        return None
    try:
        meta = _trusted_meta(directory, version, digest, hash_files=hash_files)
    except FileNotFoundError:
        return None
    if meta is None:
        shutil.rmtree(directory, ignore_errors=True)
        return None
    try:
        index_path = directory / FILES["index"]
        try:
            index = face_index.read(str(index_path)) if with_index and meta.sizes.get("index") else None
        except RuntimeError:  # faiss could not read what its writer wrote: not ours to serve
            shutil.rmtree(directory, ignore_errors=True)
            return None
        return Snapshot(
            version=meta.version,
            matrix=_map(directory / FILES["matrix"], np.float32, EMBEDDING_SIZE),
            face_ids=_map(directory / FILES["faces"], np.uint8, 16),
            person_ids=_map(directory / FILES["persons"], np.uint8, 16) if meta.has_persons else None,
            person_starts=_map(directory / FILES["starts"], np.int64, None) if meta.has_persons else None,
            created=meta.created,
            index=index,
            index_bytes=meta.sizes.get("index", 0) if index is not None else 0,
        )
    except FileNotFoundError:
        return None


@contextlib.contextmanager
def host_lock(root: Path, location: Location) -> Iterator[None]:
    """One materialisation of a collection per host at a time (the others wait, then map it)."""
    path = location.lock_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def materialise(root: Path, location: Location, version: str, fetch: Callable[[Draft], Meta | None],
                *, with_index: bool, digest: str | None = None) -> tuple[Snapshot | None, bool]:
    """Map `version`, fetching it into this host's cache first if no process here has (or its
    files are not the ones whose SHA-256 is `digest`); `fetch` fills a draft and answers its meta,
    or None when the version is gone from the store. Also answers whether this call fetched it."""
    if (found := open_version(root, location, version, with_index=with_index, digest=digest)) is not None:
        return found, False
    with host_lock(root, location):
        if (found := open_version(root, location, version, with_index=with_index, digest=digest)) is not None:
            return found, False
        with Draft(root) as draft:
            meta = fetch(draft)
            if meta is None:
                return None, True
            draft.publish(location, meta)
    # fetched files were hashed against `digest` as they were written (as were those of a process of this
    # host that published the version first): reading gigabytes again would only repeat that
    return open_version(root, location, version, with_index=with_index, digest=digest, hash_files=False), True


def sweep(root: Path, current_versions: Callable[[list[Location]], list[str | None]]) -> None:
    """Remove the versions no pointer names any more, the collections that have none, and .tmp
    entries of writers that died."""
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    with contextlib.suppress(FileNotFoundError):
        for entry in (root / TEMPORARY).iterdir():
            with contextlib.suppress(FileNotFoundError):
                if entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
    locations = list(_locations(root))
    for location, current in zip(locations, current_versions(locations), strict=True):
        directory = location.directory(root)
        with contextlib.suppress(FileNotFoundError):
            for version in directory.iterdir():
                if version.name != current:
                    shutil.rmtree(version, ignore_errors=True)
        if current is None:
            shutil.rmtree(directory, ignore_errors=True)
            location.lock_file(root).unlink(missing_ok=True)


def _locations(root: Path) -> Iterator[Location]:
    for deployment in _subdirectories(root):
        for kind in _subdirectories(deployment):
            for collection in _subdirectories(kind):
                with contextlib.suppress(ValueError):
                    yield Location(deployment.name, kind.name, collection.name)


def _subdirectories(path: Path) -> list[Path]:
    try:
        return [entry for entry in path.iterdir() if entry.is_dir() and not entry.name.startswith(".")]
    except FileNotFoundError:
        return []
