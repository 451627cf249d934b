"""The PersonDirectory store on real Redis: exact identify over it, and its invariants under
concurrent writers (the 248-faces rule, and group references that never name a deleted person or
group)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from functools import partial

import numpy as np
import pytest
from redis import Redis

from server.domain import similarity
from server.domain.clock import format_time, now
from server.domain.collections import PersistedFace
from server.domain.detection import RecognitionModel
from server.domain.faces import EMBEDDING_SIZE
from server.domain.person_directory import DirectoryPerson, DynamicPersonGroup
from server.services.person_directory import identify_among
from server.store.person_directory import DirectoryStore

MODEL = RecognitionModel.RECOGNITION_04


class Probe:
    """What identify_among reads of a probe face."""

    def __init__(self, embedding: np.ndarray) -> None:
        self.face_id = str(uuid.uuid4())
        self.embedding = embedding.astype(np.float32)


def store_with(redis: Redis, faces_per_person: list[int], seed: int = 1) -> tuple[DirectoryStore, dict[str, list[
        np.ndarray]]]:
    """A directory of persons with that many random faces each, spread as dlib's are (norms about 0.6,
    strangers about 0.85 apart)."""
    store = DirectoryStore(redis, "deployment-under-test")
    rng = np.random.default_rng(seed)
    vectors: dict[str, list[np.ndarray]] = {}
    for count in faces_per_person:
        person = DirectoryPerson(str(uuid.uuid4()), "p", None)
        assert store.create_person(person, max_persons=1_000_000)
        vectors[person.person_id] = []
        for _ in range(count):
            vector = (rng.standard_normal(EMBEDDING_SIZE) / np.sqrt(EMBEDDING_SIZE) * 0.6).astype(np.float32)
            face = PersistedFace(str(uuid.uuid4()), person.person_id, None)
            assert store.add_face(MODEL, face, vector, max_faces=248) == "ok"
            vectors[person.person_id].append(vector)
    return store, vectors


def brute_force(probe: np.ndarray, vectors: dict[str, list[np.ndarray]], candidates: list[str] | None,
                top: int, threshold: float) -> list[tuple[str, float]]:
    """Each person's closest face, one person at a time, in float64."""
    scored = []
    for person, faces in vectors.items():
        if (candidates is not None and person not in candidates) or not faces:
            continue
        distance = min(float(np.linalg.norm(probe.astype(np.float64) - face)) for face in faces)
        confidence = similarity.confidence_from_distance(distance)
        if confidence >= threshold:
            scored.append((person, confidence))
    return sorted(scored, key=lambda item: -item[1])[:top]


def test_identify_among_agrees_with_a_brute_force_search(redis_db: Redis) -> None:
    store, vectors = store_with(redis_db, [3, 0, 1, 2] * 40)
    persons = list(vectors)
    rng = np.random.default_rng(2)
    probes = []
    for person in persons[:12]:
        if vectors[person]:
            probes.append(Probe(vectors[person][0] + rng.standard_normal(EMBEDDING_SIZE).astype(np.float32) * 0.01))
    probes.append(Probe(rng.standard_normal(EMBEDDING_SIZE) / np.sqrt(EMBEDDING_SIZE) * 0.6))  # a stranger
    for candidates in (None, persons[::3], persons[1:2]):
        for top, threshold in ((10, 0.0), (3, 0.5), (100, 0.2)):
            results = identify_among(store, probes, MODEL, candidates, max_candidates=top,  # type: ignore[arg-type]
                                     threshold=threshold)
            for probe, result in zip(probes, results, strict=True):
                expected = brute_force(probe.embedding, vectors, candidates, top, threshold)
                every = dict(brute_force(probe.embedding, vectors, candidates, len(vectors), 0.0))
                assert result.face_id == probe.face_id
                # the same confidences, best first, each the person's own (persons may swap only on a tie)
                assert np.allclose([c.confidence for c in result.candidates], [c for _, c in expected], atol=1e-5)
                assert all(abs(every[c.person_id] - c.confidence) < 1e-5 for c in result.candidates)
                assert len({c.person_id for c in result.candidates}) == len(result.candidates)


def test_identify_among_an_empty_directory_or_faceless_persons(redis_db: Redis) -> None:
    store, vectors = store_with(redis_db, [0, 0])
    probe = Probe(np.zeros(EMBEDDING_SIZE))
    for candidates in (None, list(vectors), []):
        [result] = identify_among(store, [probe], MODEL, candidates, max_candidates=5,  # type: ignore[list-item]
                                  threshold=0.0)
        assert result.candidates == ()


