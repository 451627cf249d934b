"""The management client: error envelopes, connection errors and Retry-After."""

from __future__ import annotations

import pytest
import responses
from terraform_provider_visage import client as client_module
from terraform_provider_visage.client import ApiError, ManagementClient, Unreachable
from tf_harness import ENDPOINT, TOKEN


@pytest.fixture
def client() -> ManagementClient:
    return ManagementClient(f"{ENDPOINT}/", TOKEN)


def test_error_envelope_becomes_api_error(client: ManagementClient, api: responses.RequestsMock) -> None:
    api.post(f"{ENDPOINT}/mgmt/v1/deployments", status=400, headers={"x-ms-error-code": "BadArgument"},
             json={"error": {"code": "BadArgument", "message": "Unknown region.", "target": "region"}})
    with pytest.raises(ApiError) as raised:
        client.create_deployment("face-1", "S0", "mars")
    assert (raised.value.status, raised.value.code, raised.value.target) == (400, "BadArgument", "region")


def test_an_answer_that_is_not_an_envelope_still_says_what_happened(client: ManagementClient,
                                                                     api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", status=502, body="Bad Gateway")
    with pytest.raises(ApiError) as raised:
        client.get_tenant()
    assert raised.value.status == 502 and raised.value.message == "Bad Gateway"


def test_names_are_escaped_in_paths(client: ManagementClient, api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/deployments/a%2Fb/largepersongroups/c", json={})
    client.get_large_person_group("a/b", "c")


def test_connection_errors_become_unreachable(client: ManagementClient) -> None:
    with responses.RequestsMock(), pytest.raises(Unreachable) as raised:
        client.get_tenant()
    assert raised.value.endpoint == ENDPOINT and "ConnectionError" in raised.value.reason


def test_429_and_503_are_retried_after_retry_after(client: ManagementClient, api: responses.RequestsMock,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("terraform_provider_visage.client.time.sleep", waits.append)
    url = f"{ENDPOINT}/mgmt/v1/tenant"
    api.get(url, status=429, headers={"Retry-After": "2"}, json={"error": {"code": "429", "message": "slow down"}})
    api.get(url, status=503, headers={"Retry-After": "999"}, json={"error": {"code": "503", "message": "busy"}})
    api.get(url, json={"tenant_id": "t-1"})
    assert client.get_tenant() == {"tenant_id": "t-1"}
    assert waits == [2.0, client_module.RETRY_AFTER_MAX_SECONDS]


def test_retries_give_up(client: ManagementClient, api: responses.RequestsMock,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("terraform_provider_visage.client.time.sleep", lambda seconds: None)
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", status=503, json={"error": {"code": "503", "message": "busy"}})
    with pytest.raises(ApiError):
        client.get_tenant()
    assert len(api.calls) == client_module.RETRY_ATTEMPTS
