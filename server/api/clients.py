"""Who is calling, for per-address limits: the socket peer, or X-Forwarded-For behind a proxy."""

from __future__ import annotations

from flask import current_app, request

from server.extensions import get_redis
from server.services import limits


def client_address() -> str:
    if current_app.config["TRUST_PROXY"]:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.remote_addr or "unknown"


def limit_per_address(scope: str, rate: tuple[int, int] | None) -> None:
    """Count this call against `rate` for the caller's address; 429 with Retry-After beyond it."""
    limits.take(get_redis(), f"{scope}:{client_address()}", rate, who="this address")
