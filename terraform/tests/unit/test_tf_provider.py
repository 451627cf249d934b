"""The provider block: schema, `endpoint`/`token` with their environment fallbacks, and the diagnostics for a
wrong token or an unreachable endpoint."""

from __future__ import annotations

import pytest
import responses
from tf_harness import ENDPOINT, TENANT, TOKEN, Harness, errors, visage_error

RESOURCES = {"visage_deployment", "visage_deployment_key_rotation", "visage_large_person_group"}
DATA_SOURCES = {"visage_tenant", "visage_deployment"}


def test_schema_lists_every_object_and_hides_secrets() -> None:
    harness = Harness()
    assert set(harness.resource_schemas) == RESOURCES
    assert set(harness.data_source_schemas) == DATA_SOURCES
    provider = {a.name: a for a in harness.provider_schema.block.attributes}
    assert provider["token"].sensitive and provider["token"].optional
    assert provider["endpoint"].optional and not provider["endpoint"].sensitive
    sensitive = {(type_name, a.name) for type_name, schema in harness.resource_schemas.items()
                 for a in schema.block.attributes if a.sensitive}
    assert sensitive == {("visage_deployment", "key1"), ("visage_deployment", "key2"),
                         ("visage_deployment_key_rotation", "key")}
    for schema in [*harness.resource_schemas.values(), *harness.data_source_schemas.values()]:
        assert all(a.description for a in schema.block.attributes)


def test_configure_checks_the_token_once(harness: Harness, api: responses.RequestsMock) -> None:
    assert len(api.calls) == 1
    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_configure_falls_back_to_the_environment(api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISAGE_ENDPOINT", "http://from-env.test/")
    monkeypatch.setenv("VISAGE_MANAGEMENT_TOKEN", "env-token")
    api.get("http://from-env.test/mgmt/v1/tenant", json=TENANT,
            match=[responses.matchers.header_matcher({"Authorization": "Bearer env-token"})])
    assert Harness().configure(endpoint=None, token=None) == []


def test_the_provider_block_wins_over_the_environment(api: responses.RequestsMock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISAGE_ENDPOINT", "http://from-env.test")
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", json=TENANT)
    assert Harness().configure() == []


def test_missing_settings_name_the_environment_variables() -> None:
    diags = errors(Harness().configure(endpoint=None, token=None))
    assert [d.summary for d in diags] == ["Missing Visage endpoint", "Missing Visage token"]
    assert "VISAGE_ENDPOINT" in diags[0].detail and "VISAGE_MANAGEMENT_TOKEN" in diags[1].detail
    assert diags[0].path == ["endpoint"]


def test_an_endpoint_that_is_not_a_url_is_refused_before_any_call() -> None:
    diags = errors(Harness().configure(endpoint="127.0.0.1:8080"))
    assert diags[0].summary == "Invalid endpoint '127.0.0.1:8080'" and diags[0].path == ["endpoint"]


def test_a_wrong_token_is_a_clear_401_diagnostic(api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", **visage_error(401, "Unauthorized", "The management token is not valid."))
    [diag] = errors(Harness().configure(token="wrong"))
    assert "401" in diag.summary and "token" in diag.summary
    assert "The management token is not valid." in diag.detail
    assert "VISAGE_MANAGEMENT_TOKEN" in diag.detail and "management_token" in diag.detail


def test_an_unreachable_endpoint_names_it_and_the_connection_error() -> None:
    with responses.RequestsMock():  # nothing registered: every connection is refused
        [diag] = errors(Harness().configure(endpoint="http://127.0.0.1:9"))
    assert diag.summary == "Cannot reach Visage at http://127.0.0.1:9"
    assert "ConnectionError" in diag.detail and "visage up" in diag.detail


def test_resources_of_an_unconfigured_provider_say_so(api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", **visage_error(401, "Unauthorized", "The management token is not valid."))
    harness = Harness()
    harness.configure(token="wrong")
    state, diags = harness.read("visage_deployment", {"name": "face-1", "sku": "S0", "region": "westeurope",
                                                      "endpoint": ENDPOINT, "created_at": "x", "key1": None,
                                                      "key2": None})
    assert [d.summary for d in errors(diags)] == ["The Visage provider is not configured"]
    assert "checking its endpoint and token failed" in errors(diags)[0].detail
