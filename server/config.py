"""Configuration: defaults, then the environment, then what the caller passes (tests).

Nothing reads the environment at import time; `create_app` calls `load_config` once.

Environment variables:
- `REDIS_URL`: the store and queue (default redis://127.0.0.1:6379/0).
- `VISAGE_ADMIN_TOKEN`: the operator's bearer token for /admin/v1 (`visage up` sets it).
- `VISAGE_PUBLIC_URL`: the base URL shown as every deployment's endpoint (default: the request's).
- `VISAGE_URL_ALLOWLIST`: comma-separated hosts or CIDR networks that image URLs may reach even
  though they are loopback or private (for local testing), e.g. `127.0.0.1/32,localhost`.
- `VISAGE_RATE_LIMITS`: `off`, or per-SKU `calls/seconds` like `F0=20/60,S0=10/1`.
- `VISAGE_SIGNUP_RATE_LIMIT`: `off` or `calls/seconds` per client address.
- `VISAGE_TRUST_PROXY`: the number of proxies in front of Visage (default 0): the client address is
  the entry that many places from the right of X-Forwarded-For, the one the outermost proxy wrote,
  never what a client wrote to its left (werkzeug's ProxyFix).
- `VISAGE_CORS_ORIGINS`: comma-separated origins whose browser apps may call the data plane and the
  management API (`https://app.example.com`), or `*`; default none.
- `VISAGE_REQUEST_LOG`: `off` to stop the JSON line per request on stderr (default on).
- `VISAGE_DATA_DIR`: the data dir of `visage up` (default ~/.visage): the audit key and checkpoints
  live there, so every API process and worker of a host needs it.
- `VISAGE_AUDIT_KEY`: the audit chain's HMAC key (at least 32 bytes), else a key file in the data dir.
- `VISAGE_AUDIT_CHECKPOINT_EVERY`: entries between two signed audit checkpoints (default 100).
- `VISAGE_AUTO_APPROVED_CUSTOMER_TYPES`: comma-separated customer types whose Limited Access is
  approved at signup (default commercial,education,healthcare,nonprofit,individual); the others
  wait for an operator's review.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from server import defaults
from server.domain import rates


def default_data_dir() -> Path:
    """$VISAGE_DATA_DIR, else ~/.visage: where `visage up` keeps its data and tools look for it."""
    return Path(os.environ.get("VISAGE_DATA_DIR", Path.home() / ".visage"))


def audit_checkpoint_every() -> int:
    every = int(os.environ.get("VISAGE_AUDIT_CHECKPOINT_EVERY", defaults.AUDIT_CHECKPOINT_EVERY))
    if every < 1:
        raise ValueError("VISAGE_AUDIT_CHECKPOINT_EVERY must be at least 1")
    return every


def parse_rate(text: str) -> tuple[int, int]:
    rate = rates.parse_rate(text)
    return rate.calls, rate.seconds


def parse_proxy_hops(text: str) -> int:
    """How many proxies in front of Visage append to X-Forwarded-For: `0` (none, the default), a
    count, or `true`/`yes` for one (the older spelling of `1`)."""
    value = text.strip().lower()
    if value in ("", "false", "no", "off"):
        return 0
    if value in ("true", "yes", "on"):
        return 1
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"VISAGE_TRUST_PROXY is the number of proxies in front of Visage, not {text!r}")
    return int(value)


def parse_rate_limits(text: str) -> dict[str, tuple[int, int]] | None:
    if text.strip().lower() in ("off", "none", ""):
        return None
    limits = dict(defaults.RATE_LIMITS)
    for part in text.split(","):
        sku, _, rate = part.partition("=")
        limits[sku.strip().upper()] = parse_rate(rate)
    return limits


def parse_cors_origins(text: str) -> list[str]:
    """`VISAGE_CORS_ORIGINS`: comma-separated origins (`https://app.example:8443`), or `*` for any."""
    origins = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item == "*":
            origins.append(item)
            continue
        parts = urlsplit(item)
        if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/")
                or parts.query or parts.fragment or parts.username):
            raise ValueError(f"VISAGE_CORS_ORIGINS lists origins like https://app.example.com:8443, not {item!r}")
        origins.append(item.rstrip("/"))
    return origins


def parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_customer_types(text: str | None) -> list[str]:
    from server.domain.review import AUTO_APPROVED_TYPES
    from server.domain.tenants import CustomerType

    if text is None:
        return sorted(member.value for member in AUTO_APPROVED_TYPES)
    known = {member.value for member in CustomerType}
    chosen = [item.lower() for item in parse_list(text)]
    if unknown := [item for item in chosen if item not in known]:
        raise ValueError(f"unknown customer types {unknown}; use any of {sorted(known)}")
    return chosen


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    config: dict[str, Any] = {
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "ADMIN_TOKEN": env.get("VISAGE_ADMIN_TOKEN", ""),
        "PUBLIC_URL": env.get("VISAGE_PUBLIC_URL", ""),
        "URL_ALLOWLIST": parse_list(env.get("VISAGE_URL_ALLOWLIST", "")),
        "RATE_LIMITS": parse_rate_limits(env.get("VISAGE_RATE_LIMITS", ",".join(
            f"{sku}={calls}/{seconds}" for sku, (calls, seconds) in defaults.RATE_LIMITS.items()))),
        "SIGNUP_RATE_LIMIT": (
            None if env.get("VISAGE_SIGNUP_RATE_LIMIT", "").lower() == "off"
            else parse_rate(env["VISAGE_SIGNUP_RATE_LIMIT"]) if env.get("VISAGE_SIGNUP_RATE_LIMIT")
            else defaults.SIGNUP_RATE_LIMIT
        ),
        "TRUST_PROXY": parse_proxy_hops(env.get("VISAGE_TRUST_PROXY", "")),
        "REQUEST_LOG": env.get("VISAGE_REQUEST_LOG", "on").strip().lower() not in ("off", "0", "false", "no"),
        "CORS_ORIGINS": parse_cors_origins(env.get("VISAGE_CORS_ORIGINS", "")),
        "MAX_CONTENT_LENGTH": defaults.MAX_IMAGE_BYTES + 64 * 1024,
        "AUTO_APPROVED_CUSTOMER_TYPES": parse_customer_types(env.get("VISAGE_AUTO_APPROVED_CUSTOMER_TYPES")),
    }
    if overrides:
        config.update(overrides)
    from server.vision.fetch import parse_allowlist

    parse_allowlist(config["URL_ALLOWLIST"])  # a typo should stop start-up, not fail every fetch later
    return config
