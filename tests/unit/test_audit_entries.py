"""Audit entries and their hash chain, in memory."""

from __future__ import annotations

import hashlib
import json

from server.domain import terms
from server.domain.audit import GENESIS, canonical_json, chain_hash, entry_of, public_entry
from server.domain.policy import decide
from tests.support.policy import NOW, live, request, tenant


def test_the_hash_chains_the_previous_hash_and_the_canonical_entry() -> None:
    entry = {"b": "2", "a": "1", "prev": "ignored", "hash": "ignored"}
    expected = hashlib.sha256((GENESIS + '{"a":"1","b":"2"}').encode()).hexdigest()
    assert chain_hash(GENESIS, entry) == expected
    assert chain_hash(expected, {"a": "1"}) != chain_hash(GENESIS, {"a": "1"})
    assert canonical_json({"é": "x"}) == '{"é":"x"}'


def test_an_entry_records_who_what_how_and_the_verdict() -> None:
    call = request(tenant("law_enforcement", "ZA"), capture=live(), faces=(live(),))
    decision = decide(call, terms.current(NOW))
    entry = entry_of(call, decision, request_id="r-1", deployment_id="d-1", deployment_name="starter")
    assert all(isinstance(value, str) for value in entry.values())
    assert entry["time"] == "2026-03-02T14:30:00.000Z" and entry["request_id"] == "r-1"
    assert (entry["tenant_id"], entry["deployment"], entry["operation"]) == ("t-1", "starter", "identification")
    assert (entry["capture_mode"], entry["camera"], entry["face_modes"]) == ("live", "body-worn", "live")
    assert (entry["decision"], entry["code"], entry["clause"], entry["policy_version"]) == (
        "refused", "TermsOfUseViolation", "le-realtime-identification", "2024-05")
    shown = public_entry("1-0", entry)
    assert shown["id"] == "1-0" and shown["realtime"] is True and shown["reasons"] == json.loads(entry["reasons"])
