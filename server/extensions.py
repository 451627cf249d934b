"""The per-app handle to Redis, created in the factory (never at import time)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

from server.redis_connection import connect

__all__ = ["connect", "get_redis", "init_app"]


def init_app(app: Flask) -> None:
    app.extensions["redis"] = connect(app.config["REDIS_URL"])


def get_redis() -> Redis:
    """The app's Redis: views hand it to the services they call."""
    redis: Redis = current_app.extensions["redis"]
    return redis
