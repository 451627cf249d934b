"""Who is calling, for per-address limits: the socket peer, or the address the proxies in front of
Visage saw.

Behind `VISAGE_TRUST_PROXY=<hops>` proxies, werkzeug's ProxyFix takes the client address from the
X-Forwarded-For entry `hops` places from the right: the one the outermost trusted proxy appended.
Entries to its left are whatever the client wrote and decide nothing.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from server.domain.rates import client_of
from server.extensions import get_redis
from server.services import limits


def trust_proxies(app: Flask) -> None:
    """Read the client address and scheme through `TRUST_PROXY` proxies (none: the socket peer).
    X-Forwarded-Host and -Prefix are not trusted: `VISAGE_PUBLIC_URL` says the public address."""
    hops = int(app.config["TRUST_PROXY"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0,  # type: ignore[method-assign]
                                x_prefix=0)


def client() -> str:
    """The caller as per-address limits count it: its IPv4 address or IPv6 /64 (server.domain.rates)."""
    return client_of(request.remote_addr or "unknown")


def limit_per_address(scope: str, rate: tuple[int, int] | None) -> None:
    """Count this call against `rate` for the caller's address; 429 with Retry-After beyond it."""
    limits.take(get_redis(), f"{scope}:{client()}", rate, who="this address")
