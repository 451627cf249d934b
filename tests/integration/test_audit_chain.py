"""The audit chain in real Redis: appends chain with the key, and every way of rewriting the trail
without it (an edit, a removal, a truncated end, a dropped stream, a chain rebuilt with another key or
in the old format) is reported by `visage audit verify`, in Python and through the CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

from server.domain.audit_chain import GENESIS, HASH_FIELD, KEY_ID_FIELD, PREV_FIELD, SEQ_FIELD, legacy_hash, sealed
from server.store import keys
from server.store.audit import AuditLog
from server.store.audit_files import CHECKPOINT_FILE, KEY_FILE, AuditKeyUnavailable, audit_key
from tests.conftest import TEST_REDIS_URL

EVERY = 5
"""Checkpoint spacing in these tests."""


def data_dir() -> Path:
    return Path(os.environ["VISAGE_DATA_DIR"])


def fill(redis: Redis, count: int = 7, log: AuditLog | None = None) -> tuple[AuditLog, list[str]]:
    log = log or AuditLog(redis, checkpoint_every=EVERY)
    ids = [log.append({"request_id": f"r-{n}", "decision": "allowed", "tenant_id": "t-1"}, tenant_id="t-1",
                      at_ms=1_000 + n) for n in range(count)]
    return log, ids


def visage_audit(*command: str, url: str = TEST_REDIS_URL) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", "audit", *command], capture_output=True, text=True,
                          env={**os.environ, "REDIS_URL": url}, timeout=120)


def stored(redis: Redis) -> list[tuple[str, dict[str, str]]]:
    return [(i.decode(), {k.decode(): v.decode() for k, v in f.items()}) for i, f in redis.xrange(keys.audit_stream())]


def rewrite(redis: Redis, entries: list[tuple[str | None, dict[str, str]]]) -> None:
    """Replace the stream (keeping the ids given) and point the head at its new end, as an intruder with
    Redis access would."""
    redis.delete(keys.audit_stream())
    last = None
    for entry_id, fields in entries:
        last = redis.xadd(keys.audit_stream(), fields, id=entry_id or "*")
    if entries:
        redis.hset(keys.audit_head(), mapping={"hash": entries[-1][1][HASH_FIELD], "count": len(entries),
                                               "last_id": last})
    else:
        redis.delete(keys.audit_head())


def assert_cli_reports(fragment: str, entry_id: str | None = None) -> None:
    result = visage_audit("verify")
    assert result.returncode == 1, result
    assert "BROKEN" in result.stdout and fragment in result.stdout, result.stdout
    assert entry_id is None or entry_id in result.stdout
    assert "Traceback" not in result.stderr


def test_an_untouched_chain_verifies_against_its_checkpoint(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    report = log.verify()
    assert report.ok and report.count == 7 and report.checkpoint is not None and report.checkpoint.count == 5
    result = visage_audit("verify")
    assert result.returncode == 0 and "OK: 7 audit entries" in result.stdout and "checkpoint" in result.stdout


def test_entries_are_keyed_numbered_and_linked(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 3)
    entries = stored(redis_db)
    assert [fields[PREV_FIELD] for _, fields in entries[1:]] == [fields[HASH_FIELD] for _, fields in entries[:-1]]
    assert [fields[SEQ_FIELD] for _, fields in entries] == ["1", "2", "3"]
    assert len({fields[KEY_ID_FIELD] for _, fields in entries}) == 1
    assert [entry["id"] for entry in log.newest_of_tenant("t-1", 10)] == ids[::-1]


def test_an_edited_entry_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    entries = stored(redis_db)
    entries[2][1]["decision"] = "refused"
    rewrite(redis_db, list(entries))
    report = log.verify()
    assert (report.ok, report.broken_id, report.count) == (False, ids[2], 2) and "edited" in str(report.reason)
    assert_cli_reports("edited", ids[2])


def test_an_edit_with_its_hash_recomputed_without_the_key_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    entries = stored(redis_db)
    forged = {**entries[1][1], "decision": "refused"}
    forged[HASH_FIELD] = legacy_hash(forged[PREV_FIELD], forged)
    entries[1] = (entries[1][0], forged)
    rewrite(redis_db, list(entries))
    assert (log.verify().ok, log.verify().broken_id) == (False, ids[1])
    assert_cli_reports("edited", ids[1])


@pytest.mark.parametrize("position", [0, 3])
def test_a_deleted_entry_is_detected(redis_db: Redis, position: int) -> None:
    log, ids = fill(redis_db)
    redis_db.xdel(keys.audit_stream(), ids[position])
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[position + 1]) and "removed" in str(report.reason)
    assert_cli_reports("removed", ids[position + 1])


def test_trimming_the_oldest_entries_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    redis_db.xtrim(keys.audit_stream(), maxlen=4, approximate=False)
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[3])
    assert_cli_reports("removed", ids[3])


def test_deleting_the_end_and_rewinding_the_head_is_caught_by_the_checkpoint(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 7)  # checkpoint at entry 5
    entries = stored(redis_db)[:3]
    redis_db.xdel(keys.audit_stream(), *ids[3:])
    rewrite(redis_db, list(entries))
    report = log.verify()
    assert not report.ok and "deleted from the end" in str(report.reason) and report.position == 4
    assert_cli_reports("deleted from the end", ids[2])


def test_deleting_the_end_after_the_shutdown_checkpoint_is_caught(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 7)
    assert log.checkpoint().written  # what `visage up` does when it stops
    redis_db.xdel(keys.audit_stream(), ids[-1])
    redis_db.hset(keys.audit_head(), mapping={"hash": stored(redis_db)[-1][1][HASH_FIELD], "count": 6,
                                              "last_id": ids[-2]})
    report = log.verify()
    assert not report.ok and "checkpoint" in str(report.reason)
    assert_cli_reports("deleted from the end")


def test_the_checkpoint_command_signs_the_head_after_checking_it(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 7)
    result = visage_audit("checkpoint")
    assert result.returncode == 0 and f"checkpoint at entry 7 ({ids[-1]})" in result.stdout
    assert visage_audit("checkpoint").stdout.strip() == "nothing new to checkpoint"
    report = log.verify()
    assert report.ok and report.checkpoint is not None and report.checkpoint.last_id == ids[-1]


@pytest.mark.parametrize("raw", [{b"decision": b"\xffallowed"}, {b"\xff": b"refused"}],
                         ids=["value", "field name"])
def test_bytes_that_are_not_text_in_an_entry_are_an_edit_not_a_traceback(redis_db: Redis,
                                                                        raw: dict[bytes, bytes]) -> None:
    log, ids = fill(redis_db)
    entries = [(entry_id, {key.encode(): value.encode() for key, value in fields.items()})
               for entry_id, fields in stored(redis_db)]
    entries[2][1].update(raw)
    redis_db.delete(keys.audit_stream())
    for entry_id, fields in entries:
        redis_db.xadd(keys.audit_stream(), fields, id=entry_id)  # type: ignore[arg-type]
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[2]) and "edited" in str(report.reason)
    assert_cli_reports("edited", ids[2])


@pytest.mark.parametrize("which", ["stream", "head"])
def test_a_stream_or_head_replaced_by_another_kind_of_key_is_reported_broken(redis_db: Redis, which: str) -> None:
    log, _ = fill(redis_db)
    replaced = keys.audit_stream() if which == "stream" else keys.audit_head()
    redis_db.delete(replaced)
    redis_db.set(replaced, "nothing to see")
    report = log.verify()
    assert not report.ok and "replaced" in str(report.reason)
    assert_cli_reports("replaced")


def test_a_dropped_stream_is_detected(redis_db: Redis) -> None:
    log, _ = fill(redis_db)
    redis_db.delete(keys.audit_stream(), keys.audit_head())
    report = log.verify()
    assert not report.ok and "dropped" in str(report.reason)
    assert_cli_reports("dropped")


def test_a_dropped_stream_that_starts_again_is_still_detected(redis_db: Redis) -> None:
    log, _ = fill(redis_db, 6)
    redis_db.delete(keys.audit_stream(), keys.audit_head())
    fill(redis_db, 6, log)  # a fresh chain reaches past the old checkpoint's position
    report = log.verify()
    assert not report.ok and "rewritten" in str(report.reason)
    assert not log.checkpoint().written
    assert_cli_reports("rewritten")


def test_a_chain_rebuilt_with_another_key_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    other_key, prev, rebuilt = b"k" * 32, GENESIS, []
    for number, (entry_id, fields) in enumerate(stored(redis_db), start=1):
        content = {k: v for k, v in fields.items() if k not in (HASH_FIELD, PREV_FIELD, SEQ_FIELD, KEY_ID_FIELD)}
        content["decision"] = "refused"
        entry = sealed(other_key, prev, number, content)
        rebuilt.append((entry_id, entry))
        prev = entry[HASH_FIELD]
    rewrite(redis_db, rebuilt)  # type: ignore[arg-type]
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[0]) and "another key" in str(report.reason)
    assert_cli_reports("another key", ids[0])


def test_a_chain_rebuilt_in_the_old_unkeyed_format_is_detected(redis_db: Redis) -> None:
    log, ids = fill(redis_db)
    prev, rebuilt = GENESIS, []
    for entry_id, fields in stored(redis_db):
        content = {k: v for k, v in fields.items() if k not in (HASH_FIELD, PREV_FIELD, SEQ_FIELD, KEY_ID_FIELD)}
        entry = {**content, PREV_FIELD: prev, HASH_FIELD: legacy_hash(prev, content)}
        rebuilt.append((entry_id, entry))
        prev = entry[HASH_FIELD]
    rewrite(redis_db, rebuilt)  # type: ignore[arg-type]
    report = log.verify()
    assert (report.ok, report.broken_id) == (False, ids[0]) and "unkeyed" in str(report.reason)
    assert_cli_reports("unkeyed", ids[0])


def test_entries_from_before_the_key_are_accepted_as_a_pinned_prefix(redis_db: Redis) -> None:
    prev = GENESIS
    for number in range(3):  # as the sha256 chain wrote them, head included
        content = {"request_id": f"old-{number}", "decision": "allowed", "tenant_id": "t-1"}
        entry = {**content, PREV_FIELD: prev, HASH_FIELD: legacy_hash(prev, content)}
        last = redis_db.xadd(keys.audit_stream(), entry)
        prev = entry[HASH_FIELD]
        redis_db.hset(keys.audit_head(), mapping={"hash": prev, "count": number + 1, "last_id": last})
    log, _ = fill(redis_db, 4)
    report = log.verify()
    assert report.ok and (report.count, report.legacy) == (7, 3)
    assert "first 3 are in the old unkeyed format" in visage_audit("verify").stdout
    entries = stored(redis_db)
    entries[1][1]["decision"] = "refused"
    entries[1][1][HASH_FIELD] = legacy_hash(entries[1][1][PREV_FIELD], entries[1][1])
    rewrite(redis_db, list(entries))
    assert (log.verify().ok, log.verify().broken_id) == (False, entries[2][0])  # the next one pins it


def test_a_forged_checkpoint_is_reported(redis_db: Redis) -> None:
    log, _ = fill(redis_db)
    path = data_dir() / CHECKPOINT_FILE
    forged = json.loads(path.read_text())
    forged["count"] = 1
    path.write_text(json.dumps(forged))
    assert "signature" in str(log.verify().reason)
    assert_cli_reports("signature")


def test_a_checkpoint_is_not_signed_over_a_tampered_chain(redis_db: Redis) -> None:
    log, ids = fill(redis_db, 3)
    redis_db.xdel(keys.audit_stream(), ids[1])
    result = log.checkpoint()
    assert not result.written and ids[2] in result.message


def test_concurrent_appenders_in_several_processes_make_one_chain(redis_db: Redis) -> None:
    script = ("import sys\nfrom redis import Redis\nfrom server.store.audit import AuditLog\n"
              "log = AuditLog(Redis.from_url(sys.argv[1]), checkpoint_every=7)\n"
              "for n in range(40):\n"
              "    log.append({'request_id': f'{sys.argv[2]}-{n}', 'tenant_id': sys.argv[2]}, tenant_id=sys.argv[2],"
              " at_ms=n)\n")
    workers = [subprocess.Popen([sys.executable, "-c", script, TEST_REDIS_URL, f"p{n}"], env=dict(os.environ))
               for n in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    report = AuditLog(redis_db).verify()
    assert report.ok and report.count == 160
    assert report.checkpoint is not None and report.checkpoint.count % 7 == 0 and report.checkpoint.count >= 154
    assert visage_audit("verify").returncode == 0


def test_the_key_file_is_made_once_and_private(redis_db: Redis) -> None:
    fill(redis_db, 1)
    path = data_dir() / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    assert audit_key(data_dir()) == bytes.fromhex(before.strip()) and path.read_text() == before
    os.chmod(path, 0o644)
    with pytest.raises(AuditKeyUnavailable, match="chmod 600"):
        audit_key(data_dir())


def test_a_short_configured_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISAGE_AUDIT_KEY", "too short")
    with pytest.raises(AuditKeyUnavailable, match="at least 32 bytes"):
        audit_key()


def test_verify_needs_the_key_the_trail_was_written_with(redis_db: Redis, tmp_path: Path) -> None:
    fill(redis_db, 2)
    result = subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, env={**os.environ, "REDIS_URL": TEST_REDIS_URL},
                            timeout=120)
    assert result.returncode == 2 and "no audit key" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / KEY_FILE).exists()


def test_an_unreachable_redis_is_a_clear_message_not_a_traceback() -> None:
    result = visage_audit("verify", url="redis://:secret@127.0.0.1:1/0")
    assert result.returncode == 2 and "Cannot reach Redis at redis://***@127.0.0.1:1/0" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
    sentinels = visage_audit("verify", url="redis+sentinel://:secret@127.0.0.1:1,127.0.0.1:2/visage/0")
    assert sentinels.returncode == 2 and "Traceback" not in sentinels.stderr and "secret" not in sentinels.stderr
    assert "Cannot reach Redis at redis+sentinel://***@127.0.0.1:1,127.0.0.1:2/visage/0" in sentinels.stderr


def test_an_empty_trail_without_a_key_is_one_ok_line_and_an_unreachable_redis_one_error(
        redis_db: Redis, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "server.cli", "audit", "verify", "--data-dir", str(tmp_path)]
    empty = subprocess.run(command, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "REDIS_URL": TEST_REDIS_URL})
    assert empty.returncode == 0 and empty.stdout.startswith("OK: the audit trail is empty")
    assert empty.stderr == ""  # not "Cannot check the audit trail" before saying it is OK
    unreachable = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert unreachable.returncode == 2 and unreachable.stderr.startswith("Cannot reach Redis")
    assert len(unreachable.stderr.splitlines()) == 1
