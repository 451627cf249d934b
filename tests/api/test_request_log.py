"""One JSON line per request on stderr: who, what, how it ended and how long it took; never a key,
a token, a body or a query string."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.tenants import sign_up
from tests.support.terms import ADMIN


def lines(captured: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.readouterr().err.splitlines() if line.startswith("{")]


def test_a_data_plane_call_is_one_line_with_tenant_deployment_operation_status_and_time(
        client: FlaskClient, capsys: pytest.CaptureFixture[str]) -> None:
    account = sign_up(client)
    capsys.readouterr()
    answer = client.get("/face/v1.2/largepersongroups", headers=account.key_header)
    [line] = lines(capsys)
    assert line["apim-request-id"] == answer.headers["apim-request-id"]
    assert (line["tenant"], line["deployment"], line["operationId"], line["status"]) == (
        account.tenant_id, account.deployment, "getLargePersonGroups", 200)
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    assert line["time"].endswith("Z") and line["path"] == "/face/v1.2/largepersongroups"
    assert account.key1 not in json.dumps(line)


def test_refusals_and_failures_are_logged_without_the_secret_sent(client: FlaskClient,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    account = sign_up(client)
    capsys.readouterr()
    client.get("/face/v1.2/largepersongroups", headers={"Ocp-Apim-Subscription-Key": "not-my-key-" + "x" * 40})
    client.get("/mgmt/v1/tenant", headers=account.bearer)
    client.get("/admin/v1/tenants", headers={"Authorization": "Bearer guessed-admin-token"})
    client.get("/no/such/route")
    wrong_key, tenant, admin, unmatched = lines(capsys)
    assert (wrong_key["status"], wrong_key["tenant"], wrong_key["operationId"]) == (401, None, "getLargePersonGroups")
    assert (tenant["status"], tenant["tenant"], tenant["operationId"]) == (200, account.tenant_id, "getTenant")
    assert (admin["status"], admin["operationId"]) == (401, "adminListTenants")
    assert (unmatched["status"], unmatched["operationId"]) == (404, "unmatched")
    everything = json.dumps([wrong_key, tenant, admin, unmatched])
    for secret in ("not-my-key", account.token, "guessed-admin-token"):
        assert secret not in everything


def test_a_query_string_never_reaches_the_log(client: FlaskClient, capsys: pytest.CaptureFixture[str]) -> None:
    account = sign_up(client)
    link = next(email["link"] for email in client.get("/admin/v1/outbox", headers=ADMIN).get_json()
                if email["tenant_id"] == account.tenant_id)
    capsys.readouterr()
    parsed = urlparse(link)
    assert client.get(f"{parsed.path}?{parsed.query}").status_code == 200
    [line] = lines(capsys)
    assert line["path"] == "/signup/verify" and parsed.query not in json.dumps(line)


def test_bodies_are_not_logged(client: FlaskClient, capsys: pytest.CaptureFixture[str]) -> None:
    account = sign_up(client)
    capsys.readouterr()
    client.put("/face/v1.2/largepersongroups/staff", json={"name": "Very Private Name", "userData": "secret-data"},
               headers=account.key_header)
    [line] = lines(capsys)
    assert line["operationId"] == "createLargePersonGroup"
    assert "Very Private Name" not in json.dumps(line) and "secret-data" not in json.dumps(line)


def test_an_injected_fault_is_named(client: FlaskClient, capsys: pytest.CaptureFixture[str]) -> None:
    account = sign_up(client)
    fault = client.post("/admin/v1/faults", json={"status": 503, "count": 1}, headers=ADMIN).get_json()
    capsys.readouterr()
    client.get("/face/v1.2/largepersongroups", headers=account.key_header)
    [line] = lines(capsys)
    assert (line["status"], line["fault"], line["tenant"]) == (503, fault["id"], account.tenant_id)


def test_the_log_can_be_turned_off(app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    from server import create_app

    quiet = create_app({**app.config, "REQUEST_LOG": False})
    capsys.readouterr()
    quiet.test_client().get("/healthz")
    assert lines(capsys) == []
