"""Deployment keys kept for Signature Version 4, encrypted at rest.

Azure's key header carries the key itself, so Visage stores only its hash. A SigV4 request carries
an HMAC made with the key instead, and checking it needs the key: Visage keeps a copy of each key,
encrypted with AES-256-GCM under a server key that lives outside Redis (`VISAGE_SIGNING_KEY`, else
`signing.key` in the data dir, made once with mode 0600, like the audit key). Whoever reads Redis
alone learns nothing; whoever has Redis and that key file has the deployment keys. Hosts sharing
one Redis must share the key.

Each ciphertext is bound (as AES-GCM associated data) to its tenant, deployment id and key name,
so a ciphertext copied to another slot does not decrypt; and a decrypted key counts only while its
hash is still the deployment's (a regenerated or deleted key stops at once).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from redis import Redis

from server.domain.deployments import Deployment, KeyName
from server.store import keys
from server.store.codec import decode_hash
from server.store.secret_files import KeyUnavailable, data_dir_key

log = logging.getLogger(__name__)

KEY_ENV = "VISAGE_SIGNING_KEY"
KEY_FILE = "signing.key"
NONCE_BYTES = 12
KEY_CONTEXT = b"visage: deployment keys for Signature Version 4\n"
"""Mixed into the server key before it is used, so that the same configured secret used for
another purpose gives another AES key."""


class SigningKeyUnavailable(KeyUnavailable):
    """The server key is missing or unusable: no deployment key can be stored or read for SigV4."""


@dataclasses.dataclass(frozen=True)
class StoredSecret:
    tenant_id: str
    deployment_id: str
    key_name: KeyName
    secret: str


def server_key(data_dir: Path | None = None) -> bytes:
    configured = data_dir_key(KEY_ENV, KEY_FILE, data_dir, error=SigningKeyUnavailable, what="signing key")
    return hashlib.sha256(KEY_CONTEXT + configured).digest()


class SigningSecrets:
    def __init__(self, redis: Redis, key: bytes | None = None) -> None:
        self.redis = redis
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = server_key()
        return self._key

    def remember(self, deployment: Deployment, key_name: KeyName, secret: str) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.key).encrypt(nonce, secret.encode("utf-8"), _context(deployment.tenant_id,
                                                                                 deployment.deployment_id, key_name))
        value = f"{deployment.deployment_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"
        self.redis.hset(keys.signing_secrets(deployment.name), _field(deployment.tenant_id, key_name), value)

    def forget(self, deployment: Deployment) -> None:
        self.redis.hdel(keys.signing_secrets(deployment.name),
                        *(_field(deployment.tenant_id, key_name) for key_name in KeyName))

    def candidates(self, deployment_name: str) -> list[StoredSecret]:
        """The keys of every deployment with this name that decrypt; one that does not (written under
        another server key, or tampered with) is skipped and logged."""
        found = []
        for field, value in decode_hash(self.redis.hgetall(keys.signing_secrets(deployment_name))).items():
            tenant_id, _, key_name = field.rpartition("/")
            deployment_id, _, sealed = value.partition(":")
            try:
                raw = base64.b64decode(sealed, validate=True)
                name = KeyName(key_name)
                secret = AESGCM(self.key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                  _context(tenant_id, deployment_id, name))
            except (ValueError, InvalidTag):
                log.warning("a stored signing secret of deployment %s (tenant %s) does not decrypt under this "
                            "server's signing key", deployment_name, tenant_id)
                continue
            found.append(StoredSecret(tenant_id, deployment_id, name, secret.decode("utf-8")))
        return found


def _field(tenant_id: str, key_name: KeyName) -> str:
    return f"{tenant_id}/{key_name.value}"


def _context(tenant_id: str, deployment_id: str, key_name: KeyName) -> bytes:
    return f"{tenant_id}/{deployment_id}/{key_name.value}".encode()
