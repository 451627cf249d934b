"""Training runs and their long-running operations, with the rule that nothing runs forever.

A TrainingRun is also the record of every long-running operation clients poll at
/operations/{operationId}: PersonDirectory writes keep one too (`TrainingRun.completed`).

A worker that trains renews a heartbeat; a run whose heartbeat lapsed (its worker was killed)
reads as failed, so a client polling it stops, and the next train call is allowed.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import datetime, timedelta

from server.domain.clock import format_time, parse_time

HEARTBEAT_SECONDS = 5
"""How often a training worker renews its heartbeat."""

LEASE_SECONDS = 60
"""A running training whose heartbeat is older than this was abandoned (its worker died)."""

QUEUED_LEASE_SECONDS = 3600
"""A training still queued after this long (its job was lost) no longer blocks a new one."""

RETRY_AFTER_SECONDS = 1
"""The Retry-After hint on 202 train and on unfinished operations: training small groups takes
well under a second, and the official SDK otherwise waits 30 s between polls."""

OPERATION_RETENTION_SECONDS = 48 * 3600
"""Azure: an operation URL "expires in 48 hours"."""

INTERRUPTED_MESSAGE = (
    "Training was interrupted: the worker running it stopped before it finished. Train again."
)


class TrainingStatus(enum.StrEnum):
    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (TrainingStatus.SUCCEEDED, TrainingStatus.FAILED)

    def wire(self, api_version: str) -> str:
        """Azure v1.0 wrote "notstarted"; later versions camel-case it."""
        return self.value.lower() if api_version == "v1.0" else self.value


@dataclasses.dataclass(frozen=True)
class TrainingRun:
    operation_id: str
    status: TrainingStatus
    created: datetime
    last_action: datetime
    heartbeat: datetime
    finished: datetime | None = None
    last_success: datetime | None = None
    message: str | None = None

    def to_record(self) -> dict[str, str]:
        return {
            "operation_id": self.operation_id,
            "status": self.status.value,
            "created": format_time(self.created),
            "last_action": format_time(self.last_action),
            "heartbeat": format_time(self.heartbeat),
            "finished": format_time(self.finished) if self.finished else "",
            "last_success": format_time(self.last_success) if self.last_success else "",
            "message": self.message or "",
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> TrainingRun:
        return cls(
            operation_id=raw["operation_id"],
            status=TrainingStatus(raw["status"]),
            created=parse_time(raw["created"]),
            last_action=parse_time(raw["last_action"]),
            heartbeat=parse_time(raw["heartbeat"]),
            finished=parse_time(raw["finished"]) if raw.get("finished") else None,
            last_success=parse_time(raw["last_success"]) if raw.get("last_success") else None,
            message=raw.get("message") or None,
        )

    @classmethod
    def completed(cls, operation_id: str, moment: datetime) -> TrainingRun:
        """An operation that succeeded as it was accepted: a PersonDirectory write, which Visage
        makes before it answers 202, polled at the same /operations URL as a training."""
        return cls(operation_id, TrainingStatus.SUCCEEDED, created=moment, last_action=moment, heartbeat=moment,
                   finished=moment)

    def as_of(self, moment: datetime) -> TrainingRun:
        """The run as a client should see it: a running run whose worker vanished has failed."""
        if self.status is TrainingStatus.RUNNING and moment - self.heartbeat > timedelta(seconds=LEASE_SECONDS):
            return dataclasses.replace(self, status=TrainingStatus.FAILED, message=INTERRUPTED_MESSAGE,
                                       finished=self.heartbeat, last_action=self.heartbeat)
        return self

    def blocks_new_training(self, moment: datetime) -> bool:
        current = self.as_of(moment)
        if current.status is TrainingStatus.NOT_STARTED:
            return moment - current.created <= timedelta(seconds=QUEUED_LEASE_SECONDS)
        return current.status is TrainingStatus.RUNNING

    @property
    def in_progress(self) -> bool:
        return not self.status.finished

    def training_result(self, api_version: str) -> TrainingResult:
        return TrainingResult(self.status.wire(api_version), self.created, self.last_action, self.last_success,
                              self.message)


@dataclasses.dataclass(frozen=True)
class TrainingResult:
    """Azure's TrainingResult: the latest run, its status spelled as the API version spells it."""

    status: str
    created: datetime
    last_action: datetime
    last_success: datetime | None
    message: str | None
