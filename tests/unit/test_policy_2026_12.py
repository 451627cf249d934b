"""The decision table of terms 2026-12: customer types x countries x provenance x recognition operations.

The expected decisions are written from the text of the terms (server/policy/2026-12.json), not from
the code:
- `us-police-recognition`: no face recognition by or for a police department in the United States or
  its territories (PR, GU, VI, AS, MP, UM), whatever the capture;
- `le-realtime-identification`: law-enforcement recognition (verify, identify, find-similar, group, and
  adding a face to a collection) counts as real time unless every face it uses comes from an image with
  trusted content credentials captured more than 24 hours before the call; headers contradicting
  trusted credentials (live, a capture time more than a minute off, another kind of camera), doubts,
  and more than 60 faces in 60 seconds count as real time;
- everything else is allowed for an approved, verified, active tenant on S0.
"""

from __future__ import annotations

import itertools

import pytest

from server.domain import terms
from server.domain.operations import OperationClass
from server.domain.policy import decide
from server.domain.tenants import CustomerType
from tests.support.policy import US_AND_TERRITORIES, expected_clause
from tests.support.provenance import AT, COUNTRIES, OPERATIONS, SCENARIOS

CASES = [
    pytest.param(kind, country, name, operation, id=f"{kind.value}-{country}-{name}-{operation.value}")
    for kind, country, name, operation in itertools.product(CustomerType, COUNTRIES, SCENARIOS, OPERATIONS)
    if operation is not OperationClass.FACE_ENROLLMENT or len(SCENARIOS[name].faces) == 1
]


@pytest.mark.parametrize(("customer_type", "country", "scenario", "operation"), CASES)
def test_terms_2026_12_decide_as_their_text_says(customer_type: CustomerType, country: str, scenario: str,
                                                  operation: OperationClass) -> None:
    case = SCENARIOS[scenario]
    decision = decide(case.request(customer_type, country, operation), terms.current(AT))
    clause = expected_clause(customer_type, country, case.realtime)
    assert decision.policy_version == "2026-12"
    assert decision.allowed is (clause is None), decision.message
    assert decision.clause == clause
    if customer_type is CustomerType.LAW_ENFORCEMENT and country not in US_AND_TERRITORIES:
        assert decision.realtime is case.realtime, decision.reasons


def test_the_table_covers_what_the_issue_asks() -> None:
    realtime = {name for name, case in SCENARIOS.items() if case.realtime}
    assert realtime and set(SCENARIOS) - realtime
    assert len(CASES) > len(CustomerType) * len(COUNTRIES) * len(SCENARIOS) * 4
