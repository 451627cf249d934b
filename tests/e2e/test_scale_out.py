"""Beyond one machine: hosts that share one Redis (`--role api|worker|all` with REDIS_URL), and Redis
Sentinel (`redis+sentinel://`) failing the primary over while clients keep working."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from redis import Redis
from rq import Worker
from rq.job import Job

from server.services.dev_account import DEV_DEPLOYMENT, DEV_KEY1, DEV_MANAGEMENT_TOKEN, DEV_TENANT_ID
from tests.support.crowds import create_crowd, identify_nearest, train, training_status
from tests.support.live import descendants, visage_up
from tests.support.redis_servers import redis_server, sentinel

pytestmark = pytest.mark.slow


def eventually(check: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def busy_workers(redis: Redis) -> dict[int, str]:
    """pid -> the collection each busy RQ worker is training."""
    found = {}
    for worker in Worker.all(connection=redis):
        job_id = worker.get_current_job_id()
        if job_id and worker.pid:
            found[worker.pid] = str(Job.fetch(job_id, connection=redis).args[3])
    return found


def test_two_hosts_share_one_redis_and_one_finishes_what_the_other_dropped(tmp_path: Path) -> None:
    with redis_server(tmp_path / "shared-redis") as shared:
        env = {**os.environ, "REDIS_URL": shared.url, "VISAGE_RATE_LIMITS": "off"}
        redis = shared.client()
        with visage_up(tmp_path / "host-a", env=env, workers=1, api_processes=1, args=["--role", "all"]) as host_a, \
                visage_up(tmp_path / "host-b", env=env, workers=1, args=["--role", "worker"]) as host_b:
            assert any("workers only" in line for line in host_b.output) and host_b.endpoint == ""
            account = host_a.sign_up()
            key, tenant, deployment = account["key1"], account["tenant_id"], account["deployment"]
            crowds = {group: create_crowd(host_a.endpoint, key, redis, tenant, deployment, group, seed=seed)
                      for seed, group in enumerate(("north", "south"))}

            def owner(pid: int) -> str:
                return "a" if pid in descendants(host_a.process.pid) else "b" if pid in descendants(
                    host_b.process.pid) else "?"

            def both_hosts_training() -> dict[str, str] | None:
                running = {owner(pid): group for pid, group in busy_workers(redis).items()}
                return running if set(running) == {"a", "b"} else None

            def trained(group: str) -> bool:
                return training_status(host_a.endpoint, key, group)["status"] == "succeeded"

            for group in crowds:  # each host's worker takes one
                train(host_a.endpoint, key, group)
            eventually(both_hosts_training, 60, "a worker of each host trains a crowd")
            eventually(lambda: all(trained(group) for group in crowds), 120, "both trainings succeed")
            for group, matrix in crowds.items():  # trained on either host, identified through host A's API
                assert identify_nearest(host_a.endpoint, key, redis, tenant, deployment, group, matrix[7]) >= 1

            for group in crowds:
                train(host_a.endpoint, key, group)

            def both_running() -> dict[str, str] | None:
                running = both_hosts_training()
                return running if running and all(training_status(host_a.endpoint, key, group)["status"] == "running"
                                                  for group in crowds) else None

            running = eventually(both_running, 60, "a worker of each host trains again")
            dropped = running["b"]  # type: ignore[index]
            for pid in [host_b.process.pid, *descendants(host_b.process.pid)]:  # host B is lost, all at once
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            assert training_status(host_a.endpoint, key, dropped)["status"] == "running"  # killed in the middle
            kept = next(group for group in crowds if group != dropped)
            eventually(lambda: trained(kept), 120, "host A finishes its own training")
            eventually(lambda: training_status(host_a.endpoint, key, dropped)["status"] == "failed", 75,
                       "the training host B dropped reads failed")
            train(host_a.endpoint, key, dropped)
            eventually(lambda: trained(dropped), 120, "host A does the dropped training again")
            assert identify_nearest(host_a.endpoint, key, redis, tenant, deployment, dropped, crowds[dropped][3]) >= 1
            assert host_a.process.poll() is None


class Traffic:
    """A client calling the API every 0.2 s from a thread, recording when each call failed."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.calls: list[tuple[float, int | str]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopped.wait(0.2):
            try:
                outcome: int | str = requests.get(f"{self.endpoint}/mgmt/v1/deployments", timeout=30, headers={
                    "Authorization": f"Bearer {DEV_MANAGEMENT_TOKEN}"}).status_code
            except requests.RequestException as error:
                outcome = type(error).__name__
            self.calls.append((time.monotonic(), outcome))

    def __enter__(self) -> Traffic:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def detect(endpoint: str) -> int:
    from tests.support.faces import photo

    return requests.post(f"{endpoint}/face/v1.2/detect", data=photo("people/obama/obama_small.jpg").read(),
                         headers={"Ocp-Apim-Subscription-Key": DEV_KEY1, "Content-Type": "application/octet-stream"},
                         timeout=60).status_code


