"""Deployments of a tenant: create, list, get, update, delete, regenerate a key."""

from __future__ import annotations

import dataclasses
import uuid

from server import defaults
from server.domain.clock import now
from server.domain.credentials import hash_secret, new_api_key
from server.domain.deployments import Deployment, KeyName, Sku
from server.store.deployments import DeploymentRepository


@dataclasses.dataclass(frozen=True)
class WithKeys:
    deployment: Deployment
    keys: dict[KeyName, str]


def create_deployment(tenant_id: str, name: str, sku: Sku, region: str, *,
                      deployments: DeploymentRepository) -> WithKeys:
    secrets = {key: new_api_key() for key in KeyName}
    deployment = Deployment(
        deployment_id=str(uuid.uuid4()),
        tenant_id=tenant_id,
        name=name,
        sku=sku,
        region=region,
        created_at=now(),
        key_hashes={key: hash_secret(secret) for key, secret in secrets.items()},
    )
    deployments.create(deployment, max_per_tenant=defaults.MAX_DEPLOYMENTS_PER_TENANT)
    return WithKeys(deployment, secrets)


def regenerate_key(tenant_id: str, name: str, key: KeyName, *, deployments: DeploymentRepository) -> WithKeys:
    secret = new_api_key()
    deployment = deployments.replace_key(tenant_id, name, key, hash_secret(secret))
    return WithKeys(deployment, {key: secret})
