"""Properties of the decision function over generated tenants, headers and faceId provenance.

- No law-enforcement tenant, in any country, with any header combination (garbage and none
  included), any provenance of its faceIds and any recognition operation, is allowed a call that
  counts as real time.
- Detection is allowed to every tenant that is not suspended (and whose email is verified or
  still within the grace period), whatever its type, country, approval, SKU or capture.

"Real time" is restated here from the clause text, independently of the code: live capture, no
capture mode, a recorded capture without a time or younger than 24 hours, any faceId captured so,
or more than 30 recognition calls in 60 seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import terms
from server.domain.capture import CaptureContext, CaptureMode
from server.domain.clock import format_time
from server.domain.deployments import Sku
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import decide
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from server.errors import BadArgument
from tests.support.policy import NOW, US_AND_TERRITORIES, request, tenant

CURRENT = terms.current(NOW)
REALTIME_WINDOW = timedelta(hours=24)
CADENCE_LIMIT = 30

countries = st.sampled_from([country.alpha_2 for country in pycountry.countries])
offsets = st.timedeltas(min_value=-timedelta(days=5), max_value=timedelta(days=10))
garbage = st.text(max_size=12)


def header_value(choices: list[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(choices), garbage)


@st.composite
def headers(draw: st.DrawFn) -> dict[str, str]:
    mode = draw(header_value(["live", "recorded", "LIVE", "Recorded", " recorded ", ""]))
    captured = draw(st.one_of(st.none(), offsets.map(lambda age: format_time(NOW - age)), garbage))
    camera = draw(header_value(["body-worn", "dash", "fixed", "handheld", "unknown"]))
    chosen = {"x-visage-capture-mode": mode, "x-visage-captured-at": captured, "x-visage-camera": camera}
    return {name: value for name, value in chosen.items() if value is not None}


faces = st.lists(st.builds(
    CaptureContext,
    mode=st.one_of(st.none(), st.sampled_from(list(CaptureMode))),
    captured_at=st.one_of(st.none(), offsets.map(lambda age: NOW - age)),
), max_size=4)


def is_realtime_per_the_text(capture: CaptureContext, face_captures: list[CaptureContext], calls: int) -> bool:
    def live(context: CaptureContext) -> bool:
        if context.mode is not CaptureMode.RECORDED or context.captured_at is None:
            return True
        age: timedelta = NOW - context.captured_at
        return age < REALTIME_WINDOW

    return live(capture) or any(live(face) for face in face_captures) or calls > CADENCE_LIMIT


@settings(max_examples=300, deadline=None)
@given(
    country=countries,
    raw_headers=headers(),
    face_captures=faces,
    operation=st.sampled_from(sorted(RECOGNITION_CLASSES)),
    calls=st.integers(min_value=1, max_value=200),
    access=st.sampled_from(list(AccessReview)),
    sku=st.sampled_from(list(Sku)),
    status=st.sampled_from(list(TenantStatus)),
)
def test_no_law_enforcement_tenant_gets_realtime_recognition(
    country: str, raw_headers: dict[str, str], face_captures: list[CaptureContext], operation: OperationClass,
    calls: int, access: AccessReview, sku: Sku, status: TenantStatus,
) -> None:
    try:
        capture = CaptureContext.from_headers(raw_headers)
    except BadArgument:
        return  # a malformed header is refused before any decision: no result either
    police = tenant("law_enforcement", country, access=access, status=status)
    decision = decide(request(police, operation, capture, tuple(face_captures), sku=sku, recent_calls=calls),
                      CURRENT)
    if is_realtime_per_the_text(capture, face_captures, calls) or country in US_AND_TERRITORIES:
        assert not decision.allowed, (raw_headers, face_captures, calls, decision)
    if decision.allowed:
        assert decision.realtime is False


@settings(max_examples=200, deadline=None)
@given(
    customer_type=st.sampled_from(list(CustomerType)),
    country=countries,
    raw_headers=headers(),
    access=st.sampled_from(list(AccessReview)),
    sku=st.sampled_from(list(Sku)),
    verified=st.booleans(),
    age=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=71)),
)
def test_detection_is_allowed_to_every_tenant_in_good_standing(
    customer_type: CustomerType, country: str, raw_headers: dict[str, str], access: AccessReview, sku: Sku,
    verified: bool, age: timedelta,
) -> None:
    try:
        capture = CaptureContext.from_headers(raw_headers)
    except BadArgument:
        return
    created: datetime = NOW - age
    anyone = tenant(customer_type.value, country, access=access, created_at=created,
                    status=TenantStatus.ACTIVE if verified else TenantStatus.PENDING_VERIFICATION,
                    email_verified_at=created if verified else None)
    decision = decide(request(anyone, OperationClass.DETECTION, capture, sku=sku), CURRENT)
    assert decision.allowed, decision
