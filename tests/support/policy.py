"""Tenants and policy requests built in memory, for the decision function's unit tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.domain.deployments import Sku
from server.domain.operations import OperationClass
from server.domain.policy import PolicyRequest
from server.domain.tenants import AccessReview, CustomerType, Tenant, TenantStatus

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
"""A fixed moment under the current policy (2024-05)."""

US_AND_TERRITORIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
"""Where the US police clause applies: the United States and the territories with ISO codes of their own."""

def expected_clause(customer_type: CustomerType, country: str, realtime: bool) -> str | None:
    """The clause the terms of use refuse a recognition call under, restated from their text."""
    if customer_type is CustomerType.LAW_ENFORCEMENT and country in US_AND_TERRITORIES:
        return "us-police-recognition"
    if customer_type is CustomerType.LAW_ENFORCEMENT and realtime:
        return "le-realtime-identification"
    return None


UNDER_2020_06 = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)
"""A moment when only the June 2020 terms were in effect."""

LONG_AGO = timedelta(days=3)
"""Older than the real-time threshold of 2024-05 (24 hours)."""


def tenant(customer_type: str = "commercial", country: str = "GB", **overrides: Any) -> Tenant:
    base = Tenant(
        tenant_id="t-1",
        organization="Example",
        email="someone@example.org",
        customer_type=CustomerType(customer_type),
        country=country,
        use_cases=("identity_verification",),
        terms_version="2024-05",
        terms_accepted_at=NOW - timedelta(days=30),
        created_at=NOW - timedelta(days=30),
        status=TenantStatus.ACTIVE,
        access=AccessReview.APPROVED,
        email_verified_at=NOW - timedelta(days=30),
    )
    return dataclasses.replace(base, **overrides)


def live(camera: Camera | None = Camera.BODY_WORN) -> CaptureContext:
    return CaptureContext(CaptureMode.LIVE, None, camera)


def recorded(age: timedelta | None, at: datetime = NOW, camera: Camera | None = Camera.FIXED) -> CaptureContext:
    return CaptureContext(CaptureMode.RECORDED, None if age is None else at - age, camera)


def request(
    tenant_: Tenant | None = None,
    operation: OperationClass = OperationClass.IDENTIFICATION,
    capture: CaptureContext | None = None,
    faces: tuple[CaptureContext, ...] = (),
    *,
    sku: Sku = Sku.S0,
    at: datetime = NOW,
    recent_calls: int = 1,
) -> PolicyRequest:
    return PolicyRequest(
        tenant=tenant_ or tenant(),
        sku=sku,
        operation=operation,
        capture=capture if capture is not None else recorded(LONG_AGO, at),
        face_captures=faces,
        at=at,
        recent_recognition_calls=recent_calls,
    )
