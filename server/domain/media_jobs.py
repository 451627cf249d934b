"""Media jobs (redactions): their inputs and outputs, their lifecycle, and what a client sees.

A job is queued `notStarted`, runs on a worker (`running`, with `percentComplete`), and ends
`succeeded` or `failed` with an error. A worker that runs it renews a heartbeat; a running job
whose heartbeat lapsed (its worker was killed) reads as failed, so a client polling it stops.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from server.domain.clock import format_time, parse_time
from server.domain.redaction import RedactionMethod
from server.domain.training import TrainingStatus
from server.errors import BadArgument

HEARTBEAT_SECONDS = 10
"""How often a worker running a media job renews its heartbeat."""

LEASE_SECONDS = 120
"""A running media job whose heartbeat is older than this was abandoned (its worker died)."""

RETENTION_SECONDS = 7 * 24 * 3600
"""Rekognition keeps video job results for 7 days; Visage keeps media jobs as long."""

INTERRUPTED_MESSAGE = "The job was interrupted: the worker running it stopped before it finished. Submit it again."


JobStatus = TrainingStatus
"""Azure's statuses of a long-running operation (notStarted, running, succeeded, failed), as for training."""


class SourceKind(enum.StrEnum):
    FILE = "file"  # an upload the API stored in the media directory
    URL = "url"
    S3 = "s3"


_LOCATION_FIELDS = {SourceKind.FILE: "path", SourceKind.URL: "url", SourceKind.S3: "bucket and key"}


@dataclasses.dataclass(frozen=True)
class MediaSource:
    kind: SourceKind
    path: str | None = None
    url: str | None = None
    bucket: str | None = None
    key: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        given = {SourceKind.FILE: self.path, SourceKind.URL: self.url, SourceKind.S3: self.bucket and self.key}
        if not given[self.kind]:
            raise BadArgument(f"A {self.kind.value} input needs its {_LOCATION_FIELDS[self.kind]}.")

    def to_dict(self) -> dict[str, str]:
        return {name: value for name, value in dataclasses.asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> MediaSource:
        return cls(SourceKind(raw["kind"]), raw.get("path"), raw.get("url"), raw.get("bucket"), raw.get("key"),
                   raw.get("version"))


@dataclasses.dataclass(frozen=True)
class MediaTarget:
    """Where the redacted file goes: the media directory (downloaded through the API), or S3."""

    bucket: str | None = None
    key: str | None = None

    @property
    def in_s3(self) -> bool:
        return self.bucket is not None

    def to_dict(self) -> dict[str, str]:
        return {"kind": "s3", "bucket": self.bucket or "", "key": self.key or ""} if self.in_s3 else {"kind": "file"}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> MediaTarget:
        return cls(raw["bucket"], raw["key"]) if raw.get("kind") == "s3" else cls()


@dataclasses.dataclass(frozen=True)
class MediaJob:
    job_id: str
    tenant_id: str
    deployment_id: str
    method: RedactionMethod
    source: MediaSource
    target: MediaTarget
    status: JobStatus
    percent_complete: int
    created: datetime
    last_action: datetime
    heartbeat: datetime
    finished: datetime | None = None
    result: Mapping[str, Any] | None = None
    error_code: str | None = None
    message: str | None = None

    def to_record(self) -> dict[str, str]:
        return {
            "job_id": self.job_id,
            "tenant_id": self.tenant_id,
            "deployment_id": self.deployment_id,
            "method": self.method.value,
            "source": json.dumps(self.source.to_dict()),
            "target": json.dumps(self.target.to_dict()),
            "status": self.status.value,
            "percent_complete": str(self.percent_complete),
            "created": format_time(self.created),
            "last_action": format_time(self.last_action),
            "heartbeat": format_time(self.heartbeat),
            "finished": format_time(self.finished) if self.finished else "",
            "result": json.dumps(self.result) if self.result is not None else "",
            "error_code": self.error_code or "",
            "message": self.message or "",
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> MediaJob:
        return cls(
            job_id=raw["job_id"],
            tenant_id=raw["tenant_id"],
            deployment_id=raw["deployment_id"],
            method=RedactionMethod(raw["method"]),
            source=MediaSource.from_dict(json.loads(raw["source"])),
            target=MediaTarget.from_dict(json.loads(raw["target"])),
            status=JobStatus(raw["status"]),
            percent_complete=int(raw["percent_complete"]),
            created=parse_time(raw["created"]),
            last_action=parse_time(raw["last_action"]),
            heartbeat=parse_time(raw["heartbeat"]),
            finished=parse_time(raw["finished"]) if raw.get("finished") else None,
            result=json.loads(raw["result"]) if raw.get("result") else None,
            error_code=raw.get("error_code") or None,
            message=raw.get("message") or None,
        )

    def as_of(self, moment: datetime) -> MediaJob:
        """The job as a client should see it: a running job whose worker vanished has failed."""
        if self.status is JobStatus.RUNNING and moment - self.heartbeat > timedelta(seconds=LEASE_SECONDS):
            return dataclasses.replace(self, status=JobStatus.FAILED, error_code="JobInterrupted",
                                       message=INTERRUPTED_MESSAGE, finished=self.heartbeat)
        return self

    def to_public(self) -> dict[str, Any]:
        public: dict[str, Any] = {
            "id": self.job_id,
            "status": self.status.value,
            "percentComplete": self.percent_complete,
            "method": self.method.value,
            "createdDateTime": format_time(self.created),
            "lastActionDateTime": format_time(self.last_action),
            "finishedDateTime": format_time(self.finished) if self.finished else None,
        }
        if self.result is not None:
            public["result"] = dict(self.result)
        if self.status is JobStatus.FAILED:
            public["error"] = {"code": self.error_code or "JobFailed", "message": self.message or "The job failed."}
        return public
