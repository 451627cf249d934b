"""The HTTP edge: one blueprint per surface, registered by `register_blueprints`."""

from __future__ import annotations

from flask import Flask

from server.api import admin, dataplane, detection, health, management, recognition, signup

SURFACES = (dataplane, signup, management, admin, health)
"""Modules that own a blueprint. detection and recognition add routes to the data plane's."""

_ROUTE_MODULES = (detection, recognition)


def register_blueprints(app: Flask) -> None:
    for module in SURFACES:
        app.register_blueprint(module.bp)
