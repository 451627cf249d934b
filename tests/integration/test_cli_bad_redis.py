"""`visage status` and `visage audit` on a Redis that is not what they expect: keys of the wrong kind (a
REDIS_URL naming another application's database, or an intruder's edit) and an audit head rewritten
with a count that is not a number. One line and a non-zero exit, never a traceback, never "OK"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

from server.store import keys
from server.store.audit import AuditLog
from server.store.audit_files import audit_key
from tests.conftest import TEST_REDIS_URL


def visage(*command: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", *command, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "REDIS_URL": TEST_REDIS_URL})


@pytest.mark.parametrize("key", [keys.tenants_by_creation(), keys.audit_stream()])
def test_status_on_keys_of_another_kind_is_one_line_not_a_traceback(redis_db: Redis, tmp_path: Path,
                                                                    key: str) -> None:
    redis_db.set(key, "another application's value")
    result = visage("status", data_dir=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "WRONGTYPE" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", ["verify", "checkpoint"])
def test_an_audit_head_whose_count_is_not_a_number_is_broken_not_a_traceback(redis_db: Redis, command: str) -> None:
    log = AuditLog(redis_db)
    for n in range(3):
        log.append({"request_id": f"r-{n}", "decision": "allowed"}, tenant_id="t-1", at_ms=1_000 + n)
    redis_db.hset(keys.audit_head(), "count", "three")
    result = visage("audit", command, data_dir=Path(os.environ["VISAGE_DATA_DIR"]))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and not result.stdout.startswith("OK")
    assert "count" in result.stdout and "not a number" in result.stdout


def test_checkpoint_on_a_head_of_another_kind_does_not_blame_the_network(redis_db: Redis) -> None:
    audit_key(Path(os.environ["VISAGE_DATA_DIR"]))  # made, as the first append makes it
    redis_db.set(keys.audit_head(), "not a hash")
    result = visage("audit", "checkpoint", data_dir=Path(os.environ["VISAGE_DATA_DIR"]))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Cannot reach" not in result.stderr and "WRONGTYPE" in result.stderr
