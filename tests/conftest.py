"""Fixtures shared by every test layer: the face photos, a flushed Redis database, the app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from tests.support.contract import ContractCheckingClient
from tests.support.faces import FACES_DIR
from tests.support.tenants import ADMIN_TOKEN

TEST_REDIS_URL = os.environ.get("VISAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
"""A database of its own, flushed before and after each test that uses it."""


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What Visage keeps on disk (trained snapshots' files) goes to a temporary data dir, not ~/.visage."""
    path = tmp_path_factory.mktemp("visage-data")
    previous = os.environ.get("VISAGE_DATA_DIR")
    os.environ["VISAGE_DATA_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("VISAGE_DATA_DIR", None)
    else:
        os.environ["VISAGE_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    if not (FACES_DIR / "MANIFEST.tsv").exists():
        pytest.fail(f"face fixtures not found in {FACES_DIR}; set VISAGE_FACE_FIXTURES")
    return FACES_DIR


@pytest.fixture
def redis_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redis]:
    # the audit key and checkpoints live in the data dir: a fresh one goes with each flushed database
    monkeypatch.setenv("VISAGE_DATA_DIR", str(tmp_path_factory.mktemp("data-dir")))
    monkeypatch.delenv("VISAGE_AUDIT_KEY", raising=False)
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        redis.ping()
    except Exception as error:  # noqa: BLE001 - any failure means the same thing here
        pytest.fail(f"Redis is needed at {TEST_REDIS_URL} ({error}); start redis-server or set VISAGE_TEST_REDIS_URL")
    redis.flushdb()
    yield redis
    redis.flushdb()
    redis.close()


@pytest.fixture
def app(redis_db: Redis) -> Flask:
    from server import create_app

    return create_app({
        "TESTING": True,
        "REDIS_URL": TEST_REDIS_URL,
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "RATE_LIMITS": None,
        "SIGNUP_RATE_LIMIT": None,
        "URL_ALLOWLIST": [],
        "PUBLIC_URL": "",
    })


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client whose every answer is checked against the OpenAPI document."""
    app.test_client_class = ContractCheckingClient
    return app.test_client()
