"""Every Redis key Visage uses, built in one place.

Tenant-owned data lives under the tenant's or the deployment's id, so that deleting them is a
prefix scan and one tenant's key can never name another's data.
"""

from __future__ import annotations

PREFIX = "visage"


def tenant(tenant_id: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}"


def tenants_by_creation() -> str:
    """Sorted set of tenant ids scored by creation time."""
    return f"{PREFIX}:tenants"


def management_token(token_hash: str) -> str:
    """Hash of a management token -> tenant id."""
    return f"{PREFIX}:management-token:{token_hash}"


def deployment(tenant_id: str, name: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}:deployment:{name}"


def deployment_names(tenant_id: str) -> str:
    return f"{PREFIX}:tenant:{tenant_id}:deployments"


def api_key(key_hash: str) -> str:
    """Hash of a deployment key -> "tenant_id/deployment name/key name"."""
    return f"{PREFIX}:api-key:{key_hash}"


def deployment_data_prefix(deployment_id: str) -> str:
    """Everything stored on behalf of one deployment (collections, snapshots) starts with this."""
    return f"{PREFIX}:deployment:{deployment_id}:"


def face(face_id: str) -> str:
    """A detected face (faceId): its embedding, owner and capture context, with Azure's TTL."""
    return f"{PREFIX}:face:{face_id}"


def rate_window(scope: str, window_start: int) -> str:
    return f"{PREFIX}:rate:{scope}:{window_start}"


def outbox() -> str:
    """List of emails Visage would have sent, newest first."""
    return f"{PREFIX}:outbox"


def email_verification(token_hash: str) -> str:
    return f"{PREFIX}:email-verification:{token_hash}"


def audit_stream() -> str:
    return f"{PREFIX}:audit"