def test_sentinel_fails_the_primary_over_while_clients_keep_working(tmp_path: Path) -> None:
    service = "visage"
    with redis_server(tmp_path / "primary") as primary, \
            redis_server(tmp_path / "replica") as replica:
        replica.client().replicaof("127.0.0.1", primary.port)
        with sentinel(tmp_path / "s1", service, primary.port, 2) as s1, \
                sentinel(tmp_path / "s2", service, primary.port, 2) as s2, \
                sentinel(tmp_path / "s3", service, primary.port, 2) as s3:
            watchers = [s.client() for s in (s1, s2, s3)]
            eventually(lambda: all(w.sentinel_master(service)["num-other-sentinels"] == 2
                                   and w.sentinel_master(service)["num-slaves"] == 1 for w in watchers), 60,
                       "the sentinels know each other and the replica")
            url = f"redis+sentinel://127.0.0.1:{s1.port},127.0.0.1:{s2.port},127.0.0.1:{s3.port}/{service}/0"
            env = {**os.environ, "REDIS_URL": url, "VISAGE_RATE_LIMITS": "off"}
            with visage_up(tmp_path / "host", env=env, workers=1, api_processes=2, args=["--dev"]) as live:
                assert detect(live.endpoint) == 200
                redis = primary.client()
                matrix = create_crowd(live.endpoint, DEV_KEY1, redis, DEV_TENANT_ID, DEV_DEPLOYMENT,
                                      "team", count=2_000)
                train(live.endpoint, DEV_KEY1, "team")
                eventually(lambda: training_status(live.endpoint, DEV_KEY1, "team")["status"] == "succeeded", 60,
                           "training before the failover")
                assert redis.wait(1, 5000) == 1  # the replica has everything written so far

                with Traffic(live.endpoint) as traffic:
                    time.sleep(1)
                    primary.process.kill()
                    killed_at = time.monotonic()
                    eventually(lambda: watchers[0].sentinel_get_master_addr_by_name(service)[1] == replica.port, 60,
                               "the sentinels promote the replica")
                    promoted_at = time.monotonic()
                    time.sleep(8)
                print(f"failover: promoted {promoted_at - killed_at:.1f} s after the kill; "
                      f"{len(traffic.calls)} calls during it")
                during = [outcome for moment, outcome in traffic.calls if moment >= killed_at - 0.2]
                assert len(during) >= 20 and set(during) == {200}, during  # slower answers, never a failed one

                assert detect(live.endpoint) == 200
                created = requests.post(live.url("/mgmt/v1/deployments"), json={
                    "name": "after-failover", "sku": "S0", "region": "westeurope"},
                    headers={"Authorization": f"Bearer {DEV_MANAGEMENT_TOKEN}"}, timeout=30)
                assert created.status_code == 201, created.text  # writes reach the new primary
                train(live.endpoint, DEV_KEY1, "team")  # the worker and its horse follow the failover
                eventually(lambda: training_status(live.endpoint, DEV_KEY1, "team")["status"] == "succeeded", 90,
                           "training after the failover")
                assert identify_nearest(live.endpoint, DEV_KEY1, replica.client(),
                                        DEV_TENANT_ID, DEV_DEPLOYMENT, "team", matrix[5]) >= 1
                assert requests.get(live.url("/healthz"), timeout=10).status_code == 200
