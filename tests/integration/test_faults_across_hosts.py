"""A counted fault hits exactly `count` calls however many API hosts race for it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import pytest
import requests
from redis import Redis

from tests.conftest import TEST_REDIS_URL
from tests.support.gunicorn import api_host
from tests.support.tenants import ADMIN_TOKEN, signup_form

pytestmark = pytest.mark.slow


def test_two_hosts_share_a_counted_fault(redis_db: Redis) -> None:
    off = {"VISAGE_RATE_LIMITS": "off"}
    with api_host(TEST_REDIS_URL, env=off) as first, api_host(TEST_REDIS_URL, env=off) as second:
        signup = requests.post(f"{first}/signup", json=signup_form(), timeout=30).json()
        key = signup["deployment"]["keys"]["key1"]
        added = requests.post(f"{second}/admin/v1/faults", json={"status": 503, "count": 10},
                              headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)
        assert added.status_code == 201, added.text
        hosts = cycle([first, second])
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda base: requests.get(
                f"{base}/face/v1.2/largepersongroups", headers={"Ocp-Apim-Subscription-Key": key},
                timeout=30).status_code, [next(hosts) for _ in range(40)]))
    assert statuses.count(503) == 10 and statuses.count(200) == 30, statuses
