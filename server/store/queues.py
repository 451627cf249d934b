"""The RQ queues, on the same Redis as everything else."""

from __future__ import annotations

from redis import Redis
from rq import Queue

QUEUE_NAMES = ("training", "operations", "media", "purges")
"""RQ queues a worker listens to, in priority order."""


def queue(redis: Redis, name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=redis)


EXPIRING_STATES = ("started", "finished", "failed", "canceled")
"""RQ registries scored by when an entry lapses (a running job's heartbeat deadline, a result's
expiry): only entries not yet lapsed count."""

JOB_STATES = ("queued", *EXPIRING_STATES, "deferred", "scheduled")


def job_counts(redis: Redis) -> dict[tuple[str, str], int]:
    """Jobs per (queue, state), read from RQ's queues and registries in one round trip and without
    RQ's cleanup, so that reading changes nothing (a scrape must not fail abandoned jobs)."""
    seconds, _ = redis.time()
    with redis.pipeline(transaction=False) as pipe:
        for name in QUEUE_NAMES:
            rq_queue = Queue(name, connection=redis)
            pipe.llen(rq_queue.key)
            for registry in (rq_queue.started_job_registry, rq_queue.finished_job_registry,
                             rq_queue.failed_job_registry, rq_queue.canceled_job_registry):
                pipe.zcount(registry.key, seconds, "+inf")
            for registry in (rq_queue.deferred_job_registry, rq_queue.scheduled_job_registry):
                pipe.zcard(registry.key)
        counts = iter(pipe.execute())
    return {(name, state): int(next(counts)) for name in QUEUE_NAMES for state in JOB_STATES}
