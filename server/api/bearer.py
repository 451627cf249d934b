"""Bearer tokens of the management API (a tenant's) and the operator API (the admin's)."""

from __future__ import annotations

import hmac

from flask import current_app, g, request

from server.domain.tenants import Tenant, TenantStatus, TenantSuspended
from server.errors import Unauthenticated
from server.extensions import get_redis
from server.services import tenants


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require_tenant() -> Tenant:
    token = bearer_token()
    if token is None:
        raise Unauthenticated("Missing management token: send 'Authorization: Bearer <management_token>'.",
                              code="Unauthorized")
    tenant = tenants.authenticate_management_token(get_redis(), token)
    if tenant is None:
        raise Unauthenticated("The management token is not valid.", code="Unauthorized")
    g.tenant_id = tenant.tenant_id  # for the request log
    return tenant


def require_writable_tenant() -> Tenant:
    """The caller's tenant, for a call that changes something: a suspended tenant may only read."""
    tenant = require_tenant()
    if tenant.status is TenantStatus.SUSPENDED:
        raise TenantSuspended()
    return tenant


def require_admin() -> None:
    token = bearer_token()
    expected: str = current_app.config["ADMIN_TOKEN"]
    if token is None:
        raise Unauthenticated("Missing admin token: send 'Authorization: Bearer <admin token>'.",
                              code="Unauthorized")
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthenticated("The admin token is not valid.", code="Unauthorized")
