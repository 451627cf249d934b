"""Training against real Redis and real worker processes: concurrency and a killed worker."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import numpy as np
import pytest
from redis import Redis

from server.domain.callers import Caller
from server.domain.collections import RULES, CollectionKind
from server.domain.detection import RecognitionModel
from server.domain.training import TrainingStatus
from server.services import collections, training
from server.services.operator import suspend_tenant
from server.services.tenants import sign_up
from server.store.collections import CollectionStore
from tests.conftest import TEST_REDIS_URL
from tests.support.live import descendants
from tests.support.tenants import signup_form
from tests.support.workers import run_queued_jobs

LPG = RULES[CollectionKind.LARGE_PERSON_GROUP]


KIND = CollectionKind.LARGE_PERSON_GROUP


@dataclasses.dataclass(frozen=True)
class Tenancy:
    caller: Caller
    scope: collections.Scope

    @property
    def tenant_id(self) -> str:
        return self.caller.tenant_id


def tenancy(redis: Redis) -> Tenancy:
    """A real tenant and its starter deployment: training workers decide again on both."""
    signed_up = sign_up(redis, signup_form(), base_url="http://visage.test")
    caller = Caller(signed_up.tenant, signed_up.deployment.deployment)
    return Tenancy(caller, collections.Scope.of(redis, caller, KIND))


def start_worker() -> subprocess.Popen[bytes]:
    """An RQ worker process on the test database, in a session of its own so that it can be killed alone."""
    return subprocess.Popen([sys.executable, "-m", "workers"],
                            env={**os.environ, "REDIS_URL": TEST_REDIS_URL, "VISAGE_LOG_LEVEL": "WARNING"},
                            start_new_session=True)


def vector(seed: int) -> np.ndarray:
    """A recognisable embedding: its first value is the seed."""
    values = np.random.default_rng(seed).normal(size=128).astype(np.float32) * 0.05
    values[0] = seed
    return values


def test_concurrent_adds_to_one_person_lose_nothing(redis_db: Redis) -> None:
    tenant = tenancy(redis_db)
    here = tenant.scope
    deployment_id = here.deployment_id
    collections.create_collection(redis_db, tenant.caller, KIND, "g", "g", None, RecognitionModel.RECOGNITION_01)
    person = collections.create_person(redis_db, tenant.caller, KIND, "g", "p", None).person_id
    added: list[str] = []
    lock = threading.Lock()

    def add_many(offset: int) -> None:
        store = CollectionStore(Redis.from_url(TEST_REDIS_URL), deployment_id, LPG)
        for index in range(25):
            face_id = str(uuid.uuid4())
            store.add_face("g", face_id, vector(offset * 100 + index), person_id=person, user_data=None,
                           max_faces=248)
            with lock:
                added.append(face_id)

    threads = [threading.Thread(target=add_many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = collections.get_person(redis_db, tenant.caller, KIND, "g", person)
    assert sorted(stored.face_ids) == sorted(added) and len(added) == 200
    assert here.store.face_count("g") == 200


def test_adds_during_training_never_corrupt_the_snapshot(redis_db: Redis) -> None:
    tenant = tenancy(redis_db)
    here = tenant.scope
    collections.create_collection(redis_db, tenant.caller, KIND, "g", "g", None, RecognitionModel.RECOGNITION_01)
    persons = [(str(uuid.uuid4()), f"p{i}", [(str(uuid.uuid4()), vector(i))]) for i in range(20_000)]
    here.store.import_persons("g", persons)
    seed_of = {face_id: i for i, (_, _, faces) in enumerate(persons) for face_id, _ in faces}
    owner_of = {face_id: person for person, _, faces in persons for face_id, _ in faces}
    stop = threading.Event()

    def keep_adding() -> None:
        store = CollectionStore(Redis.from_url(TEST_REDIS_URL), here.deployment_id, LPG)
        n = 0
        while not stop.is_set():
            person_id, _, _ = persons[n % 100]
            face_id = str(uuid.uuid4())
            try:
                store.add_face("g", face_id, vector(1_000_000 + n), person_id=person_id, user_data=None,
                               max_faces=248)
            except Exception:  # noqa: BLE001 - a full person just stops the adder
                return
            seed_of[face_id] = 1_000_000 + n
            owner_of[face_id] = person_id
            n += 1

    adder = threading.Thread(target=keep_adding)
    adder.start()
    try:
        training.train(redis_db, tenant.caller, KIND, "g")
        run_queued_jobs(redis_db)
    finally:
        stop.set()
        adder.join()
    snapshot = here.snapshots.load("g")
    assert snapshot is not None and snapshot.rows >= 20_000
    assert snapshot.person_starts is not None and snapshot.person_ids is not None
    rows = snapshot.rows
    ends = list(snapshot.person_starts[1:]) + [rows]
    for index, (start, end) in enumerate(zip(snapshot.person_starts, ends, strict=True)):
        if index % 97:  # a sample keeps the test fast
            continue
        person = snapshot.person_id(index)
        for row in range(int(start), int(end)):
            face_id = snapshot.face_id(row)
            assert owner_of[face_id] == person
            assert snapshot.matrix[row, 0] == seed_of[face_id]


def test_a_killed_worker_leaves_training_failed_not_running_and_the_next_one_succeeds(
        redis_db: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    tenant = tenancy(redis_db)
    here = tenant.scope
    collections.create_collection(redis_db, tenant.caller, KIND, "big", "big", None, RecognitionModel.RECOGNITION_01)
    rng = np.random.default_rng(1)
    for batch in range(4):
        here.store.import_persons("big", [
            (str(uuid.uuid4()), "p", [(str(uuid.uuid4()), rng.normal(size=128).astype(np.float32))])
            for _ in range(50_000)
        ])
        del batch
    operation = training.train(redis_db, tenant.caller, KIND, "big").operation_id
    worker = start_worker()
    try:
        deadline = time.monotonic() + 60
        while training.training_status(redis_db, tenant.caller, KIND, "big").status is not TrainingStatus.RUNNING:
            assert time.monotonic() < deadline, "training never started"
            time.sleep(0.02)
        for pid in [worker.pid, *descendants(worker.pid)]:  # RQ's work horse runs in a session of its own
            os.kill(pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    monkeypatch.setattr("server.domain.training.LEASE_SECONDS", 6)
    deadline = time.monotonic() + 30
    while (status := training.training_status(redis_db, tenant.caller, KIND, "big")).status is TrainingStatus.RUNNING:
        assert time.monotonic() < deadline, "training stayed running"
        time.sleep(0.5)
    assert status.status is TrainingStatus.FAILED
    assert training.operation_status(redis_db, tenant.caller, operation).status is TrainingStatus.FAILED
    assert here.snapshots.load("big") is None
    training.train(redis_db, tenant.caller, KIND, "big")
    run_queued_jobs(redis_db)
    assert training.training_status(redis_db, tenant.caller, KIND, "big").status is TrainingStatus.SUCCEEDED
    snapshot = here.snapshots.load("big")
    assert snapshot is not None and snapshot.rows == 200_000


def test_a_worker_killed_as_it_takes_the_job_leaves_training_failed_not_queued_for_an_hour(
        redis_db: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed between taking the job and the work horse's first step, a worker must not leave the run
    notStarted (which blocks training again for an hour): the worker claims the run before it forks."""
    tenant = tenancy(redis_db)
    collections.create_collection(redis_db, tenant.caller, KIND, "g", "g", None, RecognitionModel.RECOGNITION_01)
    operation = training.train(redis_db, tenant.caller, KIND, "g").operation_id
    worker = start_worker()
    try:
        deadline = time.monotonic() + 60
        while not (horses := descendants(worker.pid)):
            assert time.monotonic() < deadline, "the worker never forked a work horse"
            time.sleep(0.001)
        for pid in horses:
            os.kill(pid, signal.SIGSTOP)  # the horse has not trained yet: as if killed at once
        for pid in [worker.pid, *horses]:
            os.kill(pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    monkeypatch.setattr("server.domain.training.LEASE_SECONDS", 2)
    time.sleep(3)
    assert training.training_status(redis_db, tenant.caller, KIND, "g").status is TrainingStatus.FAILED
    assert training.operation_status(redis_db, tenant.caller, operation).status is TrainingStatus.FAILED
    training.train(redis_db, tenant.caller, KIND, "g")
    run_queued_jobs(redis_db)
    assert training.training_status(redis_db, tenant.caller, KIND, "g").status is TrainingStatus.SUCCEEDED


def test_the_worker_decides_again_and_refuses_training_for_a_tenant_suspended_meanwhile(redis_db: Redis) -> None:
    tenant = tenancy(redis_db)
    collections.create_collection(redis_db, tenant.caller, KIND, "g", "g", None, RecognitionModel.RECOGNITION_01)
    training.train(redis_db, tenant.caller, KIND, "g")
    suspend_tenant(redis_db, tenant.tenant_id, "investigating a complaint")
    run_queued_jobs(redis_db)
    result = training.training_status(redis_db, tenant.caller, KIND, "g")
    assert result.status is TrainingStatus.FAILED and "suspended" in (result.message or "")
    assert tenant.scope.snapshots.load("g") is None
