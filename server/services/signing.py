"""Signature Version 4 for the Rekognition surface: which deployment signed a request.

The access key id is the deployment's name and the secret either of its keys. Names are unique
per tenant only (every signup has a "starter"), so the name gives candidates, and the signature
says which of them made it: each candidate key is tried (a few microseconds of HMAC each) and
compared in constant time. A match counts only while the key is still the deployment's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from redis import Redis

from server.domain import sigv4
from server.domain.aws_errors import InvalidSignatureException, UnrecognizedClientException
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.credentials import secret_matches
from server.domain.deployments import Deployment, DeploymentNotFound, KeyName
from server.store.deployments import DeploymentRepository
from server.store.secret_files import KeyUnavailable
from server.store.signing_secrets import SigningSecrets
from server.store.tenants import TenantRepository

log = logging.getLogger(__name__)

NO_SIGNING_SECRET = (
    "The security token included in the request is invalid. (Visage: this access key id names no deployment "
    "whose keys it can check signatures with. Keys made before Signature Version 4 was supported, or under "
    "another server signing key, work again once regenerated.)"
)


def remember_keys(redis: Redis, deployment: Deployment, keys: Mapping[KeyName, str]) -> None:
    """Keep new keys for signature checks; a server without a usable signing key still serves Azure's
    key header, and says so in its log."""
    try:
        store = SigningSecrets(redis)
        for key_name, secret in keys.items():
            store.remember(deployment, key_name, secret)
    except KeyUnavailable as missing:
        log.warning("deployment %s: keys not kept for Signature Version 4: %s", deployment.name, missing)


def forget_keys(redis: Redis, deployment: Deployment) -> None:
    SigningSecrets(redis, key=b"").forget(deployment)  # deleting needs no server key


def authenticate_signature(redis: Redis, request: sigv4.HttpRequest, *, service: str) -> tuple[Caller, str]:
    """The caller whose key signed the request, and the region it signed for; AWS's exceptions for
    anything else (no or malformed signature, stale time, unsigned headers, unknown key, mismatch)."""
    auth = sigv4.parse_authorization(next(iter(request.values("authorization")), None), request.query)
    to_sign = sigv4.string_to_sign(request, auth, service=service, now=now())
    try:
        candidates = SigningSecrets(redis).candidates(auth.access_key)
    except KeyUnavailable as missing:
        log.error("Signature Version 4 cannot be checked: %s", missing)
        raise UnrecognizedClientException(NO_SIGNING_SECRET) from None
    if not candidates:
        raise UnrecognizedClientException(NO_SIGNING_SECRET)
    for stored in candidates:
        if not sigv4.signature_matches(stored.secret, auth, to_sign):
            continue
        try:
            deployment = DeploymentRepository(redis).get(stored.tenant_id, auth.access_key)
        except DeploymentNotFound:
            continue
        tenant = TenantRepository(redis).get(stored.tenant_id)
        if (tenant is not None and deployment.deployment_id == stored.deployment_id
                and secret_matches(stored.secret, deployment.key_hashes[stored.key_name])):
            return Caller(tenant, deployment), auth.region
    raise InvalidSignatureException()
