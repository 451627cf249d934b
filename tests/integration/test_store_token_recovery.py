"""Replacing a management token and recovery links against real Redis: one step, once, first one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

from redis import Redis

from server.domain.credentials import hash_secret
from server.store import keys
from server.store.recovery_links import RecoveryLink, RecoveryLinks
from server.store.tenants import TenantRepository
from tests.support.tenants import tenant_record


def test_a_replaced_token_stops_working_and_a_stale_replacement_changes_nothing(redis_db: Redis) -> None:
    tenants = TenantRepository(redis_db)
    tenants.add(tenant_record("t1"), "first")
    assert tenants.management_token_hash("t1") == hash_secret("first")
    assert tenants.replace_management_token("t1", hash_secret("first"), "second")
    assert tenants.by_management_token("first") is None
    assert redis_db.get(keys.management_token(hash_secret("first"))) is None
    found = tenants.by_management_token("second")
    assert found is not None and found.tenant_id == "t1"

    assert not tenants.replace_management_token("t1", hash_secret("first"), "third")
    assert tenants.by_management_token("third") is None
    assert tenants.by_management_token("second") is not None
    assert not tenants.replace_management_token("nobody", hash_secret("second"), "fourth")
    assert tenants.by_management_token("fourth") is None


def test_of_concurrent_replacements_exactly_one_wins(redis_db: Redis) -> None:
    TenantRepository(redis_db).add(tenant_record("t1"), "current")
    outcomes: dict[str, bool] = {}

    def attempt(token: str) -> None:
        repository = TenantRepository(Redis(connection_pool=redis_db.connection_pool))
        outcomes[token] = repository.replace_management_token("t1", hash_secret("current"), token)

    threads = [threading.Thread(target=attempt, args=(f"new-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [token for token, won in outcomes.items() if won]
    assert len(winners) == 1
    repository = TenantRepository(redis_db)
    assert [token for token in outcomes if repository.by_management_token(token)] == winners


def test_a_link_is_stored_hashed_expires_and_redeems_once(redis_db: Redis) -> None:
    links = RecoveryLinks(redis_db)
    links.issue("secret", RecoveryLink("t1", "old-hash"), timedelta(minutes=30))
    assert redis_db.keys("*secret*") == []
    assert 1790 <= redis_db.ttl(keys.token_recovery(hash_secret("secret"))) <= 1800
    assert links.exists("secret") and links.exists("secret")
    assert links.redeem("secret") == RecoveryLink("t1", "old-hash")
    assert not links.exists("secret") and links.redeem("secret") is None
    assert links.redeem("never-issued") is None
