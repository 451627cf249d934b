"""Trained snapshots: built by a training worker, kept in Redis, served from files on each host.

A snapshot is the collection's embeddings as one float32 matrix, rows grouped by person, with the
ids beside it and, for large collections, a search index (server.domain.face_index). Redis is the
source of truth that a worker on any host writes and every host reads: each part is stored in
blocks under a fresh version and never changed; a small hash points to the current version and is
switched atomically, so identify always sees one whole snapshot, and changes after training are not
seen until the next training (as on Azure). Blocks expire until the pointer names them, so a worker
killed midway leaves nothing behind and the previous version serving.

Each host materialises a version once into local files and its API processes memory-map them
(server.store.snapshot_files); a process keeps the versions it maps in a small cache.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
import logging
import math
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from redis import Redis

from server.domain import face_index
from server.domain.clock import format_time, now
from server.domain.faces import EMBEDDING_SIZE
from server.store import keys
from server.store.codec import blob, decode_hash, text
from server.store.snapshot_files import (
    FILES,
    Draft,
    Location,
    Meta,
    Snapshot,
    SnapshotCorrupt,
    cache_root,
    materialise,
    sweep,
)

__all__ = ["Snapshot", "SnapshotBuilder", "SnapshotCorrupt", "SnapshotStore"]

log = logging.getLogger(__name__)

FORMAT = "2"
"""Pointers without a format name the first layout: unchunked ids and `matrix:<i>` blocks, no index."""

BLOCK_BYTES = 64 * 1024**2
"""Bytes per Redis block: well under Redis's 512 MB string limit and cheap to buffer."""

ORPHAN_BLOCK_SECONDS = 6 * 3600
"""Blocks live this long until their version is committed (training jobs time out after an hour)."""

SORT_BATCH_ROWS = 262_144

LOAD_ATTEMPTS = 3
"""A load that races a newer training (its blocks are being replaced) starts over this often."""

MAX_OPEN_SNAPSHOTS = 64
"""Versions a process keeps mapped (four descriptors each); the least recently used is let go."""

DEFAULT_CACHE_BYTES = 4 * 1024**3
"""Index bytes a process keeps in its own memory (VISAGE_SNAPSHOT_CACHE_BYTES overrides); mapped
files are shared by the host and not counted."""

_COMMIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
if #KEYS > 2 and redis.call('EXISTS', unpack(KEYS, 3)) ~= #KEYS - 2 then return {'expired'} end
for i = 3, #KEYS do redis.call('PERSIST', KEYS[i]) end
local previous = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(ARGV))
table.insert(previous, 1, 'ok')
return previous
"""


def exact_below() -> int:
    """Collections smaller than this get no index (VISAGE_INDEX_MIN_FACES overrides, read per call)."""
    return int(os.environ.get("VISAGE_INDEX_MIN_FACES", face_index.EXACT_BELOW_FACES))


def _uuid_bytes(ids: list[str]) -> np.ndarray:
    """Canonical UUID strings (as Visage stores them) to 16 bytes each, a batch at a time."""
    packed = bytes.fromhex("".join(ids).replace("-", ""))
    if len(packed) != 16 * len(ids):
        raise ValueError("not canonical UUIDs")
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16)


class SnapshotStore:
    def __init__(self, redis: Redis, deployment_id: str, kind: str, *, cache_dir: Path | None = None) -> None:
        self.redis = redis
        self.deployment_id = deployment_id
        self.kind = kind
        self.cache_dir = cache_dir or cache_root()

    def _pointer(self, collection_id: str) -> str:
        return keys.collection_part(self.deployment_id, self.kind, collection_id, "snapshot")

    def block(self, collection_id: str, version: str, block: str) -> str:
        return keys.snapshot_block(self.deployment_id, self.kind, collection_id, version, block)

    def location(self, collection_id: str) -> Location:
        return Location(self.deployment_id, self.kind, collection_id)

    def pointer(self, collection_id: str) -> dict[str, str] | None:
        raw = decode_hash(self.redis.hgetall(self._pointer(collection_id)))
        return raw or None

    def blocks(self, collection_id: str, pointer: dict[str, str]) -> dict[str, list[str]]:
        """Each part's block keys, in order."""
        version = pointer["version"]
        if pointer.get("format") == FORMAT:
            sizes = json.loads(pointer["sizes"])
            return {part: [self.block(collection_id, version, f"{part}:{i}")
                           for i in range(math.ceil(sizes[part] / BLOCK_BYTES))] for part in FILES if part in sizes}
        return {"faces": [self.block(collection_id, version, "faces")],
                "persons": [self.block(collection_id, version, "persons")],
                "starts": [self.block(collection_id, version, "starts")],
                "matrix": [self.block(collection_id, version, f"matrix:{i}") for i in range(int(pointer["chunks"]))]}

    def block_keys(self, collection_id: str, pointer: dict[str, str] | None) -> list[str]:
        if not pointer:
            return []
        return [key for part in self.blocks(collection_id, pointer).values() for key in part]

    def builder(self, collection_id: str) -> SnapshotBuilder:
        return SnapshotBuilder(self, collection_id)

    def write(self, collection_id: str, face_ids: list[str], person_ids: list[str | None],
              matrix: np.ndarray) -> str | None:
        """Store a new snapshot and point to it; None when the collection was deleted meanwhile."""
        with self.builder(collection_id) as builder:
            builder.add(face_ids, person_ids, matrix)
            return builder.commit()

    def commit(self, collection_id: str, pointer: dict[str, str]) -> bool:
        """Point to a fully written version and drop the one it replaces; False when the collection
        was deleted meanwhile (the new blocks are dropped instead)."""
        new_blocks = self.block_keys(collection_id, pointer)
        flat = [item for pair in pointer.items() for item in pair]
        answer = self.redis.eval(_COMMIT, 2 + len(new_blocks),
                                 keys.collection(self.deployment_id, self.kind, collection_id),
                                 self._pointer(collection_id), *new_blocks, *flat)
        outcome, *previous = [str(text(item)) for item in answer]
        if outcome != "ok":
            self.redis.unlink(*new_blocks)
            if outcome == "expired":
                raise RuntimeError("the snapshot's blocks expired before it was committed")
            return False
        old = dict(zip(previous[::2], previous[1::2], strict=True))
        if old_blocks := self.block_keys(collection_id, old or None):
            self.redis.unlink(*old_blocks)
        return True

    def load(self, collection_id: str) -> Snapshot | None:
        """The current snapshot: from this process's cache, this host's files, or Redis."""
        cache_key = (self.cache_dir, self.deployment_id, self.kind, collection_id)
        for _ in range(LOAD_ATTEMPTS):
            pointer = self.pointer(collection_id)
            if pointer is None:
                return None
            cached = _CACHE.get(cache_key, pointer["version"])
            if cached is not None:
                return cached
            snapshot, fetched = materialise(self.cache_dir, self.location(collection_id), pointer["version"],
                                            functools.partial(self._download, collection_id, pointer),
                                            with_index=int(pointer["rows"]) >= exact_below())
            if fetched:
                self.sweep()
            if snapshot is not None:
                _CACHE.put(cache_key, snapshot)
                return snapshot
        return None

    def _download(self, collection_id: str, pointer: dict[str, str], draft: Draft) -> Meta | None:
        digest = hashlib.sha256()
        sizes: dict[str, int] = {}
        for part, block_keys in self.blocks(collection_id, pointer).items():
            with open(draft.file(part), "wb") as handle:
                for key in block_keys:
                    block = self.redis.get(key)
                    if block is None:
                        return None  # replaced by a newer training while reading
                    digest.update(blob(block))
                    handle.write(blob(block))
            sizes[part] = draft.file(part).stat().st_size
        if pointer.get("digest", digest.hexdigest()) != digest.hexdigest():
            raise SnapshotCorrupt(f"snapshot {pointer['version']} does not match its digest")
        return Meta(version=pointer["version"], rows=int(pointer["rows"]), persons=int(pointer["persons"]),
                    has_persons=pointer.get("has_persons") == "1", created=pointer["created"], sizes=sizes,
                    digest=digest.hexdigest())

    def sweep(self) -> None:
        """Remove this host's files of versions that are no longer current anywhere."""
        def current(locations: list[Location]) -> list[str | None]:
            with self.redis.pipeline(transaction=False) as pipe:
                for location in locations:
                    pipe.hget(keys.collection_part(location.deployment_id, location.kind, location.collection_id,
                                                   "snapshot"), "version")
                return [text(version) for version in pipe.execute()]

        sweep(self.cache_dir, current)


