"""Deployment repository against real Redis: uniqueness, caps and key index under concurrency."""

from __future__ import annotations

import threading

import pytest
from redis import Redis

from server.domain.credentials import hash_secret
from server.domain.deployments import DeploymentExists, DeploymentQuotaExceeded, KeyName, Sku
from server.services.deployments import create_deployment, regenerate_key
from server.store.deployments import DeploymentRepository
from tests.support.tenants import tenant_record

T1 = tenant_record("t1")
ENDPOINT = "http://visage.test"


def test_concurrent_creates_of_one_name_make_exactly_one(redis_db: Redis) -> None:
    repository = DeploymentRepository(redis_db)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            create_deployment(Redis(connection_pool=redis_db.connection_pool), T1, "same", Sku.S0, "eastus",
                              endpoint=ENDPOINT)
            outcomes.append("created")
        except DeploymentExists:
            outcomes.append("exists")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["exists"] * 7
    assert [d.name for d in repository.list("t1")] == ["same"]


def test_the_per_tenant_cap_holds(redis_db: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.defaults.MAX_DEPLOYMENTS_PER_TENANT", 2)
    create_deployment(redis_db, T1, "a", Sku.S0, "eastus", endpoint=ENDPOINT)
    create_deployment(redis_db, T1, "b", Sku.S0, "eastus", endpoint=ENDPOINT)
    with pytest.raises(DeploymentQuotaExceeded):
        create_deployment(redis_db, T1, "c", Sku.S0, "eastus", endpoint=ENDPOINT)
    create_deployment(redis_db, tenant_record("t2"), "c", Sku.S0, "eastus", endpoint=ENDPOINT)


def test_racing_regenerations_leave_exactly_one_working_key(redis_db: Redis) -> None:
    repository = DeploymentRepository(redis_db)
    created = create_deployment(redis_db, T1, "d", Sku.S0, "eastus", endpoint=ENDPOINT)
    results: list[str] = []

    def regenerate() -> None:
        fresh = regenerate_key(Redis(connection_pool=redis_db.connection_pool), T1, "d", KeyName.KEY1,
                               endpoint=ENDPOINT)
        assert fresh.keys is not None
        results.append(fresh.keys["key1"])

    threads = [threading.Thread(target=regenerate) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    working = [key for key in results if repository.by_api_key(key) is not None]
    assert len(working) == 1
    assert repository.get("t1", "d").key_hashes[KeyName.KEY1] == hash_secret(working[0])
    assert created.keys is not None
    assert repository.by_api_key(created.keys["key1"]) is None
    assert repository.by_api_key(created.keys["key2"]) is not None
