"""`python -m workers` (or `visage worker`): one RQ worker on Visage's queues, on the Redis of REDIS_URL.

`visage up` runs several and restarts any that dies. Each job runs in a work horse, a fresh Python
process that RQ spawns per job.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.job import Job

from server.extensions import QUEUE_NAMES
from server.redis_connection import connect, is_sentinel_url

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class VisageWorker(Worker):
    """RQ's worker, with two adjustments.

    - Redis-compatible servers that answer CLIENT INFO differently (the in-memory fallback of
      `visage up`) are tolerated: the address is only shown in RQ's monitoring.
    - Redis Sentinel works in the horse too. RQ writes the connection's settings into the source of
      the horse it spawns and rebuilds a plain `Redis(**settings)` there; a Sentinel pool's settings
      hold a live object that cannot be written so, and a plain client would not follow a failover.
      The horse reconnects through REDIS_URL instead.
    """

    def _set_ip_address(self, connection: Any) -> None:
        try:
            super()._set_ip_address(connection)
        except (RedisError, ValueError, KeyError):
            self.ip_address = "unknown"

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        settings = self.connection.connection_pool.connection_kwargs
        sentinel_proxy = settings.pop("connection_pool", None) if _sentinel_in_use() else None
        try:
            super().fork_work_horse(job, queue)
        finally:
            if sentinel_proxy is not None:
                settings["connection_pool"] = sentinel_proxy

    @classmethod
    def find_by_key(cls, worker_key: str, connection: Redis, *args: Any, **kwargs: Any) -> Any:
        """The horse's first call: it finds its worker, and the connection it is given here is the one
        every job of the horse uses."""
        if _sentinel_in_use():
            connection = connect(os.environ["REDIS_URL"])
        return super().find_by_key(worker_key, connection, *args, **kwargs)


def _sentinel_in_use() -> bool:
    return is_sentinel_url(os.environ.get("REDIS_URL", ""))


def build_worker(redis: Redis, *, name: str | None = None) -> VisageWorker:
    queues = [Queue(queue_name, connection=redis) for queue_name in QUEUE_NAMES]
    return VisageWorker(queues, connection=redis, name=name)


def main() -> None:
    level = os.environ.get("VISAGE_LOG_LEVEL", "INFO")
    logging.basicConfig(level=level)
    redis = connect(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    build_worker(redis).work(with_scheduler=False, logging_level=level)
