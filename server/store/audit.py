"""The audit trail: one Redis stream of events, HMAC-chained (domain/audit_chain.py), with a head in
Redis that records the tail and signed checkpoints in the data dir that record how far it reached.

Redis's Lua has no HMAC, so Python seals the entry against the head it read and a Lua script appends
only if the head is still that one (compare-and-append, retried on a race): the chain never forks,
and the entry, the head and the tenant's index change together or not at all.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from redis import Redis

from server.config import audit_checkpoint_every
from server.domain.audit import AuditEvent, public_entry
from server.domain.audit_chain import GENESIS, HASH_FIELD, Break, ChainWalk, Checkpoint, key_id, sealed
from server.domain.clock import now
from server.store import keys
from server.store.audit_files import CheckpointFile, audit_key
from server.store.codec import decode_hash, text

APPEND_ATTEMPTS = 200
"""Compare-and-append retries before giving up; each lost race means another entry went in first."""

SCAN_BATCH = 1000
"""Entries read per XRANGE while walking the chain."""

MAX_READ = 1000
"""Most entries one read answers."""

_APPEND = """
local unpack = unpack or table.unpack
local current = redis.call('HGET', KEYS[2], 'hash') or ARGV[3]
local count = tonumber(redis.call('HGET', KEYS[2], 'count') or '0')
if current ~= ARGV[1] or count ~= tonumber(ARGV[5]) then return false end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 7))
redis.call('HSET', KEYS[2], 'hash', ARGV[2], 'last_id', id, 'count', count + 1)
if ARGV[6] == '1' then redis.call('ZADD', KEYS[3], ARGV[4], id) end
return id
"""

log = logging.getLogger(__name__)


class AuditAppendFailed(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_id: str | None = None
    reason: str | None = None
    position: int | None = None
    legacy: int = 0
    checkpoint: Checkpoint | None = None


@dataclasses.dataclass(frozen=True)
class CheckpointResult:
    written: bool
    message: str


class AuditLog:
    def __init__(self, redis: Redis, *, key: bytes | None = None, data_dir: Path | None = None,
                 checkpoint_every: int | None = None) -> None:
        self.redis = redis
        self._key = key
        self.data_dir = data_dir
        self.checkpoint_every = checkpoint_every
        self._append = redis.register_script(_APPEND)

    @property
    def key(self) -> bytes:
        """Read on first use: reading the trail needs no key, extending it does."""
        if self._key is None:
            self._key = audit_key(self.data_dir)
        return self._key

    @property
    def checkpoints(self) -> CheckpointFile:
        return CheckpointFile(self.data_dir, self.key)

    def append_event(self, event: AuditEvent) -> str:
        """Add an event at the end of the chain; its stream id."""
        return self.append(event.entry(), tenant_id=event.tenant_id, at_ms=int(event.at.timestamp() * 1000))

    def append(self, entry: Mapping[str, str], *, tenant_id: str, at_ms: int) -> str:
        """Add an entry at the end of the chain (indexed under `tenant_id` unless it is ""); its id."""
        for _ in range(APPEND_ATTEMPTS):
            head = self.redis.hmget(keys.audit_head(), "hash", "count")
            prev, count = text(head[0]) or GENESIS, int(text(head[1]) or 0)
            stored = sealed(self.key, prev, count + 1, entry)
            pairs = [item for name, value in stored.items() for item in (name, value)]
            added = self._append(keys=[keys.audit_stream(), keys.audit_head(), keys.audit_by_tenant(tenant_id)],
                                 args=[prev, stored[HASH_FIELD], GENESIS, at_ms, count, "1" if tenant_id else "0",
                                       *pairs])
            if added:
                self._checkpoint_if_due(count + 1)
                return str(text(added))
        raise AuditAppendFailed("the audit chain kept moving; the entry was not written")

    def newest(self, limit: int) -> list[dict[str, object]]:
        raw = self.redis.xrevrange(keys.audit_stream(), count=min(limit, MAX_READ))
        return [public_entry(entry_id, entry) for entry_id, entry in _entries(raw)]

    def newest_of_tenant(self, tenant_id: str, limit: int) -> list[dict[str, object]]:
        ids = [str(text(i)) for i in self.redis.zrevrange(keys.audit_by_tenant(tenant_id), 0, min(limit, MAX_READ) - 1)]
        with self.redis.pipeline(transaction=False) as pipe:
            for entry_id in ids:
                pipe.xrange(keys.audit_stream(), min=entry_id, max=entry_id)
            found = pipe.execute()
        return [public_entry(entry_id, entry) for raw in found for entry_id, entry in _entries(raw)]

    def verify(self, progress: Callable[[int], object] | None = None) -> ChainReport:
        """Walk the whole stream, to its real end as it was when the walk began, with the key; then hold
        it against the signed checkpoint and the head. The first thing wrong is reported."""
        try:
            checkpoint = self.checkpoints.read()
        except ValueError as forged:
            return ChainReport(False, 0, None, str(forged))
        for name, kind in ((keys.audit_stream(), "stream"), (keys.audit_head(), "hash")):
            if (found := text(self.redis.type(name))) not in (kind, "none"):
                return ChainReport(False, 0, None, f"the key {name} holds a {found}, not the audit {kind}: the "
                                   "trail was replaced", checkpoint=checkpoint)
        head = decode_hash(self.redis.hgetall(keys.audit_head()))
        if (head_count := _head_count(head)) is None:
            return ChainReport(False, 0, head.get("last_id"), f"the head's count {head.get('count')!r} is not a "
                               "number: the head was rewritten", checkpoint=checkpoint)
        end = _entries(self.redis.xrevrange(keys.audit_stream(), count=1))
        walk = ChainWalk(self.key, checkpoint=checkpoint)
        hash_at_head = None
        for batch in self._batches("-", end[0][0] if end else None):
            for entry_id, entry in batch:
                if not walk.feed(entry_id, entry):
                    return _broken(walk.broken, walk, checkpoint)
                if walk.count == head_count:
                    hash_at_head = walk.prev
            if progress:
                progress(len(batch))
        if broken := walk.finish(checkpoint):
            return _broken(broken, walk, checkpoint)
        if end and not head:
            return ChainReport(False, walk.count, None, "the stream holds entries but the chain's head is gone",
                               legacy=walk.legacy, checkpoint=checkpoint)
        if head_count > walk.count:
            return ChainReport(False, walk.count, head.get("last_id"),
                               f"the head records {head_count} entries but the stream holds {walk.count}: entries "
                               f"were removed from the end", position=walk.count + 1, legacy=walk.legacy,
                               checkpoint=checkpoint)
        if head and head.get("hash", GENESIS) != (hash_at_head or GENESIS):
            return ChainReport(False, walk.count, head.get("last_id"), "the head's hash is not the hash of the entry "
                               "at its position: the head was rewritten", position=head_count, legacy=walk.legacy,
                               checkpoint=checkpoint)
        return ChainReport(True, walk.count, legacy=walk.legacy, checkpoint=checkpoint)

    def checkpoint(self) -> CheckpointResult:
        """Sign a checkpoint at the head after checking the entries since the last one (call it on shutdown,
        and it runs every `checkpoint_every` entries). A chain that does not check is not signed."""
        files = self.checkpoints
        with files.locked():
            try:
                last = files.read()
            except ValueError as forged:
                return CheckpointResult(False, str(forged))
            head = decode_hash(self.redis.hgetall(keys.audit_head()))
            if (head_count := _head_count(head)) is None:
                return CheckpointResult(False, f"not signed: the head's count {head.get('count')!r} is not a number")
            if not head_count or (last is not None and last.count >= head_count):
                return CheckpointResult(False, "nothing new to checkpoint")
            walk = ChainWalk.after(self.key, last) if last else ChainWalk(self.key)
            start = f"({last.last_id}" if last else "-"
            for batch in self._batches(start, head.get("last_id")):
                for entry_id, entry in batch:
                    if not walk.feed(entry_id, entry):
                        return CheckpointResult(False, f"not signed: entry {entry_id}: {walk.broken.reason}"
                                                if walk.broken else "not signed")
            if (walk.count, walk.prev) != (head_count, head.get("hash")) or walk.last_id is None:
                return CheckpointResult(False, f"not signed: the head records {head_count} entries, the stream "
                                               f"holds {walk.count} that check")
            checkpoint = Checkpoint(walk.count, walk.last_id, walk.prev, walk.legacy, key_id(self.key), now())
            files.write(checkpoint)
            return CheckpointResult(True, f"checkpoint at entry {walk.count} ({walk.last_id})")

    def _checkpoint_if_due(self, count: int) -> None:
        every = self.checkpoint_every or audit_checkpoint_every()
        try:
            if count % every == 0 or not self.checkpoints.exists():
                result = self.checkpoint()
                if not result.written and result.message != "nothing new to checkpoint":
                    log.error("audit checkpoint %s", result.message)
        except OSError as error:
            log.error("audit checkpoint not written: %s", error)

    def _batches(self, start: str, last_id: str | None) -> Iterator[list[tuple[str, dict[str, str]]]]:
        while last_id:
            # bytes that are not UTF-8 stay visible (escaped) for the walk to call an edit
            batch = _entries(self.redis.xrange(keys.audit_stream(), min=start, max=last_id, count=SCAN_BATCH),
                             errors="surrogateescape")
            if batch:
                yield batch
            if len(batch) < SCAN_BATCH:
                return
            start = "(" + batch[-1][0]


def _head_count(head: Mapping[str, str]) -> int | None:
    """The entry count the head records (0 for no head); None when it is not a count (an edit)."""
    raw = head.get("count") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _broken(broken: Break | None, walk: ChainWalk, checkpoint: Checkpoint | None) -> ChainReport:
    assert broken is not None
    return ChainReport(False, broken.position - 1, broken.entry_id, broken.reason, broken.position,
                       legacy=walk.legacy, checkpoint=checkpoint)


def _entries(raw: Any, errors: str = "replace") -> list[tuple[str, dict[str, str]]]:
    """XRANGE's answer as (id, fields) in str (bytes that are not UTF-8, which only an edit makes, as
    `errors` says)."""
    return [(str(text(entry_id)), decode_hash(fields or {}, errors)) for entry_id, fields in raw or []]
