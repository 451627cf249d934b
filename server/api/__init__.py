"""The HTTP edge: one blueprint per surface, registered by `register_blueprints`."""

from __future__ import annotations

from flask import Flask

from server.api import (
    admin,
    collections,
    console,
    dataplane,
    detection,
    docs,
    health,
    management,
    management_browse,
    management_collections,
    media,
    metrics,
    person_directory,
    recognition,
    recovery,
    rekognition,
    signup,
)

SURFACES = (dataplane, media, rekognition, signup, management, admin, health, docs, metrics, console)
"""Modules that own a blueprint."""

DATA_PLANE_ROUTES = (detection, recognition, collections, person_directory)
"""Modules that add their routes to the data plane's blueprint (importing them registers them)."""

MANAGEMENT_ROUTES = (management_collections, management_browse)
"""Modules that add their routes to the management blueprint."""

SIGNUP_ROUTES = (recovery,)
"""Modules that add their routes (and pages) to the signup blueprint."""


def register_blueprints(app: Flask) -> None:
    for module in SURFACES:
        app.register_blueprint(module.bp)
