"""Injected faults, for testing how clients cope with throttling, outages and slow answers.

The operator adds a fault: which calls it hits (a tenant or any, a deployment name or any, an
operationId or every operation), how often (a probability, and optionally only the next `count`
calls), a delay, and the answer (429, 500 or 503 in Azure's envelope, or none: the call then goes
ahead, late). Faults are checked in the order they were added; the first that matches and whose
roll hits applies. A fault hits before the rate limit and the terms of use, so an injected error
changes nothing: no state, no rate budget, no policy decision.

A deployment name is unique only within a tenant, so a fault names a tenant too when it must hit
one tenant's deployment; without `tenant_id` it hits that name in every tenant.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from datetime import datetime

from server.domain.clock import format_time, parse_time
from server.errors import Kind, NotFound, RateLimited, VisageError

ANY_OPERATION = "*"

INJECTABLE_STATUSES = (429, 500, 503)
"""What a fault answers with: the statuses Azure's guidance tells clients to expect and retry
(429 throttling, 503 unavailable) and a plain internal error (500), which a client must not retry
blindly."""

FAULT_HEADER = "x-visage-fault"
"""Names the fault on every answer it shaped, so a test (and the request log) can tell an injected
error from a real one."""


class FaultNotFound(NotFound):
    code = "FaultNotFound"
    message = "Fault is not found."


@dataclasses.dataclass(frozen=True)
class Fault:
    fault_id: str
    tenant_id: str | None
    deployment: str | None
    operation: str
    status: int | None
    """None: no error, only the delay."""
    probability: float
    latency_ms: int
    count: int | None
    """Calls it still hits; None for no limit. Decremented atomically as it hits."""
    retry_after: int
    """Seconds in the Retry-After of an injected 429 or 503."""
    created_at: datetime

    def matches(self, tenant_id: str, deployment: str, operation: str) -> bool:
        return ((self.tenant_id is None or self.tenant_id == tenant_id)
                and (self.deployment is None or self.deployment == deployment)
                and self.operation in (ANY_OPERATION, operation))

    def error(self) -> VisageError | None:
        """What the call answers, marked as injected; None when the fault only delays."""
        mark = {FAULT_HEADER: self.fault_id}
        if self.status == 429:
            throttled = RateLimited(self.retry_after)
            throttled.headers.update(mark)
            return throttled
        if self.status == 503:
            return VisageError(f"The service is temporarily unavailable. Try again in {self.retry_after} seconds.",
                               code="ServiceUnavailable", kind=Kind.UNAVAILABLE,
                               headers={"Retry-After": str(self.retry_after), **mark})
        if self.status == 500:
            return VisageError("An internal error occurred.", code="InternalServerError", kind=Kind.INTERNAL,
                               headers=mark)
        return None

    def to_json(self) -> str:
        return json.dumps({
            "tenant_id": self.tenant_id, "deployment": self.deployment, "operation": self.operation,
            "status": self.status, "probability": self.probability, "latency_ms": self.latency_ms,
            "count": self.count, "retry_after": self.retry_after, "created_at": format_time(self.created_at)})

    @classmethod
    def from_json(cls, fault_id: str, raw: str | bytes, *, remaining: int | None) -> Fault:
        data = json.loads(raw)
        return cls(fault_id, data["tenant_id"], data["deployment"], data["operation"], data["status"],
                   float(data["probability"]), int(data["latency_ms"]),
                   remaining if data["count"] is not None else None, int(data["retry_after"]),
                   parse_time(data["created_at"]))


def candidates(faults: Iterable[Fault], tenant_id: str, deployment: str, operation: str,
               roll: Callable[[], float]) -> list[Fault]:
    """The faults that match this call and whose roll hits, in the order they were added (a fault
    with probability 1 always hits, one with 0 never)."""
    return [fault for fault in faults
            if fault.matches(tenant_id, deployment, operation) and roll() < fault.probability]
