"""Snapshots as files: any host materialises them from Redis, readers only ever map whole versions,
torn files are never served, and a killed worker leaves the previous version serving."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from redis import Redis

from server.domain import face_index
from server.domain.callers import Caller
from server.domain.collections import RULES, CollectionKind
from server.domain.detection import RecognitionModel
from server.services import collections, training
from server.services.tenants import sign_up
from server.store import snapshot_files, snapshots
from server.store.snapshot_builder import SnapshotBuilder
from server.store.snapshots import SnapshotCorrupt, SnapshotStore
from tests.conftest import TEST_REDIS_URL
from tests.support.live import descendants
from tests.support.synthetic_faces import SyntheticFaces
from tests.support.tenants import signup_form
from tests.support.workers import run_queued_jobs

LPG = RULES[CollectionKind.LARGE_PERSON_GROUP]


def tenant_scope(redis: Redis) -> tuple[Caller, collections.Scope]:
    signed_up = sign_up(redis, signup_form(), base_url="http://visage.test")
    caller = Caller(signed_up.tenant, signed_up.deployment.deployment)
    collections.create_collection(redis, caller, LPG.kind, "g", "g", None, RecognitionModel.RECOGNITION_04)
    return caller, collections.Scope.of(redis, caller, LPG.kind)


def enrol(scope: collections.Scope, faces: int, seed: int = 1) -> SyntheticFaces:
    synthetic = SyntheticFaces(faces, seed=seed)
    identities, matrix = synthetic.matrix()
    persons: dict[int, list[tuple[str, np.ndarray]]] = {}
    for identity, row in zip(identities, matrix, strict=True):
        persons.setdefault(int(identity), []).append((str(uuid.uuid4()), row))
    scope.store.import_persons("g", [(str(uuid.uuid4()), "p", rows) for rows in persons.values()])
    return synthetic


def store_at(scope: collections.Scope, cache_dir: Path) -> SnapshotStore:
    return SnapshotStore(scope.redis, scope.deployment_id, LPG.kind.value, cache_dir=cache_dir)


def write(store: SnapshotStore, collection_id: str, face_ids: list[str], person_ids: list[str | None],
          matrix: np.ndarray) -> str | None:
    """Train from faces in memory, as the training worker does from a collection."""
    with SnapshotBuilder(store, collection_id) as builder:
        builder.add(face_ids, person_ids, matrix)
        return builder.commit()


def versions_on_disk(store: SnapshotStore) -> list[str]:
    directory = store.location("g").directory(store.cache_dir)
    return sorted(entry.name for entry in directory.iterdir()) if directory.exists() else []


def forget_mapped_snapshots() -> None:
    """What a fresh API process starts with."""
    snapshots._CACHE.entries.clear()


def test_a_host_that_never_saw_the_training_materialises_it_from_redis(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISAGE_INDEX_MIN_FACES", "2000")  # small enough for an index here
    monkeypatch.setenv("VISAGE_DATA_DIR", str(tmp_path / "worker-host"))
    caller, scope = tenant_scope(redis_db)
    synthetic = enrol(scope, 6000)
    training.train(redis_db, caller, LPG.kind, "g")
    run_queued_jobs(redis_db)
    on_worker_host = store_at(scope, tmp_path / "worker-host" / "snapshots")
    assert len(versions_on_disk(on_worker_host)) == 1

    forget_mapped_snapshots()
    elsewhere = store_at(scope, tmp_path / "api-host" / "snapshots")
    assert versions_on_disk(elsewhere) == []
    served = elsewhere.load("g")
    assert served is not None and versions_on_disk(elsewhere) == versions_on_disk(on_worker_host)
    assert served.index is not None and isinstance(served.matrix, np.memmap)
    assert str(elsewhere.cache_dir) in str(served.matrix.filename)
    original = on_worker_host.load("g")
    assert original is not None and original.version == served.version
    assert np.array_equal(np.asarray(original.matrix), np.asarray(served.matrix))
    probes = synthetic.probes(np.arange(0, 1500, 30))
    assert ([[(m.index, m.confidence) for m in r] for r in face_index.identify(served, probes, max_candidates=5,
                                                                                 threshold=0.5)]
            == [[(m.index, m.confidence) for m in r] for r in face_index.identify(original, probes, max_candidates=5,
                                                                                    threshold=0.5)])


def version_contents(step: int) -> tuple[list[str], list[str | None], np.ndarray]:
    """A version whose every row says which step wrote it, with a row count of its own."""
    rows = 50 + step
    matrix = np.full((rows, 128), float(step), dtype=np.float32)
    return [str(uuid.uuid4()) for _ in range(rows)], [str(uuid.uuid4()) for _ in range(rows)], matrix


def test_readers_map_only_whole_versions_while_trainings_replace_them(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, scope = tenant_scope(redis_db)
    host = tmp_path / "host"
    writer = store_at(scope, host)
    write(writer, "g", *version_contents(0))
    monkeypatch.setattr(snapshots._CACHE, "get", lambda key, version: None)  # every load maps the files again
    stop = threading.Event()
    seen: list[int] = []
    failures: list[str] = []

    def read(cache_dir: Path) -> None:
        store = SnapshotStore(Redis.from_url(TEST_REDIS_URL), scope.deployment_id, LPG.kind.value,
                              cache_dir=cache_dir)
        while not stop.is_set():
            snapshot = store.load("g")
            if snapshot is None:
                failures.append("no snapshot")
                continue
            step = int(snapshot.matrix[0, 0])
            if snapshot.rows != 50 + step or not np.all(np.asarray(snapshot.matrix) == step):
                failures.append(f"a mixed version: {snapshot.rows} rows, step {step}")
            seen.append(step)

    readers = [threading.Thread(target=read, args=(host,)) for _ in range(3)]
    readers.append(threading.Thread(target=read, args=(tmp_path / "other-host",)))
    for reader in readers:
        reader.start()
    try:
        for step in range(1, 25):
            write(writer, "g", *version_contents(step))
            time.sleep(0.02)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert len(set(seen)) > 3  # the readers really saw the versions change under them
    assert versions_on_disk(writer) == [str(redis_db.hget(writer._pointer("g"), "version"), "ascii")]


def test_a_torn_draft_a_truncated_file_or_a_corrupt_block_is_never_served(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, scope = tenant_scope(redis_db)
    host = tmp_path / "host"
    store = store_at(scope, host)
    face_ids, person_ids, matrix = version_contents(7)
    version = write(store, "g", face_ids, person_ids, matrix)
    assert version is not None
    location = store.location("g")
    published = location.directory(host) / version

    # a writer killed while writing leaves a draft that nothing maps, and a later sweep removes
    draft = snapshot_files.Draft(host)
    draft.file("matrix").write_bytes(b"\x00" * 1000)
    forget_mapped_snapshots()
    served = store.load("g")
    assert served is not None and served.version == version and np.all(np.asarray(served.matrix) == 7)
    monkeypatch.setattr(snapshot_files, "STALE_TEMPORARY_SECONDS", -1)
    store.sweep()
    assert list((host / snapshot_files.TEMPORARY).iterdir()) == []

    # a truncated copy on disk is thrown away and fetched again whole
    matrix_file = published / snapshot_files.FILES["matrix"]
    matrix_file.chmod(0o644)
    os.truncate(matrix_file, matrix_file.stat().st_size // 2)
    forget_mapped_snapshots()
    served = store.load("g")
    assert served is not None and served.rows == len(matrix) and np.array_equal(np.asarray(served.matrix), matrix)

    # a directory at a version's name without its meta.json was never published: it is replaced
    for entry in published.iterdir():
        entry.chmod(0o644)
    (published / snapshot_files.META).unlink()
    forget_mapped_snapshots()
    served = store.load("g")
    assert served is not None and np.array_equal(np.asarray(served.matrix), matrix)

    # bytes that do not match the writer's digest are refused, and nothing is published
    pointer = store.pointer("g")
    assert pointer is not None
    block = store.blocks("g", pointer)["matrix"][0]
    corrupt = bytearray(redis_db.get(block) or b"")
    corrupt[5] ^= 0xFF
    redis_db.set(block, bytes(corrupt))
    forget_mapped_snapshots()
    shutil.rmtree(published)
    with pytest.raises(SnapshotCorrupt):
        store.load("g")
    assert not published.exists()


def rewrite(path: Path, change: Callable[[bytearray], None]) -> None:
    """Change a published file in place, as a careless operator or a failing disk would."""
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    change(data)
    path.write_bytes(bytes(data))


def flip(offset: int) -> Callable[[bytearray], None]:
    def change(data: bytearray) -> None:
        data[offset] ^= 0xFF
    return change


@pytest.mark.parametrize(("part", "change"), [
    ("matrix", flip(0)),                                        # same size, one row says something else
    ("index", flip(0)),                                         # faiss can no longer read its header
    ("index", lambda data: data.__setitem__(slice(200, 264), b"\xff" * 64)),  # readable, wrong cells
    ("meta", lambda data: data.__setitem__(slice(0, None), b"{garbage")),
    ("meta", lambda data: data.__setitem__(slice(0, None), b"[]")),
], ids=["matrix-row", "index-header", "index-cells", "meta-garbage", "meta-not-an-object"])
def test_a_file_altered_on_disk_is_never_served_and_is_fetched_again(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: str,
        change: Callable[[bytearray], None]) -> None:
    monkeypatch.setenv("VISAGE_INDEX_MIN_FACES", "1000")  # small enough for an index here
    _, scope = tenant_scope(redis_db)
    host = tmp_path / "host"
    store = store_at(scope, host)
    rows = 3000
    matrix = np.random.default_rng(4).standard_normal((rows, 128)).astype(np.float32)
    version = write(store, "g", [str(uuid.uuid4()) for _ in range(rows)], [str(uuid.uuid4()) for _ in range(rows)],
                    matrix)
    assert version is not None
    forget_mapped_snapshots()
    whole = store.load("g")
    assert whole is not None and whole.index is not None
    rows_served = np.array(whole.matrix)
    probes = matrix[:20] + np.float32(0.01)
    expected = face_index.identify(whole, probes, max_candidates=3, threshold=0.0)

    published = store.location("g").directory(host) / version
    rewrite(published / (snapshot_files.META if part == "meta" else snapshot_files.FILES[part]), change)
    forget_mapped_snapshots()
    served = store.load("g")
    assert served is not None and served.version == version and served.index is not None
    assert np.array_equal(np.asarray(served.matrix), rows_served)
    assert face_index.identify(served, probes, max_candidates=3, threshold=0.0) == expected


def test_a_worker_killed_midway_leaves_the_previous_version_serving(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    caller, scope = tenant_scope(redis_db)
    worker_dir = tmp_path / "worker-host"
    monkeypatch.setenv("VISAGE_DATA_DIR", str(worker_dir))
    enrol(scope, 300, seed=2)
    training.train(redis_db, caller, LPG.kind, "g")
    run_queued_jobs(redis_db)
    before = scope.snapshots.pointer("g")
    assert before is not None and before["rows"] == "300"

    enrol(scope, 150_000, seed=3)  # enough that indexing takes seconds
    training.train(redis_db, caller, LPG.kind, "g")
    worker = subprocess.Popen([sys.executable, "-m", "workers"], start_new_session=True, env={
        **os.environ, "REDIS_URL": TEST_REDIS_URL, "VISAGE_LOG_LEVEL": "WARNING", "VISAGE_DATA_DIR": str(worker_dir)})
    drafts = worker_dir / "snapshots" / snapshot_files.TEMPORARY
    try:
        deadline = time.monotonic() + 120
        while not any((draft / snapshot_files.FILES["matrix"]).exists() for draft in drafts.glob("*")):
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never got to sorting"
            time.sleep(0.05)
        for pid in [worker.pid, *descendants(worker.pid)]:
            os.kill(pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)

    assert scope.snapshots.pointer("g") == before
    forget_mapped_snapshots()
    for host in (worker_dir / "snapshots", tmp_path / "api-host"):
        served = store_at(scope, host).load("g")
        assert served is not None and served.version == before["version"] and served.rows == 300
        assert versions_on_disk(store_at(scope, host)) == [before["version"]]
    assert list(drafts.iterdir())  # the dead worker's draft stays until it is stale, never mapped
    orphans = [key for key in redis_db.scan_iter(match="*:snapshot:*") if before["version"] not in key.decode()]
    assert all(0 < redis_db.ttl(key) <= snapshots.ORPHAN_BLOCK_SECONDS for key in orphans)


def test_blocks_of_a_version_never_committed_expire_and_the_old_one_keeps_serving(
        redis_db: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    caller, scope = tenant_scope(redis_db)
    store = store_at(scope, tmp_path / "host")
    first = write(store, "g", *version_contents(1))

    def die(*args: object) -> bool:
        raise KeyboardInterrupt("killed between upload and commit")

    monkeypatch.setattr(SnapshotStore, "commit", die)
    with pytest.raises(KeyboardInterrupt):
        write(store, "g", *version_contents(2))
    monkeypatch.undo()
    uploaded = [key for key in redis_db.scan_iter(match="*:snapshot:*") if first and first not in key.decode()]
    assert uploaded and all(0 < redis_db.ttl(key) <= snapshots.ORPHAN_BLOCK_SECONDS for key in uploaded)
    forget_mapped_snapshots()
    served = store.load("g")
    assert served is not None and served.version == first and np.all(np.asarray(served.matrix) == 1)


def test_replaced_and_deleted_versions_leave_redis_and_the_host(redis_db: Redis, tmp_path: Path) -> None:
    caller, scope = tenant_scope(redis_db)
    store = store_at(scope, tmp_path / "host")
    first = write(store, "g", *version_contents(1))
    second = write(store, "g", *version_contents(2))
    assert first and second and versions_on_disk(store) == [second]
    assert not list(redis_db.scan_iter(match=f"*:snapshot:{first}:*"))
    assert all(redis_db.ttl(key) == -1 for key in redis_db.scan_iter(match=f"*:snapshot:{second}:*"))
    collections.delete_collection(redis_db, caller, LPG.kind, "g")
    assert not list(redis_db.scan_iter(match="*:snapshot:*"))
    store.sweep()
    assert not store.location("g").directory(store.cache_dir).exists()


def test_a_snapshot_of_the_first_layout_is_still_served(redis_db: Redis, tmp_path: Path) -> None:
    _, scope = tenant_scope(redis_db)
    store = store_at(scope, tmp_path / "host")
    face_ids, person_ids, matrix = version_contents(3)
    version = "0" * 32
    block = lambda name: store.block("g", version, name)  # noqa: E731
    persons = np.frombuffer(b"".join(uuid.UUID(p).bytes for p in person_ids if p), np.uint8).reshape(-1, 16)
    order = np.argsort(persons.view("S16").ravel(), kind="stable")
    redis_db.set(block("faces"), b"".join(uuid.UUID(face_ids[i]).bytes for i in order))
    redis_db.set(block("persons"), persons[order].tobytes())
    redis_db.set(block("starts"), np.arange(len(order), dtype=np.int64).tobytes())
    redis_db.set(block("matrix:0"), matrix.tobytes())
    redis_db.hset(store._pointer("g"), mapping={"version": version, "rows": len(order), "persons": len(order),
                                                "chunks": 1, "has_persons": "1", "created": "2026-01-01T00:00:00Z"})
    served = store.load("g")
    assert served is not None and served.rows == len(order) and served.index is None
    assert served.person_id(0) == str(uuid.UUID(bytes=persons[order[0]].tobytes()))
