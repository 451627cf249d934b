"""Which calls a fault hits, in what order, and what it answers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from server.domain.faults import Fault, candidates
from server.errors import Kind

AT = datetime(2026, 1, 1, tzinfo=UTC)


def fault(fault_id: str = "f", **fields: Any) -> Fault:
    values: dict[str, Any] = {"tenant_id": None, "deployment": None, "operation": "*", "status": 503,
                              "probability": 1.0, "latency_ms": 0, "count": None, "retry_after": 1, "created_at": AT}
    values.update(fields)
    return Fault(fault_id, **values)


def test_a_fault_matches_on_tenant_deployment_and_operation() -> None:
    assert fault().matches("t1", "face-1", "detect")
    assert fault(tenant_id="t1").matches("t1", "face-1", "detect")
    assert not fault(tenant_id="t1").matches("t2", "face-1", "detect")
    assert fault(deployment="face-1").matches("t2", "face-1", "detect")
    assert not fault(deployment="face-1").matches("t2", "face-2", "detect")
    assert not fault(operation="identify").matches("t1", "face-1", "detect")


def test_the_roll_must_fall_below_the_probability() -> None:
    rolls = itertools.cycle([0.0, 0.49, 0.5, 0.99])
    hits = [bool(candidates([fault(probability=0.5)], "t", "d", "detect", lambda: next(rolls))) for _ in range(4)]
    assert hits == [True, True, False, False]
    assert not candidates([fault(probability=0.0)], "t", "d", "detect", lambda: 0.0)
    assert candidates([fault(probability=1.0)], "t", "d", "detect", lambda: 0.999999)


def test_candidates_keep_the_order_faults_were_added_in() -> None:
    faults = [fault("a", operation="identify"), fault("b"), fault("c", status=429)]
    assert [each.fault_id for each in candidates(faults, "t", "d", "detect", lambda: 0.0)] == ["b", "c"]


def test_the_answers_are_azures_envelopes_marked_as_injected() -> None:
    throttled = fault(status=429, retry_after=3).error()
    assert throttled is not None and throttled.kind is Kind.RATE_LIMITED
    assert throttled.to_dict() == {"error": {"code": "429",
                                             "message": "Rate limit is exceeded. Try again in 3 seconds."}}
    assert throttled.headers == {"Retry-After": "3", "x-visage-fault": "f"}
    unavailable = fault(status=503, retry_after=5).error()
    assert unavailable is not None and unavailable.kind is Kind.UNAVAILABLE
    assert unavailable.code == "ServiceUnavailable" and unavailable.headers["Retry-After"] == "5"
    internal = fault(status=500).error()
    assert internal is not None and internal.kind is Kind.INTERNAL and "Retry-After" not in internal.headers
    assert fault(status=None, latency_ms=100).error() is None


def test_a_fault_round_trips_through_its_stored_form() -> None:
    original = fault(tenant_id="t", deployment="d", operation="detect", status=429, probability=0.25,
                     latency_ms=10, count=4, retry_after=2)
    assert Fault.from_json("f", original.to_json(), remaining=4) == original
    assert Fault.from_json("f", original.to_json(), remaining=1).count == 1
