"""How the provider calls Visage: through `visage-sdk`, with the SDK's one retry rule (Retry-After honoured;
an unsafe POST never repeated) and its errors turned into diagnostics that say what happened."""

from __future__ import annotations

import pytest
import responses
from tf_harness import ENDPOINT, TENANT, Harness, errors, visage_error

DEPLOYMENTS = f"{ENDPOINT}/mgmt/v1/deployments"
DEPLOYMENT = {"name": "face-1", "sku": "F0", "region": "westeurope"}
VIEW = {**DEPLOYMENT, "endpoint": ENDPOINT, "created_at": "2025-01-01T00:00:00.000Z"}
GROUP_URL = f"{DEPLOYMENTS}/face-1/largepersongroups/staff"
GROUP = {"deployment": "face-1", "id": "staff", "name": "Staff"}
BUSY = visage_error(503, "ServiceUnavailable", "Visage is busy.")


def calls_to(api: responses.RequestsMock, method: str, url: str) -> int:
    return sum(1 for call in api.calls if call.request.method == method and call.request.url == url)


def test_the_provider_calls_through_the_sdk(harness: Harness, api: responses.RequestsMock) -> None:
    headers = api.calls[0].request.headers  # configuring checked the token
    assert headers["User-Agent"].startswith("visage-sdk/") and headers["x-ms-client-request-id"]


def test_a_get_is_retried_after_429_and_503_at_their_retry_after(harness: Harness,
                                                                  api: responses.RequestsMock) -> None:
    url = f"{ENDPOINT}/mgmt/v1/tenant"
    api.get(url, status=429, headers={"Retry-After": "2"}, json={"error": {"code": "429", "message": "slow down"}})
    api.get(url, status=503, headers={"Retry-After": "3"}, json={"error": {"code": "503", "message": "busy"}})
    api.get(url, json=TENANT)
    state, diags = harness.read_data("visage_tenant", {})
    assert diags == [] and state is not None and state["tenant_id"] == TENANT["tenant_id"]
    assert harness.clock.sleeps == [2.0, 3.0]


def test_a_retry_after_longer_than_the_sdk_waits_fails_at_once(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{DEPLOYMENTS}/face-1", status=429, headers={"Retry-After": "3600", "x-ms-error-code": "429"},
            json={"error": {"code": "429", "message": "Rate limit is exceeded."}})
    _, diags = harness.read_data("visage_deployment", {"name": "face-1"})
    [diag] = errors(diags)
    assert "429" in diag.summary and "rate-limiting" in diag.detail
    assert harness.clock.sleeps == []


def test_retries_give_up_and_the_last_answer_is_reported(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{DEPLOYMENTS}/face-1", **BUSY)  # answers every attempt
    _, diags = harness.read_data("visage_deployment", {"name": "face-1"})
    assert "503 ServiceUnavailable" in errors(diags)[0].summary
    assert calls_to(api, "GET", f"{DEPLOYMENTS}/face-1") == 1 + len(harness.clock.sleeps) == 4


@pytest.mark.parametrize(("type_name", "config", "url"), [
    ("visage_deployment", DEPLOYMENT, DEPLOYMENTS),
    ("visage_deployment_key_rotation", {"deployment": "face-1", "key_name": "key1"},
     f"{DEPLOYMENTS}/face-1/regenerateKey"),
])
def test_a_post_is_never_repeated_after_503(harness: Harness, api: responses.RequestsMock, type_name: str,
                                            config: dict[str, str], url: str) -> None:
    """A 503 may come after the server did the work: creating a deployment or regenerating a key twice is not
    the same as once, so the provider reports the 503 instead of trying again."""
    api.post(url, **BUSY)
    state, diags = harness.create(type_name, config)
    assert state is None and "503 ServiceUnavailable" in errors(diags)[0].summary
    assert calls_to(api, "POST", url) == 1 and harness.clock.sleeps == []


def test_a_post_is_repeated_after_429_which_refuses_before_any_work(harness: Harness,
                                                                     api: responses.RequestsMock) -> None:
    api.post(DEPLOYMENTS, status=429, headers={"Retry-After": "1"}, json={"error": {"code": "429", "message": "wait"}})
    api.post(DEPLOYMENTS, status=201, json={**VIEW, "keys": {"key1": "k1", "key2": "k2"}})
    state, diags = harness.create("visage_deployment", DEPLOYMENT)
    assert diags == [] and state is not None and state["key1"] == "k1"
    assert calls_to(api, "POST", DEPLOYMENTS) == 2 and harness.clock.sleeps == [1.0]


def test_a_put_that_conflicts_after_a_retry_says_the_retry_may_have_made_it(harness: Harness,
                                                                           api: responses.RequestsMock) -> None:
    api.put(GROUP_URL, **BUSY)
    api.put(GROUP_URL, **visage_error(409, "LargePersonGroupExists", "Large person group 'staff' already exists."))
    _, diags = harness.create("visage_large_person_group", GROUP)
    [diag] = errors(diags)
    assert "409 LargePersonGroupExists" in diag.summary
    assert "earlier attempt" in diag.detail and "terraform import" in diag.detail


def test_an_answer_that_is_not_an_envelope_still_says_what_happened(harness: Harness,
                                                                     api: responses.RequestsMock) -> None:
    api.get(f"{ENDPOINT}/mgmt/v1/tenant", status=502, body="Bad Gateway")
    _, diags = harness.read_data("visage_tenant", {})
    [diag] = errors(diags)
    assert diag.summary == "Reading the tenant failed: Visage answered 502"
    assert diag.detail == "Reading the tenant: Bad Gateway"


def test_an_answer_of_the_wrong_shape_is_a_diagnostic(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{DEPLOYMENTS}/face-1", json={"name": "face-1"})
    state, diags = harness.read_data("visage_deployment", {"name": "face-1"})
    [diag] = errors(diags)
    assert state is None and diag.summary == "Reading deployment 'face-1' failed: Visage's answer could not be read"
    assert "sku" in diag.detail


def test_names_are_escaped_in_paths(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{DEPLOYMENTS}/a%2Fb/largepersongroups/c", json={"largePersonGroupId": "c", "name": "C",
                                                             "recognitionModel": "recognition_01"})
    state, diags = harness.read("visage_large_person_group", {**GROUP, "deployment": "a/b", "id": "c",
                                                              "user_data": None, "recognition_model": None})
    assert diags == [] and state is not None and state["name"] == "C"
