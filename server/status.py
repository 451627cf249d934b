"""`visage status`: what a Visage holds and is doing, read from its Redis (changing nothing).

Tenants and their deployments, queue depths, the workers, the jobs running now with their progress
(a training run's state and heartbeat, a media job's percentage), and the latest terms-of-use
refusals from the audit trail. Plain text, or tables when `rich`
is installed and the output is a terminal.
"""

from __future__ import annotations

import collections
import dataclasses
from datetime import UTC, datetime

from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry

from server.domain.clock import now
from server.services.media import REDACTION_JOB
from server.services.training import TRAINING_JOB
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository
from server.store.media_jobs import MediaJobStore
from server.store.queues import QUEUE_NAMES
from server.store.tenants import TenantRepository
from server.store.training import TrainingStore

REFUSALS_SHOWN = 10
AUDIT_ENTRIES_SCANNED = 500
"""Recent refusals are looked for among this many newest audit entries."""

Table = tuple[list[str], list[list[str]]]
"""Column titles and rows."""


@dataclasses.dataclass(frozen=True)
class Status:
    summary: list[str]
    tenants: Table
    deployments: Table
    queues: Table
    workers: Table
    jobs: Table
    refusals: Table


def gather(redis: Redis) -> Status:
    moment = now()
    tenants = TenantRepository(redis).list()
    names = {tenant.tenant_id: tenant.organization for tenant in tenants}
    deployments = [d for tenant in tenants for d in DeploymentRepository(redis).list(tenant.tenant_id)]
    workers = Worker.all(connection=redis)
    by_status = collections.Counter(tenant.status.value for tenant in tenants)
    summary = [
        f"{_many(len(tenants), 'tenant')} ({_counts(by_status)}), {_many(len(deployments), 'deployment')} "
        f"({_counts(collections.Counter(d.sku.value for d in deployments))}), {_many(len(workers), 'worker')}",
    ]
    return Status(
        summary=summary,
        tenants=(["tenant", "organization", "type", "country", "status", "limited access"],
                 [[t.tenant_id, t.organization, t.customer_type.value, t.country, t.status.value, t.access.value]
                  for t in tenants]),
        deployments=(["organization", "deployment", "sku", "region", "created"],
                     [[names.get(d.tenant_id, d.tenant_id), d.name, d.sku.value, d.region, _time(d.created_at)]
                      for d in deployments]),
        queues=_queues(redis),
        workers=(["worker", "host", "pid", "state", "job", "last heartbeat"],
                 [[w.name, w.hostname or "", str(w.pid or ""), w.get_state(), w.get_current_job_id() or "",
                   _ago(w.last_heartbeat, moment)] for w in workers]),
        jobs=_running_jobs(redis, moment),
        refusals=_refusals(redis),
    )


def _queues(redis: Redis) -> Table:
    rows = []
    for name in QUEUE_NAMES:
        queue = Queue(name, connection=redis)
        rows.append([name, str(queue.count), str(StartedJobRegistry(queue=queue).count),
                     str(FailedJobRegistry(queue=queue).count)])
    return ["queue", "waiting", "running", "failed"], rows


def _running_jobs(redis: Redis, moment: datetime) -> Table:
    rows = []
    for name in QUEUE_NAMES:
        registry = StartedJobRegistry(name, connection=redis)
        for job_id in registry.get_job_ids(cleanup=False):
            job = Job.fetch(job_id, connection=redis) if Job.exists(job_id, connection=redis) else None
            if job is None:
                continue
            rows.append([name, job.id, job.func_name or "", _ago(job.started_at, moment),
                         job_progress(redis, job, moment)])
    return ["queue", "job", "function", "started", "progress"], rows


def job_progress(redis: Redis, job: Job, moment: datetime) -> str:
    """What the job's own record says: a training run's state, a media job's percentage."""
    if job.func_name == TRAINING_JOB and len(job.args) == 5:
        _, deployment_id, kind, collection_id, operation_id = job.args
        run = TrainingStore(redis, deployment_id, kind).latest(collection_id)
        if run is None or run.operation_id != operation_id:
            return f"training {kind} {collection_id}: superseded"
        current = run.as_of(moment)
        return (f"training {kind} {collection_id}: {current.status.value}, "
                f"heartbeat {_ago(current.heartbeat, moment)}")
    if job.func_name == REDACTION_JOB and len(job.args) == 3:
        _, deployment_id, media_job_id = job.args
        media = MediaJobStore(redis).get(deployment_id, media_job_id)
        if media is None:
            return f"redaction {media_job_id}: deleted"
        seen = media.as_of(moment)
        return (f"redaction {media_job_id}: {seen.status.value}, {seen.percent_complete}%, "
                f"heartbeat {_ago(seen.heartbeat, moment)}")
    return ""


def _refusals(redis: Redis) -> Table:
    entries = [entry for entry in AuditLog(redis).newest(AUDIT_ENTRIES_SCANNED) if entry.get("decision") == "refused"]
    return (["time", "tenant", "operation", "clause", "code"],
            [[str(e.get("time", "")), str(e.get("tenant_id", "")), str(e.get("operation", "")),
              str(e.get("clause", "")), str(e.get("code", ""))] for e in entries[:REFUSALS_SHOWN]])


def render_text(status: Status) -> str:
    parts = [*status.summary]
    for title, table in _sections(status):
        parts += ["", f"{title}:", *_text_table(table)]
    return "\n".join(parts) + "\n"


def render_rich(status: Status) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    console = Console(highlight=False)
    for line in status.summary:
        console.print(Text(line))
    for title, (columns, rows) in _sections(status):
        if not rows:
            console.print(Text(f"{title}: none", style="bold"))
            continue
        table = RichTable(title=Text(title), title_justify="left")
        for column in columns:
            table.add_column(Text(column))
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))  # names are data, never markup
        console.print(table)


def _sections(status: Status) -> list[tuple[str, Table]]:
    return [("Tenants", status.tenants), ("Deployments", status.deployments), ("Queues", status.queues),
            ("Workers", status.workers), ("Running jobs", status.jobs),
            (f"Recent refusals (latest {REFUSALS_SHOWN})", status.refusals)]


def _text_table(table: Table) -> list[str]:
    columns, rows = table
    if not rows:
        return ["  none"]
    widths = [max(len(cell) for cell in column) for column in zip(columns, *rows, strict=False)]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [columns, *rows]]


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _counts(counter: collections.Counter[str]) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(counter.items())) or "none"


def _ago(moment: datetime | None, reference: datetime) -> str:
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{max(0, int((reference - moment).total_seconds()))} s ago"


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
