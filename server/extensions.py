"""Per-app handles to Redis and the RQ queues, created in the factory (never at import time)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue

from server.redis_connection import connect

QUEUE_NAMES = ("training", "operations", "media", "purges")
"""RQ queues a worker listens to, in priority order."""

__all__ = ["QUEUE_NAMES", "connect", "get_queue", "get_redis", "init_app"]


def init_app(app: Flask) -> None:
    redis = connect(app.config["REDIS_URL"])
    app.extensions["redis"] = redis
    app.extensions["queues"] = {name: Queue(name, connection=redis) for name in QUEUE_NAMES}


def get_redis() -> Redis:
    redis: Redis = current_app.extensions["redis"]
    return redis


def get_queue(name: str) -> Queue:
    queue: Queue = current_app.extensions["queues"][name]
    return queue
