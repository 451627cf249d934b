"""Training runs in Redis: the collection's latest run, and the operation records clients poll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from redis import Redis
from redis.client import Pipeline

from server.domain.training import OPERATION_RETENTION_SECONDS, TrainingRun
from server.store import keys
from server.store.codec import decode_hash, fields, text
from server.store.transactions import transaction

_RECORD_PROGRESS = """
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], unpack(ARGV, 2)) end
if redis.call('EXISTS', KEYS[3]) == 1 and redis.call('HGET', KEYS[1], 'operation_id') == ARGV[1] then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  return 'ok'
end
return 'stale'
"""


class TrainingStore:
    def __init__(self, redis: Redis, deployment_id: str, kind: str) -> None:
        self.redis = redis
        self.deployment_id = deployment_id
        self.kind = kind

    def _run_key(self, collection_id: str) -> str:
        return keys.collection_part(self.deployment_id, self.kind, collection_id, "training")

    def _operation_key(self, operation_id: str) -> str:
        return keys.operation(self.deployment_id, operation_id)

    def latest(self, collection_id: str) -> TrainingRun | None:
        raw = decode_hash(self.redis.hgetall(self._run_key(collection_id)))
        return TrainingRun.from_record(raw) if raw else None

    def start(self, collection_id: str, run: TrainingRun, moment: datetime) -> bool:
        """Record a new queued run unless one is in progress; False when one is."""
        run_key = self._run_key(collection_id)
        collection_key = keys.collection(self.deployment_id, self.kind, collection_id)

        def start_unless_running(pipe: Pipeline) -> bool:
            raw = decode_hash(pipe.hgetall(run_key))
            if raw and TrainingRun.from_record(raw).blocks_new_training(moment):
                return False
            if not pipe.exists(collection_key):
                return False
            record = {**run.to_record(), "last_success": raw.get("last_success", "")}
            pipe.multi()
            pipe.hset(run_key, mapping=fields(record))
            keep_operation(pipe, self.deployment_id, record, kind=self.kind, subject=collection_id)
            pipe.sadd(keys.collection_part(self.deployment_id, self.kind, collection_id, "operations"),
                      run.operation_id)
            return True

        return transaction(self.redis, start_unless_running, run_key, collection_key)

    def record(self, collection_id: str, run: TrainingRun) -> bool:
        """Write a run's progress; False when a newer run replaced it or the collection is gone."""
        flat: list[Any] = [item for pair in run.to_record().items() for item in pair]
        outcome = self.redis.eval(
            _RECORD_PROGRESS, 3, self._run_key(collection_id), self._operation_key(run.operation_id),
            keys.collection(self.deployment_id, self.kind, collection_id), run.operation_id, *flat,
        )
        return outcome in (b"ok", "ok")

    def operation_keys(self, collection_id: str) -> list[str]:
        """The operation records of a collection's training runs, to delete with it."""
        members = self.redis.smembers(keys.collection_part(self.deployment_id, self.kind, collection_id, "operations"))
        return [self._operation_key(str(text(member))) for member in members]



def keep_operation(redis: Redis | Pipeline, deployment_id: str, record: dict[str, str], *, kind: str,
                   subject: str) -> None:
    """Write the record a client polls at /operations/{operationId}, kept 48 hours: `kind` and
    `subject` say what it changed (a collection's training, a PersonDirectory person or group)."""
    key = keys.operation(deployment_id, record["operation_id"])
    redis.hset(key, mapping=fields({**record, "kind": kind, "collection_id": subject}))
    redis.expire(key, OPERATION_RETENTION_SECONDS)


def find_operation(redis: Redis, deployment_id: str, operation_id: str) -> TrainingRun | None:
    """An operation of this deployment, of whatever collection, while it is kept."""
    raw = decode_hash(redis.hgetall(keys.operation(deployment_id, operation_id)))
    return TrainingRun.from_record(raw) if raw else None
