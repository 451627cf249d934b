"""The public base URL (every deployment's endpoint), and the URLs built on it."""

from __future__ import annotations

from flask import current_app, g, request, url_for


def base_url() -> str:
    configured: str = current_app.config["PUBLIC_URL"]
    return (configured or request.host_url).rstrip("/")


def operation_location(operation_id: str) -> str:
    """The URL a client polls a long-running operation at (the operation-Location header)."""
    return base_url() + url_for("dataplane.get_operation", api_version=g.api_version, operation_id=operation_id)
