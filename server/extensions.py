"""Per-app handles to Redis and the RQ queues, created in the factory (never at import time)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue

QUEUE_NAMES = ("training", "operations", "media", "purges")
"""RQ queues a worker listens to, in priority order."""


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)


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
