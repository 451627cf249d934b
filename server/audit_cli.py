"""`visage audit verify` and `visage audit checkpoint`: operator tools that say plainly what they
found, with a progress bar on a terminal, and never a traceback for a Redis that is not there."""

from __future__ import annotations

import sys
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError, ResponseError
from tqdm import tqdm

from server.domain.clock import format_time
from server.extensions import connect
from server.redis_connection import redacted
from server.store import keys
from server.store.audit import AuditLog, ChainReport
from server.store.audit_files import AuditKeyUnavailable, audit_key

BROKEN = 1
"""Exit status: the chain is broken (an entry edited, removed, or the end truncated)."""

UNCHECKED = 2
"""Exit status: the chain could not be checked (Redis unreachable, no key)."""


def verify_audit(url: str, data_dir: Path) -> int:
    redis = _connect(url)
    if redis is None:
        return UNCHECKED
    try:
        try:
            key = audit_key(data_dir, create=False)
        except AuditKeyUnavailable as missing:
            return _no_key(redis, data_dir, missing)
        log = AuditLog(redis, key=key, data_dir=data_dir)
        # only for the progress bar: a stream replaced by another kind of key is for verify to report
        total = int(redis.xlen(keys.audit_stream())) if redis.type(keys.audit_stream()) == b"stream" else 0
        with tqdm(total=total, unit="entries", desc="audit", disable=not sys.stderr.isatty(), file=sys.stderr,
                  leave=False) as bar:
            report = log.verify(progress=bar.update)
    except RedisError as error:
        return _unreachable(url, error)
    print(_describe(report, data_dir))
    return 0 if report.ok else BROKEN


def checkpoint_audit(url: str, data_dir: Path) -> int:
    redis = _connect(url)
    if redis is None:
        return UNCHECKED
    try:
        log = AuditLog(redis, key=audit_key(data_dir, create=False), data_dir=data_dir)
        result = log.checkpoint()
    except AuditKeyUnavailable as missing:
        print(f"Cannot checkpoint the audit trail: {missing}.", file=sys.stderr)
        return UNCHECKED
    except RedisError as error:
        return _unreachable(url, error)
    print(result.message)
    return 0 if result.written or result.message == "nothing new to checkpoint" else BROKEN


def _connect(url: str) -> Redis | None:
    """A client for the URL, or None after saying in one line that it is not a Redis URL."""
    try:
        return connect(url)
    except ValueError as error:
        print(f"visage: {redacted(url)} is not a Redis URL Visage can use: {error}", file=sys.stderr)
        return None


def _describe(report: ChainReport, data_dir: Path) -> str:
    if not report.ok:
        where = f"entry {report.broken_id}" if report.broken_id else "the end of the stream"
        position = f" (position {report.position})" if report.position else ""
        return f"BROKEN at {where}{position} after {report.count} good entries: {report.reason}"
    legacy = f", of which the first {report.legacy} are in the old unkeyed format" if report.legacy else ""
    summary = f"OK: {report.count} audit entries{legacy}, keyed chain intact"
    if report.checkpoint is None:
        return (f"{summary}.\nWARNING: no checkpoint in {data_dir}: a deleted end or a dropped stream would not "
                f"show. Checkpoints are written there by the processes that append.")
    return (f"{summary}, and it reaches the checkpoint of {format_time(report.checkpoint.written_at)} "
            f"({report.checkpoint.count} entries).")


def _no_key(redis: Redis, data_dir: Path, missing: AuditKeyUnavailable) -> int:
    """Without a key only an empty trail can be vouched for; what is missing is said only otherwise."""
    if not redis.exists(keys.audit_stream(), keys.audit_head()):
        print(f"OK: the audit trail is empty (no key in {data_dir} yet).")
        return 0
    print(f"Cannot check the audit trail: {missing}.", file=sys.stderr)
    print("Give the key the trail was written with: VISAGE_AUDIT_KEY, or --data-dir of the `visage up` that "
          "wrote it.", file=sys.stderr)
    return UNCHECKED


def _unreachable(url: str, error: RedisError) -> int:
    if isinstance(error, ResponseError):  # it answered: with an error, e.g. a key of another kind
        print(f"The Redis at {redacted(url)} answered with an error: {error}. Is it the Redis that holds "
              "the audit trail?", file=sys.stderr)
        return UNCHECKED
    print(f"Cannot reach Redis at {redacted(url)}: {error}. Set REDIS_URL to the Redis that holds the "
          f"audit trail, or start `visage up`.", file=sys.stderr)
    return UNCHECKED
