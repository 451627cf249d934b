"""Deployments of a tenant: create, list, get, update, delete, regenerate a key; and the data
plane's authentication of a deployment key."""

from __future__ import annotations

import dataclasses
import uuid

from redis import Redis

from server import defaults
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.credentials import hash_secret, new_api_key
from server.domain.deployments import Deployment, KeyName, PublishedDeployment, Sku
from server.domain.tenants import Tenant
from server.errors import Unauthenticated
from server.services import signing
from server.store.deployments import DeploymentRepository
from server.store.queues import queue
from server.store.tenants import TenantRepository

PURGE_JOB = "workers.jobs.purge_deployment"


def authenticate_key(redis: Redis, key: str) -> Caller:
    """The deployment a data-plane key belongs to, and its tenant; 401 for any other key."""
    deployment = DeploymentRepository(redis).by_api_key(key.strip())
    tenant = TenantRepository(redis).get(deployment.tenant_id) if deployment is not None else None
    if deployment is None or tenant is None:
        raise Unauthenticated()
    return Caller(tenant, deployment)


def caller_for(redis: Redis, tenant: Tenant, name: str, request_id: str = "") -> Caller:
    """A tenant acting on one of its deployments by name (the management API); 404 for any other name."""
    return Caller(tenant, DeploymentRepository(redis).get(tenant.tenant_id, name), request_id)


def create_deployment(redis: Redis, tenant: Tenant, name: str, sku: Sku, region: str, *,
                      endpoint: str) -> PublishedDeployment:
    """A new deployment with two fresh keys, shown in this answer only."""
    secrets = {key: new_api_key() for key in KeyName}
    deployment = Deployment(
        deployment_id=str(uuid.uuid4()),
        tenant_id=tenant.tenant_id,
        name=name,
        sku=sku,
        region=region,
        created_at=now(),
        key_hashes={key: hash_secret(secret) for key, secret in secrets.items()},
    )
    DeploymentRepository(redis).create(deployment, max_per_tenant=defaults.MAX_DEPLOYMENTS_PER_TENANT)
    signing.remember_keys(redis, deployment, secrets)
    return PublishedDeployment(deployment, endpoint, {key.value: secret for key, secret in secrets.items()})


def list_deployments(redis: Redis, tenant: Tenant, *, endpoint: str) -> list[PublishedDeployment]:
    return [PublishedDeployment(d, endpoint) for d in DeploymentRepository(redis).list(tenant.tenant_id)]


def get_deployment(redis: Redis, tenant: Tenant, name: str, *, endpoint: str) -> PublishedDeployment:
    return PublishedDeployment(DeploymentRepository(redis).get(tenant.tenant_id, name), endpoint)


def update_deployment(redis: Redis, tenant: Tenant, name: str, sku: Sku, *, endpoint: str) -> PublishedDeployment:
    """Change the SKU in place; name and region cannot change."""
    return PublishedDeployment(DeploymentRepository(redis).update_sku(tenant.tenant_id, name, sku), endpoint)


def delete_deployment(redis: Redis, tenant: Tenant, name: str) -> None:
    """Its keys stop working at once; a worker purges its data."""
    deleted = DeploymentRepository(redis).delete(tenant.tenant_id, name)
    signing.forget_keys(redis, deleted)
    queue(redis, "purges").enqueue(PURGE_JOB, deleted.deployment_id)


def regenerate_key(redis: Redis, tenant: Tenant, name: str, key: KeyName, *, endpoint: str) -> PublishedDeployment:
    """Replace one key: the old one stops working at once, the other keeps working."""
    secret = new_api_key()
    deployment = DeploymentRepository(redis).replace_key(tenant.tenant_id, name, key, hash_secret(secret))
    signing.remember_keys(redis, deployment, {key: secret})
    return dataclasses.replace(PublishedDeployment(deployment, endpoint), keys={key.value: secret})
