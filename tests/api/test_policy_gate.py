"""No data-plane route bypasses the terms of use: each one asks them before its view runs."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from server.api.contract import contract_of
from server.api.dataplane import operation_class_of
from tests.support.tenants import sign_up
from tests.support.terms import ADMIN


def test_every_data_plane_route_refuses_a_suspended_tenant_before_its_view_runs(app: Flask,
                                                                                client: FlaskClient) -> None:
    account = sign_up(client)
    client.post(f"/admin/v1/tenants/{account.tenant_id}/suspend", json={"reason": "test"}, headers=ADMIN)
    adapter = app.url_map.bind("localhost")
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/face/"):
            continue
        view = app.view_functions[rule.endpoint]
        assert operation_class_of(view) is not None, rule.rule
        newest = contract_of(view).api_versions[-1]  # type: ignore[union-attr]
        values = {name: newest if name == "api_version" else "x1" for name in rule.arguments}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(adapter.build(rule.endpoint, values, method=method), method=method, json={},
                                   headers=account.key_header)
            assert response.status_code == 403, (method, rule.rule, response.get_json())
            assert response.get_json()["error"]["code"] == "TenantSuspended", (method, rule.rule)
            checked.append((method, rule.rule))
    assert ("POST", "/face/<api_version>/detect") in checked and ("POST", "/face/<api_version>/verify") in checked
