"""The operator's injected faults (/admin/v1/faults), for client resilience tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from visage.models._wire import WireModel, wire


@dataclass(frozen=True, slots=True)
class Fault(WireModel):
    """A fault that hits matching data-plane calls: it waits `latency_ms`, then answers `status`
    (429, 500 or 503 in Azure's envelope; None: the call goes ahead after the delay)."""

    _wire_case: ClassVar[str] = "snake"
    fault_id: str = wire("id")
    operation: str = "*"
    status: int | None = None
    probability: float = 1.0
    latency_ms: int = 0
    count: int | None = None
    """Hits left; None when the fault hits until deleted."""
    retry_after: int = 1
    tenant_id: str | None = None
    deployment: str | None = None
    created: datetime | None = None
