"""One limit shared by every API host, whatever their clocks say: two gunicorn hosts and a third
whose clock is 90 seconds behind, on one Redis, together admit exactly the SKU's rate."""

from __future__ import annotations

import email.utils
import re
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import pytest
import requests
from redis import Redis

from tests.conftest import TEST_REDIS_URL
from tests.support.gunicorn import api_host
from tests.support.tenants import signup_form

pytestmark = pytest.mark.slow

SKEW_SECONDS = -90
"""Far enough that a limiter on each host's clock would count this host's calls in another window."""


def host_date(base: str) -> float:
    return email.utils.parsedate_to_datetime(requests.get(f"{base}/healthz", timeout=10).headers["Date"]).timestamp()


def f0_key(base: str) -> str:
    signup = requests.post(f"{base}/signup", json=signup_form(), timeout=30).json()
    created = requests.post(f"{base}/mgmt/v1/deployments", json={"name": "free", "sku": "F0", "region": "westeurope"},
                            headers={"Authorization": f"Bearer {signup['management_token']}"}, timeout=30)
    assert created.status_code == 201, created.text
    return str(created.json()["keys"]["key1"])


def test_two_hosts_and_a_skewed_one_admit_exactly_f0s_twenty_a_minute(redis_db: Redis) -> None:
    skewed_env = {"VISAGE_TEST_CLOCK_SKEW_SECONDS": str(SKEW_SECONDS)}
    with api_host(TEST_REDIS_URL) as first, api_host(TEST_REDIS_URL) as second, \
            api_host(TEST_REDIS_URL, env=skewed_env, config_module="tests.support.skewed_clock") as skewed:
        assert host_date(skewed) - host_date(first) == pytest.approx(SKEW_SECONDS, abs=3)  # the skew is real
        key = f0_key(first)
        hosts = cycle([first, second, skewed])

        def call(base: str) -> requests.Response:
            return requests.get(f"{base}/face/v1.2/largepersongroups", headers={"Ocp-Apim-Subscription-Key": key},
                                timeout=30)

        with ThreadPoolExecutor(max_workers=9) as pool:
            answers = list(pool.map(call, [next(hosts) for _ in range(60)]))
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(200) == 20 and statuses.count(429) == 40, statuses
    for refused in (answer for answer in answers if answer.status_code == 429):
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        assert refused.json() == {"error": {
            "code": "429", "message": f"Rate limit is exceeded. Try again in {retry_after} seconds."}}
        assert refused.headers["x-ms-error-code"] == "429"
    assert re.fullmatch(r"[0-9a-f-]{36}", answers[0].headers["apim-request-id"])
