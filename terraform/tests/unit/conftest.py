"""Unit fixtures: the provider behind its gRPC servicer, configured against a fake Visage (`responses`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from tf_harness import ENDPOINT, TENANT, TOKEN, Harness, errors


@pytest.fixture(autouse=True)
def no_visage_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISAGE_ENDPOINT", raising=False)
    monkeypatch.delenv("VISAGE_MANAGEMENT_TOKEN", raising=False)


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """The fake Visage: every registered answer must be asked for, and nothing else may be asked."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def harness(api: responses.RequestsMock) -> Harness:
    """A provider configured with ENDPOINT and TOKEN (configuring checks the token once: GET /tenant)."""
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", json=TENANT,
            match=[responses.matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})])
    harness = Harness()
    assert not errors(harness.configure()), "configuring against the fake Visage failed"
    return harness
