"""Management token recovery: ask by email (request_recovery), the worker mails one-time links
(send_recovery_links), a link issues a new token and revokes the old one (recover_management_token).

The request answers the same, in the same time, whether or not a tenant uses the address: it only
counts the request and queues the lookup; what differs happens in a worker, out of the caller's sight.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from redis import Redis

from server.domain import emails
from server.domain.audit import token_recovery_event
from server.domain.clock import now
from server.domain.credentials import new_token
from server.domain.tenants import Tenant
from server.domain.token_recovery import (
    LINK_LIFETIME,
    LINK_SENT,
    REQUESTS_PER_ADDRESS,
    REQUESTS_PER_EMAIL,
    TOKEN_REPLACED,
    RecoveryLinkNotValid,
    mailbox_id,
)
from server.services import limits
from server.store.audit import AuditLog
from server.store.outbox import Outbox
from server.store.queues import queue
from server.store.recovery_links import RecoveryLink, RecoveryLinks
from server.store.tenants import TenantRepository

CONFIRM_PATH = "/signup/recover/confirm"
"""Where a recovery link points (served by server/api/recovery.py)."""

RECOVERY_JOB = "workers.jobs.send_token_recovery"


@dataclasses.dataclass(frozen=True)
class RecoveredToken:
    tenant: Tenant
    management_token: str
    """Shown once: only its hash is kept."""


def request_recovery(redis: Redis, email: str, *, client: str, base_url: str, request_id: str = "") -> None:
    """Count the request against the client's and the mailbox's limits (429 beyond them, whether or
    not the mailbox is a tenant's), then queue the lookup and the emails for a worker."""
    limits.take(redis, f"token-recovery-client:{client}", REQUESTS_PER_ADDRESS, who="this address")
    limits.take(redis, f"token-recovery-mailbox:{mailbox_id(email)}", REQUESTS_PER_EMAIL,
                who="anyone for this email address")
    queue(redis, "operations").enqueue(RECOVERY_JOB, email, base_url, request_id, result_ttl=0,
                                       failure_ttl=86_400)


def send_recovery_links(redis: Redis, email: str, *, base_url: str, request_id: str = "") -> int:
    """The worker's side: a one-time link, in the outbox, to each tenant whose contact address is this
    mailbox; how many were sent (none for an address no tenant uses)."""
    repository, links, outbox, audit = TenantRepository(redis), RecoveryLinks(redis), Outbox(redis), AuditLog(redis)
    sent = 0
    for tenant in repository.linked([mailbox_id(email)]):
        replaces = repository.management_token_hash(tenant.tenant_id)
        if replaces is None:
            continue
        secret, moment = new_token(), now()
        links.issue(secret, RecoveryLink(tenant.tenant_id, replaces), LINK_LIFETIME)
        link = f"{base_url}{CONFIRM_PATH}?{urlencode({'token': secret})}"
        outbox.send(emails.token_recovery_email(tenant, link, int(LINK_LIFETIME.total_seconds()) // 60, moment))
        audit.append_event(token_recovery_event(tenant, LINK_SENT, at=moment, request_id=request_id))
        sent += 1
    return sent


def recovery_link_works(redis: Redis, token: str) -> bool:
    """Whether a link can still be redeemed; opening it to look does not use it."""
    return bool(token) and RecoveryLinks(redis).exists(token)


def recover_management_token(redis: Redis, token: str, *, request_id: str = "") -> RecoveredToken:
    """Redeem a link: a new management token for its tenant, the old one revoked at once, the step
    audited and the tenant told by email. RecoveryLinkNotValid when the link is unknown, used,
    expired, or another recovery replaced the token since it was sent."""
    link = RecoveryLinks(redis).redeem(token) if token else None
    if link is None:
        raise RecoveryLinkNotValid()
    repository = TenantRepository(redis)
    issued = new_token()
    if not repository.replace_management_token(link.tenant_id, link.replaces, issued):
        raise RecoveryLinkNotValid()
    tenant = repository.get(link.tenant_id)
    if tenant is None:
        raise RecoveryLinkNotValid()
    moment = now()
    AuditLog(redis).append_event(token_recovery_event(tenant, TOKEN_REPLACED, at=moment, request_id=request_id))
    Outbox(redis).send(emails.token_replaced_email(tenant, moment))
    return RecoveredToken(tenant, issued)
