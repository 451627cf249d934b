"""Trained snapshots: written to Redis by a training worker, loaded once per process per version.

A snapshot is the collection's embeddings as one float32 matrix, rows grouped by person, with
the ids beside it. Its blocks are written under a fresh version and never changed; a small hash
points to the current version and is switched atomically, so identify always sees one whole
snapshot, and changes after training are not seen until the next training (as on Azure).
"""

from __future__ import annotations

import collections
import dataclasses
import os
import threading
import uuid
from typing import Any

import numpy as np
from redis import Redis

from server.domain.clock import format_time, now
from server.domain.faces import EMBEDDING_SIZE
from server.store import keys
from server.store.codec import blob, decode_hash, text

MATRIX_CHUNK_ROWS = 131_072
"""Rows per matrix block: 64 MiB, well under Redis's 512 MB string limit and cheap to buffer."""

DEFAULT_CACHE_BYTES = 4 * 1024**3
"""Snapshots an API process keeps in memory (VISAGE_SNAPSHOT_CACHE_BYTES overrides); the least
recently used is dropped first."""

LOAD_ATTEMPTS = 3
"""A load that races a newer training (its blocks are being replaced) starts over this often."""

_COMMIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local previous = redis.call('HGET', KEYS[2], 'version') or ''
local chunks = redis.call('HGET', KEYS[2], 'chunks') or '0'
redis.call('HSET', KEYS[2], unpack(ARGV))
return previous .. ' ' .. chunks
"""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    version: str
    matrix: np.ndarray  # rows x 128 float32, grouped by person
    squared_norms: np.ndarray  # rows, float32
    face_ids: np.ndarray  # rows x 16 uint8 (UUID bytes)
    person_ids: np.ndarray | None  # persons x 16 uint8, or None for face lists
    person_starts: np.ndarray | None  # persons int64: first row of each person
    created: str

    @property
    def rows(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def nbytes(self) -> int:
        parts = [self.matrix, self.squared_norms, self.face_ids, self.person_ids, self.person_starts]
        return sum(int(part.nbytes) for part in parts if part is not None)

    def face_id(self, row: int) -> str:
        return str(uuid.UUID(bytes=self.face_ids[row].tobytes()))

    def person_id(self, index: int) -> str:
        assert self.person_ids is not None
        return str(uuid.UUID(bytes=self.person_ids[index].tobytes()))


def _uuid_bytes(ids: list[str]) -> np.ndarray:
    return np.frombuffer(b"".join(uuid.UUID(i).bytes for i in ids), dtype=np.uint8).reshape(-1, 16)


class SnapshotStore:
    def __init__(self, redis: Redis, deployment_id: str, kind: str) -> None:
        self.redis = redis
        self.deployment_id = deployment_id
        self.kind = kind

    def _pointer(self, collection_id: str) -> str:
        return keys.collection_part(self.deployment_id, self.kind, collection_id, "snapshot")

    def _block(self, collection_id: str, version: str, block: str) -> str:
        return keys.snapshot_block(self.deployment_id, self.kind, collection_id, version, block)

    def pointer(self, collection_id: str) -> dict[str, str] | None:
        raw = decode_hash(self.redis.hgetall(self._pointer(collection_id)))
        return raw or None

    def block_keys(self, collection_id: str, pointer: dict[str, str] | None) -> list[str]:
        if not pointer:
            return []
        names = ["faces", "persons", "starts"] + [f"matrix:{i}" for i in range(int(pointer["chunks"]))]
        return [self._block(collection_id, pointer["version"], name) for name in names]

    def write(self, collection_id: str, face_ids: list[str], person_ids: list[str | None],
              matrix: np.ndarray) -> str | None:
        """Store a new snapshot and point to it; None when the collection was deleted meanwhile."""
        version = uuid.uuid4().hex
        has_persons = any(person is not None for person in person_ids)
        person_block = starts_block = b""
        persons_count = 0
        if has_persons and len(face_ids):
            person_keys = _uuid_bytes([str(p) for p in person_ids])
            unique, inverse = np.unique(person_keys.view("S16").ravel(), return_inverse=True)
            order = np.argsort(inverse, kind="stable")
            matrix, face_ids = matrix[order], [face_ids[i] for i in order]
            starts = np.searchsorted(inverse[order], np.arange(len(unique))).astype(np.int64)
            person_block, starts_block = unique.tobytes(), starts.tobytes()
            persons_count = len(unique)
        chunks = max(1, -(-len(face_ids) // MATRIX_CHUNK_ROWS))
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self._block(collection_id, version, "faces"), _uuid_bytes(face_ids).tobytes() if face_ids else b"")
            pipe.set(self._block(collection_id, version, "persons"), person_block)
            pipe.set(self._block(collection_id, version, "starts"), starts_block)
            for index in range(chunks):
                rows = matrix[index * MATRIX_CHUNK_ROWS:(index + 1) * MATRIX_CHUNK_ROWS]
                pipe.set(self._block(collection_id, version, f"matrix:{index}"),
                         np.ascontiguousarray(rows, dtype=np.float32).tobytes())
                if index % 4 == 3:
                    pipe.execute()
            pipe.execute()
        pointer = {"version": version, "rows": str(len(face_ids)), "persons": str(persons_count),
                   "chunks": str(chunks), "has_persons": "1" if has_persons else "0", "created": format_time(now())}
        new_pointer = {"version": version, "chunks": str(chunks)}
        flat = [item for pair in pointer.items() for item in pair]
        previous = text(self.redis.eval(_COMMIT, 2, keys.collection(self.deployment_id, self.kind, collection_id),
                                        self._pointer(collection_id), *flat))
        if previous == "gone":
            self.redis.unlink(*self.block_keys(collection_id, new_pointer))
            return None
        old_version, _, old_chunks = str(previous).partition(" ")
        if old_version:
            self.redis.unlink(*self.block_keys(collection_id, {"version": old_version, "chunks": old_chunks}))
        return version

    def load(self, collection_id: str) -> Snapshot | None:
        """The current snapshot, from this process's cache when its version is current."""
        for _ in range(LOAD_ATTEMPTS):
            pointer = self.pointer(collection_id)
            if pointer is None:
                return None
            cache_key = (self.deployment_id, self.kind, collection_id)
            cached = _CACHE.get(cache_key, pointer["version"])
            if cached is not None:
                return cached
            snapshot = self._read(collection_id, pointer)
            if snapshot is not None:
                _CACHE.put(cache_key, snapshot)
                return snapshot
        return None

    def _read(self, collection_id: str, pointer: dict[str, str]) -> Snapshot | None:
        version, rows = pointer["version"], int(pointer["rows"])
        matrix = np.empty((rows, EMBEDDING_SIZE), dtype=np.float32)
        for index in range(int(pointer["chunks"])):
            block = self.redis.get(self._block(collection_id, version, f"matrix:{index}"))
            if block is None:
                return None  # replaced by a newer training while reading
            part = np.frombuffer(blob(block), dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
            matrix[index * MATRIX_CHUNK_ROWS:index * MATRIX_CHUNK_ROWS + len(part)] = part
            del block, part
        faces, persons, starts = self.redis.mget([self._block(collection_id, version, name)
                                                  for name in ("faces", "persons", "starts")])
        if faces is None or persons is None or starts is None:
            return None
        has_persons = pointer.get("has_persons") == "1"
        return Snapshot(
            version=version,
            matrix=matrix,
            squared_norms=np.einsum("ij,ij->i", matrix, matrix),
            face_ids=np.frombuffer(blob(faces), dtype=np.uint8).reshape(-1, 16),
            person_ids=np.frombuffer(blob(persons), dtype=np.uint8).reshape(-1, 16) if has_persons else None,
            person_starts=np.frombuffer(blob(starts), dtype=np.int64) if has_persons else None,
            created=pointer["created"],
        )


class _SnapshotCache:
    """Per-process, least recently used first out, bounded by bytes."""

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
            while len(self.entries) > 1 and sum(s.nbytes for s in self.entries.values()) > self.budget:
                self.entries.popitem(last=False)


_CACHE = _SnapshotCache()
