"""The audit stream in real Redis: appends chain, and edits or deletions are caught by `visage audit verify`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from redis import Redis

from server.store import keys
from server.store.audit import AuditLog
from tests.conftest import TEST_REDIS_URL


def fill(redis: Redis, count: int = 5) -> tuple[AuditLog, list[str]]:
    log = AuditLog(redis)
    ids = [log.append({"request_id": f"r-{n}", "decision": "allowed", "tenant_id": "t-1"}, tenant_id="t-1",
                      at_ms=1_000 + n) for n in range(count)]
    return log, ids


def visage_audit_verify() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify"], capture_output=True, text=True,
                          env={**os.environ, "REDIS_URL": TEST_REDIS_URL}, timeout=60)


def rewrite_stream(redis: Redis, change: dict[str, dict[bytes, bytes]]) -> None:
    """Rebuild the stream with the same ids, some entries' fields replaced: an edit in place."""
    stream = keys.audit_stream()
    entries = redis.xrange(stream)
    redis.delete(stream)
    for entry_id, fields in entries:
        redis.xadd(stream, change.get(entry_id.decode(), fields), id=entry_id)


def test_an_untouched_chain_verifies(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    report = log.verify()
    assert report.ok and report.count == 5
    result = visage_audit_verify()
    assert result.returncode == 0 and "OK: 5 audit entries" in result.stdout


def test_appends_keep_one_chain_and_a_tenant_index(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 3)
    entries = redis_db.xrange(keys.audit_stream())
    assert [e[1][b"prev"] for e in entries[1:]] == [e[1][b"hash"] for e in entries[:-1]]
    assert [e["id"] for e in log.newest_of_tenant("t-1", 10)] == ids[::-1]


def test_an_edited_entry_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    fields = redis_db.xrange(keys.audit_stream(), min=ids[2], max=ids[2])[0][1]
    rewrite_stream(redis_db, {ids[2]: {**fields, b"decision": b"refused"}})
    report = log.verify()
    assert (report.ok, report.broken_id, report.count) == (False, ids[2], 2)
    assert "edited" in str(report.reason)
    result = visage_audit_verify()
    assert result.returncode == 1 and ids[2] in result.stdout and "edited" in result.stdout


def test_an_edit_that_recomputes_the_entry_hash_still_breaks_the_next_link(redis_db: Redis) -> None:
    from server.domain.audit import chain_hash

    log, ids = fill(redis_db)
    fields = {k.decode(): v.decode() for k, v in redis_db.xrange(keys.audit_stream(), min=ids[1], max=ids[1])[0][1]
              .items()}
    forged = {**fields, "decision": "refused"}
    forged["hash"] = chain_hash(forged["prev"], forged)
    rewrite_stream(redis_db, {ids[1]: {k.encode(): v.encode() for k, v in forged.items()}})
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[2])


@pytest.mark.parametrize("position", [0, 2])
def test_a_deleted_entry_is_detected(redis_db: Redis, position: int) -> None:
    log, ids = fill(redis_db)
    redis_db.xdel(keys.audit_stream(), ids[position])
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[position + 1])
    assert "removed" in str(report.reason)
    assert visage_audit_verify().returncode == 1


def test_deleting_the_last_entries_is_detected_by_the_head(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    redis_db.xdel(keys.audit_stream(), ids[-1], ids[-2])
    report = log.verify()
    assert not report.ok and "head records 5 entries but the stream holds 3" in str(report.reason)
    result = visage_audit_verify()
    assert result.returncode == 1 and "BROKEN" in result.stdout


def test_deleting_the_whole_stream_is_detected(redis_db: Redis) -> None:
    log, _ = fill(redis_db)
    redis_db.delete(keys.audit_stream())
    assert not log.verify().ok
