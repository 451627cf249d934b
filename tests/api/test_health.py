"""GET /healthz: 200 only when Redis and a worker answer."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from server import defaults
from workers.main import build_worker


def test_without_a_worker_health_is_503(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "redis": "ok", "workers": 0}


def test_a_registered_worker_with_a_fresh_heartbeat_makes_it_200(client: FlaskClient, redis_db: Redis) -> None:
    worker = build_worker(redis_db, name="health-probe")
    worker.register_birth()
    worker.heartbeat()
    try:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json()["workers"] == 1
    finally:
        worker.register_death()


def test_without_redis_health_is_503(app: Flask) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    from server import create_app

    unreachable = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"}).test_client()
    response = unreachable.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"].startswith("unreachable")


def test_an_idle_worker_beats_often_enough_to_stay_counted(redis_db: Redis) -> None:
    """An idle RQ worker beats once per blocking dequeue, which lasts `dequeue_timeout` (RQ's default:
    405 s): it must fit in the freshness window with room for one late beat, or /healthz answers 503
    most of the time an idle Visage is healthy."""
    worker = build_worker(redis_db, name="idle-probe")
    assert 2 * worker.dequeue_timeout <= defaults.WORKER_HEARTBEAT_FRESH_SECONDS
