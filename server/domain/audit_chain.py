"""The audit chain: each entry keyed to the one before it with HMAC-SHA256, and signed checkpoints.

An entry's `hash` is HMAC-SHA256(key, prev + canonical JSON of the entry), where `prev` is the hash
of the entry before it (GENESIS for the first) and the entry carries its position `seq` and the
`key_id` of the key. The key lives outside Redis (VISAGE_AUDIT_KEY or a file in the data dir), so
whoever can write to Redis can delete or edit entries but cannot make a chain that verifies.
Deleting the newest entries and rewinding the head leaves a valid shorter chain; a checkpoint,
signed with the key and kept in the data dir, records how far the chain reached, so that is caught
too, as is a dropped stream.

Entries written before the key existed (unkeyed, `hash` = sha256(prev + JSON), no `key_id`) are
accepted as a legacy prefix at the very start of the stream only: the first keyed entry chains
from the last of them and so pins them, and the checkpoint records how many there were, so a chain
rebuilt in the old format is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from server.domain.clock import format_time, parse_time

GENESIS = "0" * 64
"""The previous hash of the first entry."""

HASH_FIELD = "hash"
PREV_FIELD = "prev"
SEQ_FIELD = "seq"
KEY_ID_FIELD = "key_id"

MIN_KEY_BYTES = 32
"""HMAC-SHA256 keys shorter than its 256-bit output weaken it; VISAGE_AUDIT_KEY must be this long."""

CHECKPOINT_VERSION = 1


def canonical_json(entry: Mapping[str, Any]) -> str:
    return json.dumps(dict(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _content(entry: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in entry.items() if name not in (HASH_FIELD, PREV_FIELD)}


def is_text(value: str) -> bool:
    """Whether a field read with errors="surrogateescape" was UTF-8 text as stored (no escaped byte)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def keyed_hash(key: bytes, prev: str, entry: Mapping[str, str]) -> str:
    return hmac.new(key, (prev + canonical_json(_content(entry))).encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_hash(prev: str, entry: Mapping[str, str]) -> str:
    """The unkeyed hash of entries written before the chain was keyed."""
    return hashlib.sha256((prev + canonical_json(_content(entry))).encode("utf-8")).hexdigest()


def key_id(key: bytes) -> str:
    """Names a key without revealing it, so that an entry made with another key says so."""
    return hmac.new(key, b"visage audit key id", hashlib.sha256).hexdigest()[:16]


def sealed(key: bytes, prev: str, seq: int, entry: Mapping[str, str]) -> dict[str, str]:
    """The entry as stored: with its position, key id, previous hash and own hash."""
    content = {**entry, SEQ_FIELD: str(seq), KEY_ID_FIELD: key_id(key)}
    return {**content, PREV_FIELD: prev, HASH_FIELD: keyed_hash(key, prev, content)}


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """How far the chain reached, signed: `count` entries, the last one `last_id` with `hash`."""

    count: int
    last_id: str
    hash: str
    legacy: int
    key_id: str
    written_at: datetime

    def payload(self) -> dict[str, object]:
        return {"version": CHECKPOINT_VERSION, "count": self.count, "last_id": self.last_id, "hash": self.hash,
                "legacy": self.legacy, "key_id": self.key_id, "written_at": format_time(self.written_at)}

    def signed(self, key: bytes) -> dict[str, object]:
        return {**self.payload(), "mac": _checkpoint_mac(key, self.payload())}

    @classmethod
    def from_signed(cls, raw: Mapping[str, Any], key: bytes) -> Checkpoint:
        """The checkpoint in `raw`; ValueError if it is malformed or its signature does not match."""
        try:
            checkpoint = cls(int(raw["count"]), str(raw["last_id"]), str(raw["hash"]), int(raw["legacy"]),
                             str(raw["key_id"]), parse_time(str(raw["written_at"])))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"the checkpoint is malformed ({error})") from None
        if not hmac.compare_digest(str(raw.get("mac", "")), _checkpoint_mac(key, checkpoint.payload())):
            raise ValueError("the checkpoint's signature does not match this key: it was forged, edited, or "
                             "signed with another key")
        return checkpoint


