"""Audit events and the keyed chain, in memory: what each kind records, and what the walk catches."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from server.domain import terms
from server.domain.audit import (
    AuditKind,
    MediaJobAction,
    detect_event,
    media_job_event,
    operator_event,
    policy_decision_event,
    public_entry,
    trust_list_event,
)
from server.domain.audit_chain import (
    GENESIS,
    HASH_FIELD,
    ChainWalk,
    Checkpoint,
    canonical_json,
    key_id,
    keyed_hash,
    legacy_hash,
    sealed,
)
from server.domain.media_jobs import JobStatus, MediaJob, MediaSource, MediaTarget, SourceKind
from server.domain.policy import decide
from server.domain.provenance import Provenance, ProvenanceStatus
from server.domain.redaction import RedactionMethod
from server.domain.tenants import Decision, Tenant
from tests.support.policy import NOW, live, request, tenant

KEY = bytes(range(32))


def chain(count: int, key: bytes = KEY) -> list[tuple[str, dict[str, str]]]:
    entries, prev = [], GENESIS
    for number in range(1, count + 1):
        entry = sealed(key, prev, number, {"request_id": f"r-{number}"})
        entries.append((f"{number}-0", entry))
        prev = entry[HASH_FIELD]
    return entries


def walk(entries: list[tuple[str, dict[str, str]]], checkpoint: Checkpoint | None = None) -> ChainWalk:
    walker = ChainWalk(KEY, checkpoint=checkpoint)
    for entry_id, entry in entries:
        if not walker.feed(entry_id, entry):
            break
    walker.finish(checkpoint)
    return walker


def test_the_keyed_hash_is_hmac_sha256_of_the_previous_hash_and_the_canonical_entry() -> None:
    entry = {"b": "2", "a": "1", "prev": "ignored", "hash": "ignored"}
    expected = hmac.new(KEY, (GENESIS + '{"a":"1","b":"2"}').encode(), hashlib.sha256).hexdigest()
    assert keyed_hash(KEY, GENESIS, entry) == expected != keyed_hash(b"x" * 32, GENESIS, entry)
    assert legacy_hash(GENESIS, entry) == hashlib.sha256((GENESIS + '{"a":"1","b":"2"}').encode()).hexdigest()
    assert canonical_json({"é": "x"}) == '{"é":"x"}'


def test_a_sealed_entry_carries_its_position_and_key_id() -> None:
    entry = sealed(KEY, GENESIS, 1, {"a": "1"})
    assert (entry["seq"], entry["key_id"], entry["prev"]) == ("1", key_id(KEY), GENESIS)
    assert entry[HASH_FIELD] == keyed_hash(KEY, GENESIS, entry)


def test_an_intact_chain_walks_to_its_end() -> None:
    walker = walk(chain(4))
    assert (walker.broken, walker.count, walker.last_id) == (None, 4, "4-0")


@pytest.mark.parametrize(("damage", "broken_at", "why"), [
    (lambda c: c[1][1].update(request_id="forged"), "2-0", "edited"),
    (lambda c: c.pop(1), "3-0", "removed"),
    (lambda c: c.pop(0), "2-0", "removed"),
    (lambda c: c[2][1].update(seq="7"), "3-0", "gap"),
])
def test_the_first_damaged_entry_is_named(damage: object, broken_at: str, why: str) -> None:
    entries = chain(4)
    damage(entries)  # type: ignore[operator]
    broken = walk(entries).broken
    assert broken is not None and broken.entry_id == broken_at and why in broken.reason


def test_a_chain_made_with_another_key_says_so() -> None:
    broken = walk(chain(3, b"z" * 32)).broken
    assert broken is not None and broken.entry_id == "1-0" and "another key" in broken.reason


def test_a_checkpoint_catches_a_shorter_chain_and_a_replaced_one() -> None:
    entries = chain(5)
    checkpoint = Checkpoint(4, "4-0", entries[3][1][HASH_FIELD], 0, key_id(KEY), datetime(2026, 1, 1, tzinfo=UTC))
    assert walk(entries, checkpoint).broken is None
    truncated = walk(entries[:2], checkpoint).broken
    assert truncated is not None and truncated.position == 3 and "deleted from the end" in truncated.reason
    dropped = walk([], checkpoint).broken
    assert dropped is not None and "dropped" in dropped.reason
    replaced = walk(chain(5)[:3] + [("9-0", entries[3][1])], checkpoint).broken
    assert replaced is not None and "rewritten" in replaced.reason


def test_a_checkpoint_is_signed_with_the_key() -> None:
    checkpoint = Checkpoint(4, "4-0", "ab" * 32, 1, key_id(KEY), datetime(2026, 1, 1, tzinfo=UTC))
    signed = checkpoint.signed(KEY)
    assert Checkpoint.from_signed(signed, KEY) == checkpoint
    for forged in ({**signed, "count": 1}, {**signed, "mac": "0" * 64}):
        with pytest.raises(ValueError, match="signature"):
            Checkpoint.from_signed(forged, KEY)
    with pytest.raises(ValueError, match="signature"):
        Checkpoint.from_signed(signed, b"z" * 32)


def test_legacy_entries_pass_only_at_the_start_and_only_as_many_as_the_checkpoint_says() -> None:
    legacy, prev = [], GENESIS
    for number in range(2):
        content = {"request_id": f"old-{number}"}
        entry = {**content, "prev": prev, HASH_FIELD: legacy_hash(prev, content)}
        legacy.append((f"0-{number}", entry))
        prev = entry[HASH_FIELD]
    keyed = sealed(KEY, prev, 3, {"request_id": "new"})
    walker = walk([*legacy, ("3-0", keyed)])
    assert (walker.broken, walker.legacy, walker.count) == (None, 2, 3)
    after = sealed(KEY, keyed[HASH_FIELD], 4, {"request_id": "newer"})
    late_legacy = {"request_id": "x", "prev": after[HASH_FIELD], HASH_FIELD: legacy_hash(after[HASH_FIELD],
                                                                                      {"request_id": "x"})}
    broken = walk([*legacy, ("3-0", keyed), ("4-0", after), ("5-0", late_legacy)]).broken
    assert broken is not None and broken.entry_id == "5-0" and "unkeyed" in broken.reason
    one_allowed = Checkpoint(1, "0-0", legacy[0][1][HASH_FIELD], 1, key_id(KEY), datetime(2026, 1, 1, tzinfo=UTC))
    broken = walk(legacy, one_allowed).broken
    assert broken is not None and broken.entry_id == "0-1"


def test_a_policy_decision_records_who_what_how_where_from_and_the_verdict() -> None:
    call = request(tenant("law_enforcement", "ZA"), capture=live(), faces=(live(),))
    decision = decide(call, terms.current(NOW))
    entry = policy_decision_event(call, decision, request_id="r-1", deployment_id="d-1", deployment_name="starter",
                                  route="identify", api_version="v1.2", collection="suspects",
                                  outcome_status=403).entry()
    assert all(isinstance(value, str) for value in entry.values())
    assert (entry["kind"], entry["time"], entry["request_id"]) == ("policy_decision", "2026-03-02T14:30:00.000Z", "r-1")
    assert (entry["tenant_id"], entry["deployment"], entry["operation"]) == ("t-1", "starter", "identification")
    assert (entry["route"], entry["api_version"], entry["collection"], entry["outcome_status"]) == (
        "identify", "v1.2", "suspects", "403")
    assert (entry["capture_mode"], entry["camera"], entry["face_modes"]) == ("live", "body-worn", "live")
    assert (entry["decision"], entry["code"], entry["clause"], entry["policy_version"]) == (
        "refused", "TermsOfUseViolation", "le-realtime-identification", "2024-05")
    shown = public_entry("1-0", entry)
    assert shown["id"] == "1-0" and shown["realtime"] is True and shown["reasons"] == json.loads(entry["reasons"])
    assert [face["status"] for face in shown["face_provenance"]] == ["none"]  # type: ignore[union-attr]


def test_detect_operator_and_trust_list_events() -> None:
    police = tenant("law_enforcement", "GB")
    detect = detect_event(police, at=NOW, request_id="r-2", deployment_id="d-1", deployment_name="starter",
                          capture=live(), provenance=Provenance(ProvenanceStatus.UNTRUSTED),
                          face_ids=["f-1", "f-2"], doubts=["a doubt"], route="detect", api_version="v1.0",
                          outcome_status=200).entry()
    assert (detect["kind"], detect["capture_mode"], json.loads(detect["face_ids"])) == ("detect", "live",
                                                                                        ["f-1", "f-2"])
    assert json.loads(detect["provenance"])["status"] == "untrusted"
    assert json.loads(detect["doubts"]) == ["a doubt"]
    suspended = dataclasses.replace(police, status=police.status.SUSPENDED)
    review = operator_event(suspended, Decision(NOW, "suspend", "live use reported", "operator"))
    assert review.kind is AuditKind.OPERATOR_SUSPENSION and review.tenant_id == police.tenant_id
    assert (review.fields["action"], review.fields["reason"], review.fields["status"]) == (
        "suspend", "live use reported", "suspended")
    assert operator_event(police, Decision(NOW, "correct_customer_type", "x", "operator")).kind is \
        AuditKind.OPERATOR_CORRECTION
    anchor = trust_list_event("add", {"id": "a-1", "device_class": "body-worn", "sha256": "ab"}, at=NOW)
    assert anchor.tenant_id == "" and public_entry("2-0", anchor.entry())["details"]["device_class"] == "body-worn"


def test_a_media_job_event_records_who_what_and_how_it_ended() -> None:
    job = MediaJob(job_id="j-1", tenant_id="t-1", deployment_id="d-1", method=RedactionMethod.PIXELATE,
                   source=MediaSource(SourceKind.S3, bucket="bodycam", key="shift/1.mp4"),
                   target=MediaTarget("bodycam", "released/1.mp4"), status=JobStatus.NOT_STARTED,
                   percent_complete=0, created=NOW, last_action=NOW, heartbeat=NOW)
    submitted = media_job_event(job, MediaJobAction.SUBMITTED, at=NOW, tenant=tenant("law_enforcement", "US"),
                                request_id="r-1", deployment_name="face-1", capture=live(), route="createRedaction",
                                api_version="media-v1")
    assert submitted.kind is AuditKind.MEDIA_JOB and submitted.tenant_id == "t-1"
    entry = public_entry("1-0", submitted.entry())
    assert {name: entry[name] for name in ("action", "customer_type", "country", "operation", "capture_mode",
                                           "camera", "status", "code", "route")} == {
        "action": "submitted", "customer_type": "law_enforcement", "country": "US", "operation": "detection",
        "capture_mode": "live", "camera": "body-worn", "status": "notStarted", "code": "", "route": "createRedaction"}
    assert entry["details"] == {"job_id": "j-1", "method": "pixelate", "input": "s3", "output": "s3",
                                "media_type": None, "frames": None, "face_tracks": None, "faces": None}

    ended = dataclasses.replace(job, status=JobStatus.SUCCEEDED, percent_complete=100, finished=NOW,
                                result={"mediaType": "video/mp4", "frames": 275, "faceTracks": 6})
    failed = dataclasses.replace(job, status=JobStatus.FAILED, error_code="InvalidVideo", finished=NOW)
    after = public_entry("2-0", media_job_event(ended, MediaJobAction.ENDED, at=NOW).entry())
    assert (after["action"], after["status"], after["customer_type"]) == ("ended", "succeeded", "")
    assert (after["details"]["frames"], after["details"]["face_tracks"]) == (275, 6)
    assert public_entry("3-0", media_job_event(failed, MediaJobAction.ENDED, at=NOW).entry())["code"] == "InvalidVideo"


def test_the_development_tenants_decisions_and_detect_calls_say_so_and_no_other_tenants_do() -> None:
    dev, other = tenant("commercial", "US", development=True), tenant("commercial", "US")
    for who, marked in ((dev, True), (other, False)):
        call = request(who)
        decision = policy_decision_event(call, decide(call, terms.current(NOW)), request_id="r", deployment_id="d",
                                         deployment_name="dev").entry()
        detect = detect_event(who, at=NOW, request_id="r", deployment_id="d", deployment_name="dev",
                              capture=live(), provenance=Provenance(ProvenanceStatus.NONE), face_ids=[]).entry()
        for entry in (decision, detect):
            shown = public_entry("1-0", entry)
            if marked:
                assert entry["development"] == "true" and shown["development"] is True
            else:
                assert "development" not in entry and "development" not in shown


def test_a_tenant_record_keeps_the_development_mark_and_one_written_before_it_reads_as_not_development() -> None:
    dev = tenant(development=True)
    assert Tenant.from_record(dev.to_record()) == dev
    older = {name: value for name, value in tenant().to_record().items() if name != "development"}
    assert Tenant.from_record(older).development is False
