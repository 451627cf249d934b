"""`python -m workers` (or `visage worker`): one RQ worker on Visage's queues, on the Redis of REDIS_URL.

`visage up` runs several and restarts any that dies. Each job runs in a work horse that RQ forks per
job; it inherits the worker's client, so a Sentinel client (redis+sentinel://) follows a failover there too.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.job import Job

from server import defaults
from server.redis_connection import connect
from server.services.training import TRAINING_JOB, claim_run
from server.store.queues import QUEUE_NAMES

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

log = logging.getLogger(__name__)


class VisageWorker(Worker):
    """RQ's worker, tolerant of Redis-compatible servers that answer CLIENT INFO differently (the
    in-memory fallback of `visage up`): the address is only shown in RQ's monitoring."""

    def _set_ip_address(self, connection: Any) -> None:
        try:
            super()._set_ip_address(connection)
        except (RedisError, ValueError, KeyError):
            self.ip_address = "unknown"

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Claim a training run here, in the worker, before RQ forks the horse: killed between taking
        the job and the horse's first step, the run still fails by its lease."""
        if job.func_name == TRAINING_JOB and len(job.args) == 5:
            _, deployment_id, kind, collection_id, operation_id = job.args
            claim_run(self.connection, deployment_id, kind, collection_id, operation_id)
        super().execute_job(job, queue)

    def run_maintenance_tasks(self) -> None:
        """RQ's periodic upkeep of its registries, and the media files no job needs any more."""
        super().run_maintenance_tasks()
        from server.services.media import media_directory
        from server.services.redactions import sweep_media

        try:
            if swept := sweep_media(self.connection, media_directory()):
                log.info("swept %d media files and folders no job needs", swept)
        except (OSError, RedisError):
            log.exception("sweeping the media directory failed; the next maintenance tries again")


def build_worker(redis: Redis, *, name: str | None = None) -> VisageWorker:
    queues = [Queue(queue_name, connection=redis) for queue_name in QUEUE_NAMES]
    return VisageWorker(queues, connection=redis, name=name, worker_ttl=defaults.WORKER_TTL_SECONDS)


def main() -> None:
    level = os.environ.get("VISAGE_LOG_LEVEL", "INFO")
    logging.basicConfig(level=level)
    redis = connect(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    build_worker(redis).work(with_scheduler=False, logging_level=level)
