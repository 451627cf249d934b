"""Tenants in Redis: one hash each, an index by creation time, a management-token lookup."""

from __future__ import annotations

from collections.abc import Callable

from redis import Redis
from redis.client import Pipeline

from server.domain.credentials import hash_secret, secret_matches
from server.domain.tenants import AccessReview, Tenant, TenantNotFound, TenantStatus
from server.store import keys
from server.store.codec import decode_hash, fields, text
from server.store.transactions import transaction

TOKEN_HASH_FIELD = "management_token_hash"


class TenantRepository:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def add(self, tenant: Tenant, management_token: str) -> None:
        token_hash = hash_secret(management_token)
        with self.redis.pipeline(transaction=True) as pipe:
            record = {**tenant.to_record(), TOKEN_HASH_FIELD: token_hash}
            pipe.hset(keys.tenant(tenant.tenant_id), mapping=fields(record))
            pipe.zadd(keys.tenants_by_creation(), {tenant.tenant_id: tenant.created_at.timestamp()})
            pipe.set(keys.management_token(token_hash), tenant.tenant_id)
            pipe.sadd(keys.tenants_by_email(hash_secret(tenant.email.casefold())), tenant.tenant_id)
            pipe.execute()

    def with_email(self, email: str) -> list[Tenant]:
        """Earlier tenants that signed up with this email address."""
        members = self.redis.smembers(keys.tenants_by_email(hash_secret(email.casefold())))
        ids = [str(text(member)) for member in members]
        return [tenant for tenant in (self.get(tenant_id) for tenant_id in sorted(ids)) if tenant is not None]

    def update(self, tenant_id: str, change: Callable[[Tenant], Tenant]) -> Tenant:
        """Apply a change to the stored tenant, again if another writer changed it meanwhile."""
        key = keys.tenant(tenant_id)

        def apply(pipe: Pipeline) -> Tenant:
            raw = pipe.hgetall(key)
            if not raw:
                raise TenantNotFound()
            changed = change(Tenant.from_record(decode_hash(raw)))
            pipe.multi()
            pipe.hset(key, mapping=fields(changed.to_record()))
            return changed

        return transaction(self.redis, apply, key)

    def get(self, tenant_id: str) -> Tenant | None:
        raw = self.redis.hgetall(keys.tenant(tenant_id))
        return Tenant.from_record(decode_hash(raw)) if raw else None

    def by_management_token(self, token: str) -> Tenant | None:
        tenant_id = text(self.redis.get(keys.management_token(hash_secret(token))))
        if tenant_id is None:
            return None
        raw = decode_hash(self.redis.hgetall(keys.tenant(tenant_id)))
        if not raw or not secret_matches(token, raw.get(TOKEN_HASH_FIELD, "")):
            return None
        return Tenant.from_record(raw)

    def list(self, status: TenantStatus | None = None, access: AccessReview | None = None) -> list[Tenant]:
        ids = [text(member) for member in self.redis.zrange(keys.tenants_by_creation(), 0, -1)]
        with self.redis.pipeline(transaction=False) as pipe:
            for tenant_id in ids:
                pipe.hgetall(keys.tenant(str(tenant_id)))
            records = pipe.execute()
        tenants = [Tenant.from_record(decode_hash(raw)) for raw in records if raw]
        return [t for t in tenants if (status is None or t.status is status) and (access is None or t.access is access)]