class SnapshotBuilder:
    """The training worker's side: faces stream in, one version goes out.

    Rows are spooled to a local file as they arrive and sorted by person from there, so a worker
    never holds the matrix twice; the files it builds are the ones it publishes, so the worker's
    own host does not fetch them back from Redis.
    """

    def __init__(self, store: SnapshotStore, collection_id: str) -> None:
        self.store = store
        self.collection_id = collection_id
        self.draft = Draft(store.cache_dir)
        self.spool_path = self.draft.path / "unsorted.f32"
        self.spool = open(self.spool_path, "wb")  # noqa: SIM115 - closed by commit or close
        self.face_ids: list[np.ndarray] = []
        self.person_ids: list[np.ndarray] = []
        self.has_persons = False
        self.rows = 0
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()

    def add(self, face_ids: list[str], person_ids: list[str | None], matrix: np.ndarray) -> None:
        if not face_ids:
            return
        self.spool.write(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
        self.face_ids.append(_uuid_bytes(face_ids))
        self.has_persons |= any(person is not None for person in person_ids)
        self.person_ids.append(_uuid_bytes([person or str(uuid.UUID(int=0)) for person in person_ids]))
        self.rows += len(face_ids)

    def commit(self) -> str | None:
        """Sort, index, upload and point to the new version; None when the collection was deleted."""
        self.spool.close()
        self._phase("collect")
        version = uuid.uuid4().hex
        face_ids = np.concatenate(self.face_ids) if self.face_ids else np.empty((0, 16), np.uint8)
        persons_count = 0
        if self.has_persons and self.rows:
            person_keys = np.concatenate(self.person_ids).view("S16").ravel()
            self.person_ids.clear()
            unique, inverse = np.unique(person_keys, return_inverse=True)
            order = np.argsort(inverse, kind="stable")
            starts = np.searchsorted(inverse[order], np.arange(len(unique))).astype(np.int64)
            self._write_sorted(order)
            self.draft.file("faces").write_bytes(face_ids[order].tobytes())
            self.draft.file("persons").write_bytes(unique.tobytes())
            self.draft.file("starts").write_bytes(starts.tobytes())
            persons_count = len(unique)
            del person_keys, unique, inverse, order
        else:
            os.replace(self.spool_path, self.draft.file("matrix"))
            self.draft.file("faces").write_bytes(face_ids.tobytes())
            self.draft.file("persons").write_bytes(b"")
            self.draft.file("starts").write_bytes(b"")
        self._phase("sort")
        if face_index.wants_index(self.rows, exact_below()):
            matrix = np.memmap(self.draft.file("matrix"), dtype=np.float32, mode="r", shape=(self.rows, EMBEDDING_SIZE))
            face_index.write(face_index.build(matrix, threads=os.cpu_count()), str(self.draft.file("index")))
            del matrix
        self._phase("index")
        pointer = self._upload(version, persons_count)
        self._phase("upload")
        if not self.store.commit(self.collection_id, pointer):
            return None
        meta = Meta(version=version, rows=self.rows, persons=persons_count, has_persons=self.has_persons,
                    created=pointer["created"], sizes=json.loads(pointer["sizes"]), digest=pointer["digest"])
        try:
            self.draft.publish(self.store.location(self.collection_id), meta)
            self.store.sweep()
        except OSError:
            log.exception("could not keep snapshot %s on this host; it will be fetched from Redis", version)
        self._phase("publish")
        return version

    def _write_sorted(self, order: np.ndarray) -> None:
        source = np.memmap(self.spool_path, dtype=np.float32, mode="r", shape=(self.rows, EMBEDDING_SIZE))
        target = np.memmap(self.draft.file("matrix"), dtype=np.float32, mode="w+", shape=(self.rows, EMBEDDING_SIZE))
        for start in range(0, self.rows, SORT_BATCH_ROWS):
            target[start:start + SORT_BATCH_ROWS] = source[order[start:start + SORT_BATCH_ROWS]]
        target.flush()
        del source, target
        self.spool_path.unlink()

    def _upload(self, version: str, persons_count: int) -> dict[str, str]:
        digest = hashlib.sha256()
        sizes = {part: self.draft.file(part).stat().st_size for part in FILES if self.draft.file(part).exists()}
        with self.store.redis.pipeline(transaction=False) as pipe:
            for part in sizes:
                with open(self.draft.file(part), "rb") as handle:
                    for index in range(math.ceil(sizes[part] / BLOCK_BYTES)):
                        block = handle.read(BLOCK_BYTES)
                        digest.update(block)
                        pipe.set(self.store.block(self.collection_id, version, f"{part}:{index}"), block,
                                 ex=ORPHAN_BLOCK_SECONDS)
                        if len(pipe) >= 4:
                            pipe.execute()
            pipe.execute()
        return {"version": version, "format": FORMAT, "rows": str(self.rows), "persons": str(persons_count),
                "has_persons": "1" if self.has_persons else "0", "created": format_time(now()),
                "sizes": json.dumps(sizes), "digest": digest.hexdigest()}

    def _phase(self, name: str) -> None:
        moment = time.perf_counter()
        self.timings[name] = round(moment - self.started, 3)
        self.started = moment

    def close(self) -> None:
        self.spool.close()
        self.draft.discard()

    def __enter__(self) -> SnapshotBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SnapshotCache:
    """Per process, least recently used first out, bounded by count and by private (index) bytes."""

    def __init__(self) -> None:
        self.entries: collections.OrderedDict[Any, Snapshot] = collections.OrderedDict()
        self.lock = threading.Lock()

    @property
    def budget(self) -> int:
        return int(os.environ.get("VISAGE_SNAPSHOT_CACHE_BYTES", DEFAULT_CACHE_BYTES))

    def get(self, key: Any, version: str) -> Snapshot | None:
        with self.lock:
            snapshot = self.entries.get(key)
            if snapshot is None or snapshot.version != version:
                return None
            self.entries.move_to_end(key)
            return snapshot

    def put(self, key: Any, snapshot: Snapshot) -> None:
        with self.lock:
            self.entries[key] = snapshot
            self.entries.move_to_end(key)
            while len(self.entries) > 1 and (len(self.entries) > MAX_OPEN_SNAPSHOTS or sum(
                    s.index_bytes for s in self.entries.values()) > self.budget):
                self.entries.popitem(last=False)


_CACHE = _SnapshotCache()
