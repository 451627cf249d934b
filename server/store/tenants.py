"""Tenants in Redis: one hash each, an index by creation time, a management-token lookup."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from redis import Redis
from redis.client import Pipeline

from server.domain.credentials import hash_secret, secret_matches
from server.domain.linking import organization_link_keys
from server.domain.tenants import AccessReview, Tenant, TenantNotFound, TenantStatus
from server.store import keys
from server.store.codec import decode_hash, fields, text
from server.store.transactions import transaction

TOKEN_HASH_FIELD = "management_token_hash"

_REPLACE_TOKEN = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[3], ARGV[4])
return 1
"""


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
            for link_id in organization_link_keys(tenant):
                pipe.sadd(keys.tenants_by_link(link_id), tenant.tenant_id)
            pipe.execute()

    def linked(self, link_ids: Iterable[str], *, besides: str | None = None) -> list[Tenant]:
        """Tenants sharing any of these link keys (domain/linking.py), oldest first, `besides` aside."""
        self.index_links_once()
        ids = set().union(*(self.redis.smembers(keys.tenants_by_link(link_id)) for link_id in link_ids))
        tenants = [self.get(str(text(tenant_id))) for tenant_id in ids]
        found = [tenant for tenant in tenants if tenant is not None and tenant.tenant_id != besides]
        return sorted(found, key=lambda tenant: (tenant.created_at, tenant.tenant_id))

    def index_links_once(self) -> None:
        """Put every tenant in the link index, once: tenants stored before the index existed are
        linked too. Idempotent, so two processes doing it at once do no harm."""
        if self.redis.exists(keys.tenant_links_indexed()):
            return
        with self.redis.pipeline(transaction=False) as pipe:
            for tenant in self.list():
                for link_id in organization_link_keys(tenant):
                    pipe.sadd(keys.tenants_by_link(link_id), tenant.tenant_id)
            pipe.set(keys.tenant_links_indexed(), "1")
            pipe.execute()

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

    def management_token_hash(self, tenant_id: str) -> str | None:
        return text(self.redis.hget(keys.tenant(tenant_id), TOKEN_HASH_FIELD))

    def replace_management_token(self, tenant_id: str, replaces: str, token: str) -> bool:
        """Make `token` the tenant's management token and revoke the old one, in one step; False (and
        nothing changed) when the tenant's token is no longer the one whose hash is `replaces`."""
        new_hash = hash_secret(token)
        replaced = self.redis.eval(
            _REPLACE_TOKEN, 3, keys.tenant(tenant_id), keys.management_token(replaces), keys.management_token(new_hash),
            TOKEN_HASH_FIELD, replaces, new_hash, tenant_id)
        return bool(replaced)

    def list(self, status: TenantStatus | None = None, access: AccessReview | None = None) -> list[Tenant]:
        ids = [text(member) for member in self.redis.zrange(keys.tenants_by_creation(), 0, -1)]
        with self.redis.pipeline(transaction=False) as pipe:
            for tenant_id in ids:
                pipe.hgetall(keys.tenant(str(tenant_id)))
            records = pipe.execute()
        tenants = [Tenant.from_record(decode_hash(raw)) for raw in records if raw]
        return [t for t in tenants if (status is None or t.status is status) and (access is None or t.access is access)]
