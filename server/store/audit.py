"""The audit trail: one Redis stream of decisions, hash-chained, with a head that records the tail.

Redis's Lua has no SHA-256, so Python computes the hash from the head it read and a Lua script
appends only if the head is still that one (compare-and-append, retried on a race): the chain
never forks, and the entry, the head and the tenant's index change together or not at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from redis import Redis

from server.domain.audit import GENESIS, HASH_FIELD, PREV_FIELD, chain_hash, public_entry
from server.store import keys
from server.store.codec import decode_hash, text

APPEND_ATTEMPTS = 50
"""Compare-and-append retries before giving up; each lost race means another entry went in first."""

SCAN_BATCH = 1000
"""Entries read per XRANGE while walking the chain."""

MAX_READ = 1000
"""Most entries one read answers."""

_APPEND = """
local unpack = unpack or table.unpack
local current = redis.call('HGET', KEYS[2], 'hash')
if not current then current = ARGV[3] end
if current ~= ARGV[1] then return false end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 5))
redis.call('HSET', KEYS[2], 'hash', ARGV[2], 'last_id', id)
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('ZADD', KEYS[3], ARGV[4], id)
return id
"""


class AuditAppendFailed(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    broken_id: str | None = None
    reason: str | None = None


class AuditLog:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._append = redis.register_script(_APPEND)

    def append(self, entry: Mapping[str, str], *, tenant_id: str, at_ms: int) -> str:
        """Add an entry at the end of the chain; its id."""
        for _ in range(APPEND_ATTEMPTS):
            prev = text(self.redis.hget(keys.audit_head(), "hash")) or GENESIS
            digest = chain_hash(prev, entry)
            pairs = [item for key, value in {**entry, PREV_FIELD: prev, HASH_FIELD: digest}.items()
                     for item in (key, value)]
            added = self._append(keys=[keys.audit_stream(), keys.audit_head(), keys.audit_by_tenant(tenant_id)],
                                 args=[prev, digest, GENESIS, at_ms, *pairs])
            if added:
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

    def verify(self) -> ChainReport:
        """Walk the chain from the first entry up to the head as it was when the walk began, and
        compare: entries appended meanwhile are after the head and are not mistaken for tampering."""
        head = decode_hash(self.redis.hgetall(keys.audit_head()))
        last_id = head.get("last_id")
        prev, count, start = GENESIS, 0, "-"
        while last_id:
            batch = _entries(self.redis.xrange(keys.audit_stream(), min=start, max=last_id, count=SCAN_BATCH))
            for entry_id, entry in batch:
                if entry.get(PREV_FIELD) != prev:
                    return ChainReport(False, count, entry_id, "the entry before it was removed, or its link was "
                                                               "changed (its previous hash does not match)")
                if entry.get(HASH_FIELD) != chain_hash(prev, entry):
                    return ChainReport(False, count, entry_id, "the entry was edited (its hash does not match "
                                                               "its content)")
                prev, count = entry[HASH_FIELD], count + 1
            if len(batch) < SCAN_BATCH:
                break
            start = "(" + batch[-1][0]
        if not last_id and self.redis.xlen(keys.audit_stream()):
            return ChainReport(False, 0, None, "the stream holds entries but the chain's head is gone")
        return self._compare_head(head, prev, count)

    @staticmethod
    def _compare_head(head: Mapping[str, str], last_hash: str, count: int) -> ChainReport:
        recorded = int(head.get("count", "0"))
        if recorded != count:
            return ChainReport(False, count, head.get("last_id"),
                               f"the head records {recorded} entries but the stream holds {count} up to its last "
                               f"entry: entries were removed")
        if head.get("hash", GENESIS) != last_hash:
            return ChainReport(False, count, head.get("last_id"), "the last entry does not match the head's hash")
        return ChainReport(True, count)


def _entries(raw: Any) -> list[tuple[str, dict[str, str]]]:
    """XRANGE's answer as (id, fields) in str."""
    return [(str(text(entry_id)), decode_hash(fields or {})) for entry_id, fields in raw or []]