def test_the_whole_directory_names_each_person_once_when_hscan_repeats_fields(
        redis_db: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    """HSCAN may return a field more than once (Redis documents it, for a hash rehashed during the
    scan): a person seen twice must still be one candidate, not two."""
    store, vectors = store_with(redis_db, [1] * 600)  # past a listpack (512 fields here): HSCAN pages
    monkeypatch.setattr("server.store.person_directory.SCAN_BATCH", 50)
    real_hscan = redis_db.hscan
    pages: list[dict[bytes, bytes]] = []

    def hscan_as_in_a_rehash(name: str, cursor: int = 0, **options: object) -> tuple[int, dict[bytes, bytes]]:
        following, page = real_hscan(name, cursor, **options)  # type: ignore[arg-type]
        repeated = {**(pages[-1] if pages else {}), **page}  # the fields of the page before, again
        pages.append(page)
        return following, repeated

    monkeypatch.setattr(redis_db, "hscan", hscan_as_in_a_rehash)
    scanned = [person for batch in store.scan_faces(MODEL) for person, _ in batch]
    assert sorted(scanned) == sorted(vectors) and len(pages) > 1
    person = next(iter(vectors))
    [result] = identify_among(store, [Probe(vectors[person][0])], MODEL, None,  # type: ignore[list-item]
                              max_candidates=100, threshold=0.0)
    named = [c.person_id for c in result.candidates]
    assert len(named) == len(set(named)) == 100 and named[0] == person


def race(*tasks: Callable[[], object]) -> None:
    start = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task: Callable[[], object]) -> None:
        start.wait()
        try:
            task()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_concurrent_adds_keep_248_faces_per_person_and_model(redis_db: Redis) -> None:
    store, vectors = store_with(redis_db, [0])
    (person,) = vectors
    outcomes: list[str] = []
    vector = np.zeros(EMBEDDING_SIZE, dtype=np.float32)

    def add_many() -> None:
        store_ = DirectoryStore(Redis(connection_pool=redis_db.connection_pool), store.deployment_id)
        for _ in range(40):
            outcomes.append(store_.add_face(MODEL, PersistedFace(str(uuid.uuid4()), person, None), vector,
                                            max_faces=248))

    race(*[add_many] * 8)
    assert outcomes.count("ok") == 248 and outcomes.count("quota") == 320 - 248
    assert len(store.face_ids(MODEL, person)) == 248
    assert store.add_face(RecognitionModel.RECOGNITION_03, PersistedFace(str(uuid.uuid4()), person, None), vector,
                          max_faces=248) == "ok"


def group(group_id: str) -> DynamicPersonGroup:
    return DynamicPersonGroup(group_id, group_id, None, format_time(now()))


def consistent(redis: Redis, store: DirectoryStore) -> None:
    """Every reference goes both ways, and names a person and a group that exist."""
    groups = {g.group_id for g in store.list_groups(None, 1000)}
    persons = {p.person_id for p in store.list_persons(None, 1000)}
    forward = {(g, p) for g in groups for p in store.group_persons(g)}
    backward = {(g, p) for p in persons for g in store.person_groups(p, None, 1000)}
    assert forward == backward
    assert {p for _, p in forward} <= persons and {g for g, _ in backward} <= groups
    leftovers = [key for key in redis.scan_iter(f"visage:deployment:{store.deployment_id}:directory:person:*")
                 if key.decode().split(":")[-2] not in persons]
    assert leftovers == []


def test_deleting_a_person_while_groups_take_it_leaves_no_reference(redis_db: Redis) -> None:
    for round_ in range(5):
        store, vectors = store_with(redis_db, [1, 0], seed=round_)
        doomed, kept = vectors
        joins = [partial(store.create_group, group(f"r{round_}-g{i}"), [kept, doomed]) for i in range(6)]
        more = [partial(store.update_group, f"r{round_}-g{i}", {}, [doomed], []) for i in range(3)]
        race(partial(store.delete_person, doomed), *joins, *more)
        assert store.get_person(doomed) is None
        consistent(redis_db, store)


def test_deleting_a_group_while_persons_join_it_leaves_no_reference(redis_db: Redis) -> None:
    store, vectors = store_with(redis_db, [0] * 6)
    persons = list(vectors)
    for round_ in range(5):
        group_id = f"g{round_}"
        assert store.create_group(group(group_id), persons[:2]) == "ok"
        race(partial(store.delete_group, group_id),
             *[partial(store.update_group, group_id, {}, [person], []) for person in persons[2:]])
        assert store.get_group(group_id) is None
        consistent(redis_db, store)
