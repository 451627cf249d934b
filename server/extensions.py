"""The per-app handles to Redis, created in the factory (never at import time)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

from server.redis_connection import connect

__all__ = ["connect", "get_redis", "init_app"]


def init_app(app: Flask) -> None:
    app.extensions["redis"] = connect(app.config["REDIS_URL"])
    app.extensions["redis_without_retries"] = connect(app.config["REDIS_URL"], retries=0)


def get_redis(*, retry: bool = True) -> Redis:
    """The app's Redis: views hand it to the services they call. Calls ride out a restart or a
    failover by retrying for a few seconds; `retry=False` answers at once (the health check must say
    Redis is down, not wait for it)."""
    redis: Redis = current_app.extensions["redis" if retry else "redis_without_retries"]
    return redis
