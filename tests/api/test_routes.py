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
