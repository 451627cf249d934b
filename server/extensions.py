"""The per-app handle to Redis, created in the factory (never at import time)."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)


def init_app(app: Flask) -> None:
    app.extensions["redis"] = connect(app.config["REDIS_URL"])


def get_redis() -> Redis:
    """The app's Redis: views hand it to the services they call."""
    redis: Redis = current_app.extensions["redis"]
    return redis
