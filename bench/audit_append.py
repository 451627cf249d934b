"""What the keyed audit chain costs per entry, against a bare XADD, measured in one run.

Baseline: XADD of the same fields to a stream (no chain at all). Then `AuditLog.append` (HMAC seal +
compare-and-append script) with checkpoints too far apart to happen, and with the default spacing
(a checkpoint re-checks the entries since the last one and fsyncs a file in the data dir). Also the
time `verify` takes per entry. Uses REDIS_URL's database (default redis://127.0.0.1:6379/12), which
it flushes: never point it at data you keep.

Prints one JSON line per measurement. Usage: python bench/audit_append.py [--entries N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from redis import Redis

from server.defaults import AUDIT_CHECKPOINT_EVERY
from server.store import keys
from server.store.audit import AuditLog

ENTRY = {"kind": "policy_decision", "request_id": "r", "tenant_id": "t-1", "decision": "allowed",
         "reasons": "[]", "policy_version": "2024-05"}


ROUNDS = 3
"""Each measurement is the median of this many rounds, run in turn (the machine is shared)."""


def timed(redis: Redis, count: int, append: object) -> float:
    start = time.perf_counter()
    for n in range(count):
        append(n)  # type: ignore[operator]
    return (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    count = parser.parse_args().entries
    redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"))
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        checkpoint = data_dir / "audit-checkpoint.json"
        for _ in range(ROUNDS):
            redis.flushdb()
            results.setdefault("xadd_baseline", []).append(
                timed(redis, count, lambda n: redis.xadd(keys.audit_stream(), ENTRY)))
            redis.flushdb()
            checkpoint.unlink(missing_ok=True)
            never = AuditLog(redis, data_dir=data_dir, checkpoint_every=10**9)
            never.append(ENTRY, tenant_id="t-1", at_ms=0)  # writes the first checkpoint, then none
            results.setdefault("append_keyed_no_checkpoints", []).append(
                timed(redis, count, lambda n, log=never: log.append(ENTRY, tenant_id="t-1", at_ms=n)))
            redis.flushdb()
            checkpoint.unlink()
            every = AuditLog(redis, data_dir=data_dir, checkpoint_every=AUDIT_CHECKPOINT_EVERY)
            results.setdefault(f"append_keyed_checkpoint_every_{AUDIT_CHECKPOINT_EVERY}", []).append(
                timed(redis, count, lambda n, log=every: log.append(ENTRY, tenant_id="t-1", at_ms=n)))
            start = time.perf_counter()
            report = every.verify()
            results.setdefault("verify_per_entry", []).append((time.perf_counter() - start) / report.count * 1e6)
            assert report.ok, report
        redis.flushdb()
    bare = statistics.median(results["xadd_baseline"])
    for name, rounds in results.items():
        micros = statistics.median(rounds)
        print(json.dumps({"measure": name, "entries": count, "rounds": ROUNDS,
                          "microseconds_per_entry": round(micros, 1), "x_baseline": round(micros / bare, 2)}))


if __name__ == "__main__":
    main()
