"""The HTTP edge: one blueprint per surface, registered by `register_blueprints`."""

from __future__ import annotations

from flask import Flask

from server.api import (
    admin,
    collections,
    dataplane,
    detection,
    docs,
    health,
    management,
    management_collections,
    recognition,
    rekognition,
    signup,
)

SURFACES = (dataplane, rekognition, signup, management, admin, health, docs)
"""Modules that own a blueprint."""

DATA_PLANE_ROUTES = (detection, recognition, collections)
"""Modules that add their routes to the data plane's blueprint (importing them registers them)."""

MANAGEMENT_ROUTES = (management_collections,)
"""Modules that add their routes to the management blueprint."""


def register_blueprints(app: Flask) -> None:
    for module in SURFACES:
        app.register_blueprint(module.bp)
