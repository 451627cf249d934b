"""Job functions. They stay thin: each opens the store and calls one service function."""

from __future__ import annotations

from redis import Redis
from rq import get_current_job

from server.store import keys

SCAN_BATCH = 500
"""Keys deleted per round trip when purging."""


def _connection() -> Redis:
    job = get_current_job()
    if job is None:
        raise RuntimeError("job functions run inside an RQ worker")
    connection: Redis = job.connection
    return connection


def purge_deployment(deployment_id: str) -> int:
    """Delete every key stored on behalf of a deleted deployment; returns how many."""
    return purge_prefix(_connection(), keys.deployment_data_prefix(deployment_id))


def purge_prefix(redis: Redis, prefix: str) -> int:
    deleted = 0
    batch: list[bytes] = []
    for key in redis.scan_iter(match=f"{prefix}*", count=SCAN_BATCH):
        batch.append(key)
        if len(batch) >= SCAN_BATCH:
            deleted += int(redis.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(redis.delete(*batch))
    return deleted


def train_collection(deployment_id: str, kind: str, collection_id: str, operation_id: str) -> str:
    """Build the snapshot of a collection for identify and find-similar."""
    from server.domain.collections import RULES, CollectionKind
    from server.services.training import run_training

    rules = RULES[CollectionKind(kind)]
    return run_training(_connection(), deployment_id, rules, collection_id, operation_id).value