def _checkpoint_mac(key: bytes, payload: Mapping[str, object]) -> str:
    return hmac.new(key, ("checkpoint:" + canonical_json(payload)).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclasses.dataclass(frozen=True)
class Break:
    """The first thing wrong with a chain: which entry (stream id, when there is one), at which
    position, and why."""

    entry_id: str | None
    position: int
    reason: str


@dataclasses.dataclass
class ChainWalk:
    """Checks entries in stream order, from the start or from a checkpoint, and keeps the first break."""

    key: bytes
    prev: str = GENESIS
    count: int = 0
    legacy: int = 0
    last_id: str | None = None
    broken: Break | None = None
    checkpoint: Checkpoint | None = None

    @classmethod
    def after(cls, key: bytes, checkpoint: Checkpoint) -> ChainWalk:
        """A walk that goes on from a checkpoint (its entry already checked)."""
        return cls(key, checkpoint.hash, checkpoint.count, checkpoint.legacy, checkpoint.last_id,
                   checkpoint=checkpoint)

    def feed(self, entry_id: str, entry: Mapping[str, str]) -> bool:
        """Check the next entry; False once the chain is broken."""
        if self.broken is None:
            why = self._problem(entry)
            if why:
                self.broken = Break(entry_id, self.count + 1, why)
            else:
                self.prev, self.count, self.last_id = entry[HASH_FIELD], self.count + 1, entry_id
                self.legacy += KEY_ID_FIELD not in entry
                self._check_against_checkpoint(entry_id)
        return self.broken is None

    def _problem(self, entry: Mapping[str, str]) -> str | None:
        position = self.count + 1
        if not all(is_text(name) and is_text(value) for name, value in entry.items()):
            return "the entry was edited (it holds bytes that are not UTF-8 text, which no entry is written with)"
        if entry.get(PREV_FIELD) != self.prev:
            return ("the entry before it was removed, or its link was changed (its previous hash is not the hash "
                    "of the entry before it)" if position > 1 or entry.get(PREV_FIELD) else
                    "it has no previous hash")
        if KEY_ID_FIELD not in entry:
            allowed = self.checkpoint.legacy if self.checkpoint else None
            if self.count > self.legacy or (allowed is not None and position > allowed):
                return ("it is in the old unkeyed format where keyed entries belong: the chain was rebuilt without "
                        "the key")
            return None if hmac.compare_digest(entry.get(HASH_FIELD, ""), legacy_hash(self.prev, entry)) else \
                "the entry was edited (its hash does not match its content)"
        if entry.get(SEQ_FIELD) != str(position):
            return f"a gap: it says it is entry {entry.get(SEQ_FIELD)!r} but it is entry {position} of the chain"
        if entry[KEY_ID_FIELD] != key_id(self.key):
            return (f"it was chained with another key (key id {entry[KEY_ID_FIELD]}, this key's is "
                    f"{key_id(self.key)}): the chain was rebuilt without the key")
        if not hmac.compare_digest(entry.get(HASH_FIELD, ""), keyed_hash(self.key, self.prev, entry)):
            return "the entry was edited (its keyed hash does not match its content)"
        return None

    def _check_against_checkpoint(self, entry_id: str) -> None:
        checkpoint = self.checkpoint
        if checkpoint and self.count == checkpoint.count and (entry_id, self.prev) != (checkpoint.last_id,
                                                                                     checkpoint.hash):
            self.broken = Break(entry_id, self.count, f"it is not the entry the checkpoint of "
                                                      f"{format_time(checkpoint.written_at)} recorded at this "
                                                      f"position ({checkpoint.last_id}): the chain was rewritten")

    def finish(self, checkpoint: Checkpoint | None) -> Break | None:
        """After the last entry: a chain shorter than its checkpoint was truncated or dropped."""
        if self.broken is None and checkpoint and self.count < checkpoint.count:
            when = format_time(checkpoint.written_at)
            if self.count == 0:
                reason = (f"the stream holds no entries but the checkpoint of {when} records {checkpoint.count}: "
                          f"the stream was dropped")
            else:
                reason = (f"the stream ends after entry {self.count} ({self.last_id}) but the checkpoint of {when} "
                          f"records {checkpoint.count} entries up to {checkpoint.last_id}: entries were deleted "
                          f"from the end")
            self.broken = Break(None, self.count + 1, reason)
        return self.broken
