"""Training: queue it (train), report it (training status, operations), and run it (in a worker)."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from redis import Redis

from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.collections import CollectionKind, KindRules
from server.domain.training import HEARTBEAT_SECONDS, TrainingRun, TrainingStatus
from server.errors import Kind, NotFound
from server.services.collections import Scope, get_collection
from server.store.collections import CollectionStore
from server.store.queues import queue
from server.store.snapshot_builder import SnapshotBuilder
from server.store.snapshots import SnapshotStore
from server.store.training import TrainingStore, find_operation

log = logging.getLogger(__name__)

TRAINING_JOB = "workers.jobs.train_collection"
TRAINING_JOB_TIMEOUT = 3600
"""Azure: training a million-face collection may take "up to half an hour"."""


class OperationNotFound(NotFound):
    code = "OperationNotFound"
    message = "Operation is not found."


def train(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str) -> TrainingRun:
    """Queue a training run; 409 ...TrainingNotFinished while one is in progress. The worker decides
    again, under the terms of use, when the run starts."""
    scope = Scope.of(redis, caller, kind)
    get_collection(redis, caller, kind, collection_id)
    moment = now()
    run = TrainingRun(operation_id=str(uuid.uuid4()), status=TrainingStatus.NOT_STARTED, created=moment,
                      last_action=moment, heartbeat=moment)
    if not scope.trainings.start(collection_id, run, moment):
        get_collection(redis, caller, kind, collection_id)  # deleted meanwhile: 404, else it is training
        raise scope.rules.under_training()
    queue(redis, "training").enqueue(
        TRAINING_JOB, caller.tenant_id, caller.deployment_id, kind.value, collection_id, run.operation_id,
        job_timeout=TRAINING_JOB_TIMEOUT, result_ttl=3600, failure_ttl=86400)
    return run


def training_status(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str) -> TrainingRun:
    scope = Scope.of(redis, caller, kind)
    get_collection(redis, caller, kind, collection_id)
    run = scope.trainings.latest(collection_id)
    if run is None:
        raise scope.rules.not_trained(Kind.NOT_FOUND)
    return run.as_of(now())


def operation_status(redis: Redis, caller: Caller, operation_id: str) -> TrainingRun:
    """A long-running operation (a training or a PersonDirectory write) of the caller's deployment, while it
    is kept."""
    try:
        operation_id = str(uuid.UUID(operation_id))
    except ValueError:
        raise OperationNotFound() from None
    found = find_operation(redis, caller.deployment_id, operation_id)
    if found is None:
        raise OperationNotFound()
    return found.as_of(now())


def claim_run(redis: Redis, deployment_id: str, kind: str, collection_id: str, operation_id: str) -> None:
    """The worker's side, as it takes the job and before it forks the horse that trains: the queued
    run becomes running, with a heartbeat. A worker killed from then on leaves a run whose lease
    lapses (failed within LEASE_SECONDS), never one that reads notStarted and blocks training for an
    hour."""
    store = TrainingStore(redis, deployment_id, kind)
    queued = store.latest(collection_id)
    if queued is None or queued.operation_id != operation_id or queued.status is not TrainingStatus.NOT_STARTED:
        return
    moment = now()
    store.record(collection_id, dataclasses.replace(queued, status=TrainingStatus.RUNNING, last_action=moment,
                                                    heartbeat=moment))


def run_training(redis: Redis, deployment_id: str, rules: KindRules, collection_id: str, operation_id: str,
                 *, may_run: Callable[[], str | None] = lambda: None) -> TrainingStatus:
    """The worker's side: build the snapshot from every face now in the collection, unless
    `may_run` (the terms of use, decided again) answers a reason to refuse."""
    store = TrainingStore(redis, deployment_id, rules.kind.value)
    queued = store.latest(collection_id)
    if queued is None or queued.operation_id != operation_id or queued.status.finished:
        return TrainingStatus.FAILED  # replaced by a newer run, or the collection is gone
    started = now()
    running = dataclasses.replace(queued, status=TrainingStatus.RUNNING, last_action=started, heartbeat=started)
    if (refusal := may_run()) is not None:
        _finish(store, collection_id, running, TrainingStatus.FAILED, f"Training was refused: {refusal}")
        return TrainingStatus.FAILED
    store.record(collection_id, running)
    beating = _Heartbeat(lambda moment: store.record(collection_id, dataclasses.replace(
        running, last_action=moment, heartbeat=moment)))
    try:
        with SnapshotBuilder(SnapshotStore(redis, deployment_id, rules.kind.value), collection_id) as builder:
            for batch_faces, batch_persons, matrix in CollectionStore(redis, deployment_id, rules).scan_members(
                    collection_id):
                builder.add(batch_faces, batch_persons, matrix)
            version = builder.commit()
        log.info("trained %s/%s: %d faces, seconds per phase %s", rules.kind.value, collection_id, builder.rows,
                 json.dumps(builder.timings))
    except Exception as error:
        beating.stop()
        log.exception("training %s/%s failed", rules.kind.value, collection_id)
        _finish(store, collection_id, running, TrainingStatus.FAILED, f"Training failed: {error}")
        raise
    beating.stop()
    if version is None:
        return TrainingStatus.FAILED  # the collection was deleted while training
    _finish(store, collection_id, running, TrainingStatus.SUCCEEDED, None)
    return TrainingStatus.SUCCEEDED


def _finish(store: TrainingStore, collection_id: str, run: TrainingRun, status: TrainingStatus,
            message: str | None) -> None:
    moment = now()
    store.record(collection_id, dataclasses.replace(
        run, status=status, last_action=moment, heartbeat=moment, finished=moment, message=message,
        last_success=moment if status is TrainingStatus.SUCCEEDED else run.last_success,
    ))


class _Heartbeat:
    """Renews a running training's heartbeat from a thread until stopped."""

    def __init__(self, beat: Callable[[datetime], object]) -> None:
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, args=(beat,), daemon=True, name="training-heartbeat")
        self.thread.start()

    def _loop(self, beat: Callable[[datetime], object]) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            beat(now())

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
