"""Trained snapshots: built by a training worker, kept in Redis, served from files on each host.

A snapshot is the collection's embeddings as one float32 matrix, rows grouped by person, with the
ids beside it and, for large collections, a search index (server.domain.face_index). Redis is the
source of truth that a worker on any host writes and every host reads: each part is stored in
blocks under a fresh version and never changed; a small hash points to the current version and is
switched atomically, so identify always sees one whole snapshot, and changes after training are not
seen until the next training (as on Azure). Blocks expire until the pointer names them, so a worker
killed midway leaves nothing behind and the previous version serving.

A training worker writes a version with server.store.snapshot_builder; each host materialises a
version once into local files and its API processes memory-map them (server.store.snapshot_files);
a process keeps the versions it maps in a small cache.
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
from pathlib import Path
from typing import Any

from redis import Redis

from server.domain import face_index
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

__all__ = ["Snapshot", "SnapshotCorrupt", "SnapshotStore"]

log = logging.getLogger(__name__)

FORMAT = "2"
"""Pointers without a format name the first layout: unchunked ids and `matrix:<i>` blocks, no index."""

BLOCK_BYTES = 64 * 1024**2
"""Bytes per Redis block: well under Redis's 512 MB string limit and cheap to buffer."""

ORPHAN_BLOCK_SECONDS = 6 * 3600
"""Blocks live this long until their version is committed (training jobs time out after an hour)."""

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
                                            with_index=int(pointer["rows"]) >= exact_below(),
                                            digest=pointer.get("digest"))
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
