"""Fault injection: the operator adds, lists and removes faults; the data-plane gate asks `inject`
for each call, after authentication and before the rate limit and the terms of use."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Collection
from typing import Any

from redis import Redis

from server import defaults
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.faults import ANY_OPERATION, Fault, FaultNotFound, candidates
from server.errors import BadArgument, NotFound
from server.store.faults import FaultListFull, FaultStore
from server.store.tenants import TenantRepository


def add_fault(redis: Redis, spec: dict[str, Any], *, operations: Collection[str]) -> Fault:
    """A new fault from the loaded body; `operations` are the data-plane operationIds it may name."""
    if spec["operation"] != ANY_OPERATION and spec["operation"] not in operations:
        raise BadArgument(f"'operation' must be '*' or a data-plane operationId such as detect or identify, "
                          f"not {spec['operation']!r}.", details={"target": "operation"})
    if spec["tenant_id"] is not None and TenantRepository(redis).get(spec["tenant_id"]) is None:
        raise NotFound("Tenant is not found.", code="TenantNotFound")
    at = now()
    fault = Fault(
        fault_id=str(uuid.uuid4()), tenant_id=spec["tenant_id"], deployment=spec["deployment"],
        operation=spec["operation"], status=spec["status"], probability=spec["probability"],
        latency_ms=spec["latency_ms"], count=spec["count"], retry_after=spec["retry_after"],
        created_at=at.replace(microsecond=at.microsecond // 1000 * 1000),  # as stored: milliseconds
    )
    try:
        FaultStore(redis).add(fault, max_faults=defaults.MAX_FAULTS)
    except FaultListFull:
        raise BadArgument(f"{defaults.MAX_FAULTS} faults are active, the limit; delete one first.") from None
    return fault


def list_faults(redis: Redis) -> list[Fault]:
    return FaultStore(redis).list()


def delete_fault(redis: Redis, fault_id: str) -> None:
    if not FaultStore(redis).delete(fault_id):
        raise FaultNotFound()


def inject(redis: Redis, caller: Caller, operation: str, *, roll: Callable[[], float] = random.random,
           sleep: Callable[[float], None] = time.sleep) -> Fault | None:
    """Apply the first fault that hits this call: wait its delay, then raise its error (a fault
    without one lets the call go ahead). The fault that hit, or None."""
    store = FaultStore(redis)
    for fault in candidates(store.list(), caller.tenant_id, caller.deployment.name, operation, roll):
        if not store.take_hit(fault):
            continue  # its last hits went to other calls
        if fault.latency_ms:
            sleep(fault.latency_ms / 1000)
        if (error := fault.error()) is not None:
            raise error
        return fault
    return None
