"""The decision table: customer types x countries x capture contexts x recognition operations.

The expected decisions are written from the text of the terms (server/policy/2024-05.json), not
from the code: for the current version,
- `us-police-recognition`: no face recognition (verification, identification, find-similar,
  grouping) by or for a police department in the United States, whatever the capture;
- `le-realtime-identification`: no real-time recognition by law enforcement in any country, where
  real time means live capture, no capture mode (fail closed), recorded without a capture time,
  recorded less than 24 hours ago or in the future, a faceId detected from such capture, or more
  than 30 recognition calls in 60 seconds;
- everything else is allowed for an approved, verified, active tenant on S0.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from server.domain import terms
from server.domain.capture import CaptureContext, CaptureMode
from server.domain.operations import RECOGNITION_CLASSES, OperationClass
from server.domain.policy import decide
from server.domain.tenants import CustomerType
from tests.support.policy import (
    LONG_AGO,
    NOW,
    UNDER_2020_06,
    US_AND_TERRITORIES,
    expected_clause,
    live,
    recorded,
    request,
    tenant,
)

COUNTRIES = ("US", "PR", "GU", "VI", "AS", "MP", "UM", "GB", "DE", "FR", "IN", "BR", "JP", "ZA")

CAPTURES: dict[str, tuple[CaptureContext, tuple[CaptureContext, ...], int, bool]] = {
    # name: (request capture, faceIds' captures, recent recognition calls, real time per the clause text)
    "live body-worn camera": (live(), (), 1, True),
    "live fixed camera": (CaptureContext(CaptureMode.LIVE), (), 1, True),
    "no capture headers": (CaptureContext(), (), 1, True),
    "recorded without a capture time": (recorded(None), (), 1, True),
    "recorded an hour ago": (recorded(timedelta(hours=1)), (), 1, True),
    "recorded 23 hours 59 minutes ago": (recorded(timedelta(hours=23, minutes=59)), (), 1, True),
    "recorded with a capture time in the future": (recorded(-timedelta(hours=2)), (), 1, True),
    "recorded three days ago": (recorded(LONG_AGO), (), 1, False),
    "recorded 24 hours ago exactly": (recorded(timedelta(hours=24)), (), 1, False),
    "recorded three days ago, faceIds recorded too": (recorded(LONG_AGO), (recorded(LONG_AGO),) * 2, 1, False),
    "recorded, but a faceId was detected live": (recorded(LONG_AGO), (recorded(LONG_AGO), live()), 1, True),
    "recorded, but a faceId had no capture mode": (recorded(LONG_AGO), (CaptureContext(),), 1, True),
    "recorded, but a faceId is an hour old footage": (recorded(LONG_AGO), (recorded(timedelta(hours=1)),), 1, True),
    "recorded, at 30 calls a minute": (recorded(LONG_AGO), (), 30, False),
    "recorded, at a live stream's cadence": (recorded(LONG_AGO), (), 31, True),
}


CASES = [
    pytest.param(kind, country, name, operation, id=f"{kind.value}-{country}-{name}-{operation.value}")
    for kind, country, name, operation in itertools.product(
        CustomerType, COUNTRIES, CAPTURES, sorted(RECOGNITION_CLASSES))
]


@pytest.mark.parametrize(("customer_type", "country", "capture_name", "operation"), CASES)
def test_the_current_terms_decide_as_their_text_says(customer_type: CustomerType, country: str, capture_name: str,
                                                     operation: OperationClass) -> None:
    capture, faces, calls, realtime = CAPTURES[capture_name]
    call = request(tenant(customer_type.value, country), operation, capture, faces, recent_calls=calls)
    decision = decide(call, terms.current(NOW))
    clause = expected_clause(customer_type, country, realtime)
    assert decision.policy_version == "2024-05"
    assert decision.allowed is (clause is None), decision.message
    assert decision.clause == clause
    assert decision.code == (None if clause is None else "TermsOfUseViolation")


def test_the_table_covers_what_the_issue_asks() -> None:
    assert len(CASES) == len(CustomerType) * len(COUNTRIES) * len(CAPTURES) * 4
    assert US_AND_TERRITORIES <= set(COUNTRIES)
    assert {name for name, (_, _, _, realtime) in CAPTURES.items() if realtime} and \
           {name for name, (_, _, _, realtime) in CAPTURES.items() if not realtime}


@pytest.mark.parametrize("operation", sorted(RECOGNITION_CLASSES))
def test_a_uk_police_tenants_realtime_identification_was_allowed_in_2020_and_is_refused_now(
    operation: OperationClass,
) -> None:
    police = tenant("law_enforcement", "GB")
    old = decide(request(police, operation, live(), at=UNDER_2020_06), terms.current(UNDER_2020_06))
    new = decide(request(police, operation, live()), terms.current(NOW))
    assert (old.policy_version, old.allowed) == ("2020-06", True)
    assert (new.policy_version, new.allowed, new.clause) == ("2024-05", False, "le-realtime-identification")


@pytest.mark.parametrize("country", sorted(US_AND_TERRITORIES))
def test_under_2020_06_a_us_police_tenant_was_already_refused_any_recognition(country: str) -> None:
    old_terms = terms.current(UNDER_2020_06)
    decision = decide(request(tenant("law_enforcement", country), capture=recorded(LONG_AGO, UNDER_2020_06),
                              at=UNDER_2020_06), old_terms)
    assert (decision.allowed, decision.clause, decision.realtime) == (False, "us-police-recognition", None)
