"""Deployments in Redis, and the key index that authenticates data-plane calls.

A key is found by its hash, then compared in constant time with the hash on the deployment: an
index entry left behind by a racing regeneration therefore never authenticates.
"""

from __future__ import annotations

import dataclasses

from redis import Redis
from redis.client import Pipeline

from server.domain.credentials import hash_secret, secret_matches
from server.domain.deployments import (
    Deployment,
    DeploymentExists,
    DeploymentNotFound,
    DeploymentQuotaExceeded,
    KeyName,
    Sku,
)
from server.store import keys
from server.store.codec import decode_hash, fields, text
from server.store.transactions import transaction


def _key_reference(deployment: Deployment, key: KeyName) -> str:
    return f"{deployment.tenant_id}/{deployment.name}/{key.value}"


class DeploymentRepository:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def create(self, deployment: Deployment, *, max_per_tenant: int) -> None:
        names = keys.deployment_names(deployment.tenant_id)

        def create_if_free(pipe: Pipeline) -> None:
            if pipe.sismember(names, deployment.name):
                raise DeploymentExists(f"Deployment '{deployment.name}' already exists.")
            if pipe.scard(names) >= max_per_tenant:
                raise DeploymentQuotaExceeded(f"Deployment number reached tenant level limit ({max_per_tenant}).")
            pipe.multi()
            pipe.sadd(names, deployment.name)
            pipe.hset(keys.deployment(deployment.tenant_id, deployment.name), mapping=fields(deployment.to_record()))
            for key, digest in deployment.key_hashes.items():
                pipe.set(keys.api_key(digest), _key_reference(deployment, key))

        transaction(self.redis, create_if_free, names)

    def get(self, tenant_id: str, name: str) -> Deployment:
        raw = self.redis.hgetall(keys.deployment(tenant_id, name))
        if not raw:
            raise DeploymentNotFound(f"Deployment '{name}' is not found.")
        return Deployment.from_record(decode_hash(raw))

    def list(self, tenant_id: str) -> list[Deployment]:
        names = sorted(str(text(n)) for n in self.redis.smembers(keys.deployment_names(tenant_id)))
        with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(keys.deployment(tenant_id, name))
            records = pipe.execute()
        return [Deployment.from_record(decode_hash(raw)) for raw in records if raw]

    def delete(self, tenant_id: str, name: str) -> Deployment:
        deployment = self.get(tenant_id, name)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(keys.deployment_names(tenant_id), name)
            pipe.delete(keys.deployment(tenant_id, name))
            for digest in deployment.key_hashes.values():
                pipe.delete(keys.api_key(digest))
            pipe.execute()
        return deployment

    def replace_key(self, tenant_id: str, name: str, key: KeyName, new_hash: str) -> Deployment:
        record_key = keys.deployment(tenant_id, name)

        def replace(pipe: Pipeline) -> Deployment:
            raw = pipe.hgetall(record_key)
            if not raw:
                raise DeploymentNotFound(f"Deployment '{name}' is not found.")
            deployment = Deployment.from_record(decode_hash(raw))
            old_hash = deployment.key_hashes[key]
            deployment.key_hashes[key] = new_hash
            pipe.multi()
            pipe.hset(record_key, f"{key.value}_hash", new_hash)
            pipe.delete(keys.api_key(old_hash))
            pipe.set(keys.api_key(new_hash), _key_reference(deployment, key))
            return deployment

        return transaction(self.redis, replace, record_key)

    def by_api_key(self, secret: str) -> Deployment | None:
        reference = text(self.redis.get(keys.api_key(hash_secret(secret))))
        if reference is None:
            return None
        tenant_id, name, key_name = reference.split("/")
        raw = self.redis.hgetall(keys.deployment(tenant_id, name))
        if not raw:
            return None
        deployment = Deployment.from_record(decode_hash(raw))
        if not secret_matches(secret, deployment.key_hashes[KeyName(key_name)]):
            return None
        return deployment

    def update_sku(self, tenant_id: str, name: str, sku: Sku) -> Deployment:
        record_key = keys.deployment(tenant_id, name)

        def update(pipe: Pipeline) -> Deployment:
            raw = pipe.hgetall(record_key)
            if not raw:
                raise DeploymentNotFound(f"Deployment '{name}' is not found.")
            pipe.multi()
            pipe.hset(record_key, "sku", sku.value)
            return dataclasses.replace(Deployment.from_record(decode_hash(raw)), sku=sku)

        return transaction(self.redis, update, record_key)
