"""The training worker's side of a snapshot: faces stream in, one version goes out.

Rows are spooled to a local file as they arrive and sorted by person from there, so a worker never
holds the matrix twice (ten million faces are 5 GB); large collections get their index
(server.domain.face_index) built from the memory-mapped result. Every part is uploaded to Redis in
blocks that expire until the pointer names them, then the pointer is switched atomically
(server.store.snapshots). The files built are the ones published on the worker's own host, so that
host does not fetch them back from Redis.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
import uuid

import numpy as np

from server.domain import face_index
from server.domain.clock import format_time, now
from server.domain.faces import EMBEDDING_SIZE
from server.store.snapshot_files import FILES, Draft, Meta
from server.store.snapshots import BLOCK_BYTES, FORMAT, ORPHAN_BLOCK_SECONDS, SnapshotStore, exact_below

log = logging.getLogger(__name__)

SORT_BATCH_ROWS = 262_144
"""Rows gathered into person order at a time (128 MB)."""


def _uuid_bytes(ids: list[str]) -> np.ndarray:
    """Canonical UUID strings (as Visage stores them) to 16 bytes each, a batch at a time."""
    packed = bytes.fromhex("".join(ids).replace("-", ""))
    if len(packed) != 16 * len(ids):
        raise ValueError("not canonical UUIDs")
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 16)


class SnapshotBuilder:
    """Faces of one collection in, one committed version out (or None if the collection went)."""

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

