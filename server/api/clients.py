"""Who is calling, for per-address limits: the socket peer, or X-Forwarded-For behind a proxy."""

from __future__ import annotations

from flask import current_app, request

from server.errors import RateLimited
from server.extensions import get_redis
from server.store import ratelimit


def client_address() -> str:
    if current_app.config["TRUST_PROXY"]:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.remote_addr or "unknown"


def limit_per_address(scope: str, rate: tuple[int, int] | None) -> None:
    limit(f"{scope}:{client_address()}", rate, who="this address")


def limit(scope: str, rate: tuple[int, int] | None, *, who: str) -> None:
    """Count one call against `rate` (calls, seconds) for `scope`; 429 with Retry-After beyond it."""
    if rate is None:
        return
    calls, seconds = rate
    retry_after = ratelimit.hit(get_redis(), scope, calls, seconds)
    if retry_after is not None:
        raise RateLimited(retry_after, f"Too many requests from {who}. Try again in {retry_after} seconds.")
