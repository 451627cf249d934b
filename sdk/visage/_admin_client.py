"""`AdminClient`: the operator API (/admin/v1), with the admin token `visage up` prints."""

from __future__ import annotations

from typing import Unpack

from visage import _fault_requests as faults
from visage import _management_requests as build
from visage import _trust_anchor_requests as trust_list
from visage._client_base import BaseClient, ClientOptions, check_secret
from visage._decode import decode, decode_list
from visage._management_client import bearer
from visage._paging import ItemPaged, single_page
from visage.enums import CustomerType, DeviceClass, LimitedAccess, ReviewDecision, TenantStatus
from visage.models import AdminTenant, AuditEntry, Fault, OutboxMessage, Tenant, TrustAnchor


class AdminClient(BaseClient):
    """Review, suspend and reinstate tenants; keep the trust list of capture-device CAs; read the audit
    trail and the outbox; inject faults. Method names are the operator API's operationIds in
    snake_case, without `admin` (adminAddTrustAnchor is `add_trust_anchor`)."""

    def __init__(self, endpoint: str, admin_token: str, **options: Unpack[ClientOptions]) -> None:
        """`options`: `timeout`, `retry`, `session`, `clock` (see `ClientOptions`)."""
        token = check_secret(admin_token, "admin_token")
        super().__init__(endpoint, path="", auth_headers=lambda: bearer(token), options=options)

    def list_tenants(self, *, status: TenantStatus | str | None = None,
                     limited_access: LimitedAccess | str | None = None) -> ItemPaged[Tenant]:
        """Every tenant, oldest first, optionally only those with a status or review state."""
        request = build.build_admin_list_tenants_request(
            status=str(status) if status is not None else None,
            limited_access=str(limited_access) if limited_access is not None else None)
        return single_page(lambda: decode_list(Tenant, self._transport.send(request)))

    def get_tenant(self, tenant_id: str) -> AdminTenant:
        """The tenant as the operator sees it: whether approving needs its customer type stated
        (`customer_type_to_confirm`) and the other tenants of its organization (`linked_tenants`)."""
        return decode(AdminTenant, self._transport.send(build.build_admin_get_tenant_request(tenant_id)))

    def review_tenant(self, tenant_id: str, *, decision: ReviewDecision | str, reason: str,
                      customer_type: CustomerType | str | None = None, country: str | None = None) -> Tenant:
        """Approve or reject Limited Access, optionally correcting the customer type and the country
        (ISO 3166-1 alpha-2). A signup that could be police must have its customer type stated."""
        return decode(Tenant, self._transport.send(build.build_review_tenant_request(
            tenant_id, decision=decision, reason=reason, customer_type=customer_type, country=country)))

    def suspend_tenant(self, tenant_id: str, *, reason: str) -> Tenant:
        """Suspend a tenant: its keys and token stop working until reinstated."""
        return decode(Tenant, self._transport.send(build.build_suspend_tenant_request(tenant_id, reason=reason)))

    def reinstate_tenant(self, tenant_id: str, *, reason: str) -> Tenant:
        return decode(Tenant, self._transport.send(build.build_reinstate_tenant_request(tenant_id, reason=reason)))

    # The trust list: capture-device certificate authorities (C2PA provenance)

    def add_trust_anchor(self, name: str, certificate: str | bytes, device_class: DeviceClass | str) -> TrustAnchor:
        """List a CA (one PEM certificate with CA=true, valid now) whose devices' signed captures are
        then trusted, their camera being `device_class`. Raises `InvalidRequestError` for anything
        else (a device's own certificate, a chain, a key, an expired CA) and `ConflictError`
        (TrustAnchorExists) when the CA is listed already. POST: not retried once it may have
        reached the server."""
        return decode(TrustAnchor, self._transport.send(trust_list.build_add_trust_anchor_request(
            name, certificate, device_class)))

    def list_trust_anchors(self) -> ItemPaged[TrustAnchor]:
        """The trust list, oldest first."""
        return single_page(lambda: decode_list(TrustAnchor, self._transport.send(
            trust_list.build_list_trust_anchors_request())))

    def delete_trust_anchor(self, anchor_id: str) -> None:
        """Remove a CA from the trust list, at once: faces trusted under it count as untrusted from
        then on (a leaked key, say). Raises `NotFoundError` when there is no such anchor."""
        self._transport.send(trust_list.build_delete_trust_anchor_request(anchor_id))

    def list_audit(self, *, tenant_id: str | None = None, limit: int | None = None) -> ItemPaged[AuditEntry]:
        """The audit trail, newest first, optionally of one tenant."""
        return single_page(lambda: decode_list(AuditEntry, self._transport.send(
            build.build_admin_list_audit_request(tenant_id=tenant_id, limit=limit))))

    def list_outbox(self) -> ItemPaged[OutboxMessage]:
        """The emails Visage would have sent, newest first."""
        return single_page(lambda: decode_list(OutboxMessage, self._transport.send(
            build.build_list_outbox_request())))

    def add_fault(self, *, status: int | None, operation: str = "*", deployment: str | None = None,
                  tenant_id: str | None = None, probability: float = 1.0, latency_ms: int = 0,
                  count: int | None = None, retry_after: int | None = None) -> Fault:
        """Make matching data-plane calls wait `latency_ms`, then answer `status` (429, 500 or 503;
        None: go ahead after the delay), with `probability`, for the next `count` calls or until
        deleted. `operation` is an operationId (``"detect"``, ``"identify"``, ...) or ``"*"``;
        `deployment` a deployment name, in `tenant_id`'s tenant or in every tenant. `retry_after`
        is the Retry-After of an injected 429 or 503 (the server's default is 1 second)."""
        return decode(Fault, self._transport.send(faults.build_add_fault_request(
            status=status, operation=operation, deployment=deployment, tenant_id=tenant_id,
            probability=probability, latency_ms=latency_ms, count=count, retry_after=retry_after)))

    def list_faults(self) -> ItemPaged[Fault]:
        """The faults, oldest first (the order they are checked in), with the hits they have left."""
        return single_page(lambda: decode_list(Fault, self._transport.send(faults.build_list_faults_request())))

    def delete_fault(self, fault_id: str) -> None:
        """Stop injecting a fault."""
        self._transport.send(faults.build_delete_fault_request(fault_id))
