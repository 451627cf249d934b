"""Reading the audit trail: the operator reads every tenant's decisions, a tenant its own."""

from __future__ import annotations

from redis import Redis

from server.store.audit import AuditLog


def list_audit(redis: Redis, *, limit: int, tenant_id: str | None = None) -> list[dict[str, object]]:
    """Decisions, newest first; only one tenant's when `tenant_id` is given."""
    log = AuditLog(redis)
    return log.newest_of_tenant(tenant_id, limit) if tenant_id else log.newest(limit)
