"""Secrets: generated at random, shown once, stored only as hashes, compared in constant time.

Keys and tokens carry 256 random bits, so a plain SHA-256 is a sound one-way hash for them (a
slow password hash would only slow every API call down); lookups go by the hash and the final
comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from server import defaults


def new_api_key() -> str:
    return secrets.token_hex(defaults.API_KEY_BYTES)


def new_token() -> str:
    return secrets.token_urlsafe(defaults.TOKEN_BYTES)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret).encode(), stored_hash.encode())
