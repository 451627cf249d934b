"""The `visage_tenant` and `visage_deployment` data sources."""

from __future__ import annotations

import responses
from tf_harness import ENDPOINT, TENANT, Harness, errors, visage_error


def test_tenant_shows_status_customer_type_and_approvals(harness: Harness, api: responses.RequestsMock) -> None:
    assert harness.validate_data("visage_tenant", {}) == []
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", json={**TENANT, "limited_access": "pending_review",
                                                "review_reasons": ["law_enforcement"]})
    state, diags = harness.read_data("visage_tenant", {})
    assert diags == [] and state is not None
    assert state["status"] == "active" and state["customer_type"] == "commercial"
    assert state["limited_access"] == "pending_review" and state["approved"] is False
    assert state["review_reasons"] == ["law_enforcement"] and state["email_verified"] is True
    assert state["decisions"] == TENANT["decisions"]
    assert set(state) == set(harness._attributes("visage_tenant", data=True))


def test_tenant_attributes_cannot_be_set() -> None:
    assert "read-only" in errors(Harness().validate_data("visage_tenant", {"status": "active"}))[0].summary


def test_deployment_by_name(harness: Harness, api: responses.RequestsMock) -> None:
    view = {"name": "face-1", "sku": "S0", "region": "westeurope", "endpoint": ENDPOINT,
            "created_at": "2025-01-01T00:00:00.000Z"}
    api.get(f"{ENDPOINT}/mgmt/v1/deployments/face-1", json=view)
    assert harness.read_data("visage_deployment", {"name": "face-1"}) == (view, [])


def test_deployment_that_does_not_exist(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/deployments/nope", **visage_error(404, "DeploymentNotFound", "not found"))
    state, diags = harness.read_data("visage_deployment", {"name": "nope"})
    assert state is None and "404 DeploymentNotFound" in errors(diags)[0].summary


def test_deployment_name_is_validated() -> None:
    assert errors(Harness().validate_data("visage_deployment", {"name": "a b"}))[0].path == ["name"]
