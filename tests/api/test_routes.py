"""Every data-plane route declares its operation class through the one mechanism, and every route
reads bodies the same way."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from server.api.dataplane import operation_class_of
from tests.support.tenants import sign_up
from tests.support.terms import ADMIN


def test_every_data_plane_route_declares_an_operation_class(app: Flask) -> None:
    data_plane = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/face/")]
    assert data_plane, "no data-plane routes registered"
    missing = [rule.rule for rule in data_plane if operation_class_of(app.view_functions[rule.endpoint]) is None]
    assert missing == []


def test_no_data_plane_route_lives_outside_the_data_plane_blueprint(app: Flask) -> None:
    outside = [rule.rule for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/face/") and not rule.endpoint.startswith("dataplane.")]
    assert outside == []


def test_a_method_a_route_does_not_take_is_a_405_naming_the_ones_it_does(app: Flask) -> None:
    answer = app.test_client().delete("/signup")
    assert answer.status_code == 405 and answer.get_json()["error"]["code"] == "405"
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}  # RFC 9110: a 405 says what is allowed


def test_json_nested_deeper_than_the_parser_goes_is_a_json_parsing_error_on_every_surface(
        client: FlaskClient) -> None:
    account = sign_up(client)
    deep = "[" * 100_000 + "]" * 100_000
    for path, headers in [("/signup", {}), ("/face/v1.2/identify", account.key_header),
                          ("/face/v1.2-preview.1/persons", account.key_header),
                          ("/mgmt/v1/deployments", account.bearer), ("/admin/v1/faults", ADMIN)]:
        answer = client.post(path, data=deep, content_type="application/json", headers=headers)
        assert answer.status_code == 400, (path, answer.get_data()[:200])
        assert answer.get_json()["error"] == {"code": "BadArgument", "message": "JSON parsing error."}
