"""The public base URL: every deployment's endpoint."""

from __future__ import annotations

from flask import current_app, request


def base_url() -> str:
    configured: str = current_app.config["PUBLIC_URL"]
    return (configured or request.host_url).rstrip("/")
