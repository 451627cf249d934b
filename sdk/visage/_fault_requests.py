"""Requests of the operator's fault injection (/admin/v1/faults)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from visage._transport import HttpRequest


def build_add_fault_request(*, status: int | None, operation: str, deployment: str | None, tenant_id: str | None,
                            probability: float, latency_ms: int, count: int | None,
                            retry_after: int | None) -> HttpRequest:
    body: dict[str, Any] = {"status": status, "operation": operation, "deployment": deployment,
                            "tenant_id": tenant_id, "probability": probability, "latency_ms": latency_ms,
                            "count": count}
    if retry_after is not None:
        body["retry_after"] = retry_after
    return HttpRequest("POST", "admin/v1/faults", json=body)


def build_list_faults_request() -> HttpRequest:
    return HttpRequest("GET", "admin/v1/faults")


def build_delete_fault_request(fault_id: str) -> HttpRequest:
    return HttpRequest("DELETE", f"admin/v1/faults/{quote(fault_id, safe='')}")
