"""Fault injection: the operator's faults hit data-plane calls exactly as declared, in Azure's
envelope, and change nothing: no state, no rate budget, no policy decision."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import defaults
from tests.support.faces import photo
from tests.support.tenants import Account, sign_up
from tests.support.terms import ADMIN

GROUPS = "/face/v1.2/largepersongroups"


def add_fault(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/admin/v1/faults", json=body, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def list_groups(client: FlaskClient, account: Account) -> Any:
    return client.get(GROUPS, headers=account.key_header)


def test_a_counted_503_hits_exactly_the_next_calls_then_disappears(client: FlaskClient) -> None:
    account = sign_up(client)
    fault = add_fault(client, deployment=account.deployment, operation="getLargePersonGroups", status=503, count=2,
                      retry_after=7)
    assert (fault["status"], fault["count"], fault["probability"], fault["latency_ms"]) == (503, 2, 1.0, 0)
    hit = [list_groups(client, account) for _ in range(2)]
    for answer in hit:
        assert answer.status_code == 503
        assert answer.get_json() == {"error": {
            "code": "ServiceUnavailable", "message": "The service is temporarily unavailable. Try again in 7 seconds."}}
        assert answer.headers["x-ms-error-code"] == "ServiceUnavailable"
        assert answer.headers["Retry-After"] == "7" and answer.headers["x-visage-fault"] == fault["id"]
        assert answer.headers["apim-request-id"]
    after = list_groups(client, account)
    assert after.status_code == 200 and "x-visage-fault" not in after.headers
    assert client.get("/admin/v1/faults", headers=ADMIN).get_json() == []


def test_the_largest_count_hits_and_counts_down(client: FlaskClient) -> None:
    account = sign_up(client)
    fault = add_fault(client, status=503, count=defaults.FAULT_MAX_COUNT)
    assert list_groups(client, account).headers["x-visage-fault"] == fault["id"]
    [listed] = client.get("/admin/v1/faults", headers=ADMIN).get_json()
    assert listed["count"] == defaults.FAULT_MAX_COUNT - 1


def test_the_hits_left_are_listed(client: FlaskClient) -> None:
    account = sign_up(client)
    fault = add_fault(client, status=500, count=3)
    list_groups(client, account)
    [listed] = client.get("/admin/v1/faults", headers=ADMIN).get_json()
    assert listed["id"] == fault["id"] and listed["count"] == 2 and listed["operation"] == "*"


def test_an_injected_429_is_azures_and_does_not_spend_the_rate_budget(app: Flask) -> None:
    app.config["RATE_LIMITS"] = {"F0": (2, 60), "S0": (2, 60)}
    client = app.test_client()
    account = sign_up(client)
    add_fault(client, status=429, count=3, retry_after=2)
    throttled = [list_groups(client, account) for _ in range(3)]
    assert [answer.status_code for answer in throttled] == [429, 429, 429]
    assert throttled[0].get_json() == {"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 2 "
                                                                           "seconds."}}
    assert throttled[0].headers["Retry-After"] == "2"
    # the real limit of 2 a minute is untouched by the three injected answers
    assert [list_groups(client, account).status_code for _ in range(3)] == [200, 200, 429]


def test_an_injected_error_changes_nothing(client: FlaskClient) -> None:
    account = sign_up(client)
    add_fault(client, operation="createLargePersonGroup", status=500)
    created = client.put(f"{GROUPS}/staff", json={"name": "Staff"}, headers=account.key_header)
    assert created.status_code == 500 and created.get_json()["error"]["code"] == "InternalServerError"
    assert created.headers["x-visage-fault"]
    assert client.get(f"{GROUPS}/staff", headers=account.key_header).status_code == 404


def test_an_injected_error_is_not_a_policy_decision(client: FlaskClient) -> None:
    account = sign_up(client)
    image = photo("people/obama/obama_small.jpg").read()

    def detect_age() -> Any:
        return client.post("/face/v1.2/detect?returnFaceAttributes=age", data=image, headers={
            **account.key_header, "Content-Type": "application/octet-stream"})

    def audit() -> list[Any]:
        return list(client.get("/mgmt/v1/audit", headers=account.bearer).get_json())

    assert detect_age().status_code == 403  # a refusal: decided and audited
    assert len(audit()) == 1
    add_fault(client, operation="detect", status=503)
    assert detect_age().status_code == 503
    assert len(audit()) == 1


def test_a_fault_for_one_tenants_deployment_spares_another_tenants_of_that_name(client: FlaskClient) -> None:
    first, second = sign_up(client), sign_up(client)
    assert first.deployment == second.deployment
    add_fault(client, tenant_id=first.tenant_id, deployment=first.deployment, status=503)
    assert list_groups(client, first).status_code == 503
    assert list_groups(client, second).status_code == 200
    add_fault(client, deployment=first.deployment, status=500)  # no tenant: that name in every tenant
    assert list_groups(client, second).status_code == 500


def test_a_fault_only_hits_its_operation(client: FlaskClient) -> None:
    account = sign_up(client)
    add_fault(client, operation="getLargeFaceLists", status=503)
    assert list_groups(client, account).status_code == 200
    assert client.get("/face/v1.2/largefacelists", headers=account.key_header).status_code == 503


def test_probability_zero_never_hits(client: FlaskClient) -> None:
    account = sign_up(client)
    add_fault(client, status=503, probability=0)
    assert {list_groups(client, account).status_code for _ in range(5)} == {200}


def test_a_delay_only_fault_lets_the_call_go_ahead_late_and_marked(client: FlaskClient) -> None:
    account = sign_up(client)
    fault = add_fault(client, status=None, latency_ms=300, count=1)
    started = time.monotonic()
    answer = list_groups(client, account)
    assert time.monotonic() - started >= 0.3
    assert answer.status_code == 200 and answer.headers["x-visage-fault"] == fault["id"]


def test_faults_never_touch_management_or_operator_calls(client: FlaskClient) -> None:
    account = sign_up(client)
    add_fault(client, status=500)
    assert client.get("/mgmt/v1/deployments", headers=account.bearer).status_code == 200
    assert client.get("/admin/v1/faults", headers=ADMIN).status_code == 200


@pytest.mark.parametrize(("body", "target"), [
    ({"status": 418}, "status"),
    ({"status": "503"}, "status"),
    ({"status": 503, "probability": 1.5}, "probability"),
    ({"status": 503, "probability": "0.5"}, "probability"),
    ({"status": 503, "latency_ms": -1}, "latency_ms"),
    ({"status": 503, "latency_ms": 60_000}, "latency_ms"),
    ({"status": 503, "count": 0}, "count"),
    ({"status": 503, "count": 10**20}, "count"),  # past Redis's 64-bit integers: every call would be a 500
    ({"status": 503, "count": 2**63}, "count"),
    ({"status": 503, "deployment": "-bad-"}, "deployment"),
    ({"status": 503, "operation": "detectEverything"}, "operation"),
    ({"status": None}, "status"),
    ({"status": 503, "colour": "red"}, "colour"),
    ({}, "status"),
])
def test_a_bad_fault_is_a_400_naming_the_field_and_adds_nothing(client: FlaskClient, body: dict[str, Any],
                                                                 target: str) -> None:
    answer = client.post("/admin/v1/faults", json=body, headers=ADMIN)
    assert answer.status_code == 400 and answer.get_json()["error"]["target"] == target, answer.get_json()
    assert client.get("/admin/v1/faults", headers=ADMIN).get_json() == []


def test_unknown_tenants_and_faults_are_404s(client: FlaskClient) -> None:
    assert client.post("/admin/v1/faults", json={"status": 503, "tenant_id": "nobody"},
                       headers=ADMIN).status_code == 404
    assert client.delete("/admin/v1/faults/nothing", headers=ADMIN).get_json()["error"]["code"] == "FaultNotFound"


def test_faults_are_the_operators_alone(client: FlaskClient) -> None:
    account = sign_up(client)
    assert client.post("/admin/v1/faults", json={"status": 503}, headers=account.bearer).status_code == 401
    assert client.get("/admin/v1/faults").status_code == 401


def test_a_deleted_fault_stops_hitting(client: FlaskClient) -> None:
    account = sign_up(client)
    fault = add_fault(client, status=503)
    assert list_groups(client, account).status_code == 503
    assert client.delete(f"/admin/v1/faults/{fault['id']}", headers=ADMIN).status_code == 204
    assert list_groups(client, account).status_code == 200
