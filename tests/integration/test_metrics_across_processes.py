"""/metrics under gunicorn adds up every API process, whichever one answers the scrape, and the
directory the samples live in is the master's own, gone when it stops."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from tests.conftest import TEST_REDIS_URL
from tests.support.gunicorn import api_host
from tests.support.tenants import ADMIN_TOKEN

pytestmark = pytest.mark.slow

CALLS = 40


def health_calls(base: str) -> float:
    text = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30).text
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "visage_http_requests_total" and sample.labels["operation"] == "getHealth")


def metric_directories() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("visage-metrics-*"))


def test_a_scrape_adds_up_every_api_process(redis_db: Redis) -> None:
    before = metric_directories()
    with api_host(TEST_REDIS_URL, processes=3, entry="server.wsgi:app", preload=True) as base:
        made = metric_directories() - before
        assert len(made) == 1  # the master made one directory for its workers
        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(lambda _: requests.get(f"{base}/healthz", timeout=30), range(CALLS)))
        writers = {path.stem.rsplit("_", 1)[-1] for path in next(iter(made)).glob("counter_*.db")}
        assert len(writers) >= 2  # several processes served, each writing its own samples
        # api_host's readiness probe called /healthz once too; every scrape, by any worker, sees all
        assert {health_calls(base) for _ in range(6)} == {CALLS + 1}
    assert metric_directories() - before == set()
