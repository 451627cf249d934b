"""Every data-plane route declares its operation class through the one mechanism."""

from __future__ import annotations

from flask import Flask

from server.api.dataplane import operation_class_of


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
