"""Redis answers bytes; records are str. One place converts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def decode_hash(raw: Mapping[Any, Any], errors: str = "strict") -> dict[str, str]:
    return {key.decode(errors=errors): value.decode(errors=errors) for key, value in raw.items()}


def text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def fields(record: Mapping[str, str | bytes]) -> Mapping[Any, Any]:
    """A record as redis-py's hset wants it typed (its stubs accept no narrower mapping)."""
    return record


def blob(value: Any) -> bytes:
    """A binary value as Redis returned it (the client is never set to decode responses)."""
    if not isinstance(value, bytes):
        raise TypeError(f"expected bytes from Redis, got {type(value).__name__}")
    return value
