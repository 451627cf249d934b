"""`python -m workers`: an RQ worker on Visage's queues."""

from __future__ import annotations

import logging
import os
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from server.extensions import connect
from server.store.queues import QUEUE_NAMES


class VisageWorker(Worker):
    """RQ's worker, tolerant of Redis-compatible servers that answer CLIENT INFO differently (the
    in-process fallback of `visage up`): the address is only shown in RQ's monitoring."""

    def _set_ip_address(self, connection: Any) -> None:
        try:
            super()._set_ip_address(connection)
        except (RedisError, ValueError, KeyError):
            self.ip_address = "unknown"


def build_worker(redis: Redis, *, name: str | None = None) -> VisageWorker:
    queues = [Queue(queue_name, connection=redis) for queue_name in QUEUE_NAMES]
    return VisageWorker(queues, connection=redis, name=name)


def main() -> None:
    logging.basicConfig(level=os.environ.get("VISAGE_LOG_LEVEL", "INFO"))
    redis = connect(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    build_worker(redis).work(with_scheduler=False, logging_level=os.environ.get("VISAGE_LOG_LEVEL", "INFO"))
