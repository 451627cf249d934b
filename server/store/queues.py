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
