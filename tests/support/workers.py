"""Running queued RQ jobs inside the test process, the way RQ's own docs test jobs."""

from __future__ import annotations

from redis import Redis
from rq import Queue, SimpleWorker

from server.store.queues import QUEUE_NAMES


def run_queued_jobs(redis: Redis) -> None:
    queues = [Queue(name, connection=redis) for name in QUEUE_NAMES]
    SimpleWorker(queues, connection=redis).work(burst=True, logging_level="WARNING")
