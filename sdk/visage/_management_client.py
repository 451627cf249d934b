"""`ManagementClient`: signup, the tenant, deployments and their keys, audit, the policy dry run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import requests

from visage import _management_requests as build
from visage._client_base import BaseClient, check_endpoint, check_secret
from visage._decode import decode, decode_list
from visage._paging import ItemPaged, single_page
from visage._retry import RetryPolicy
from visage._transport import DEFAULT_TIMEOUT, Clock, Timeout, Transport
from visage.capture import CaptureContext
from visage.enums import CustomerType, KeyName, OperationClass, Sku
from visage.models import AuditEntry, Deployment, PolicyDecision, SignupResult, Tenant


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class ManagementClient(BaseClient):
    """A tenant's management API, with its management token.

    `ManagementClient(endpoint)` without a token can only `sign_up`; the answer carries the token:

        signup = ManagementClient(endpoint).sign_up(organization=..., accept_terms=True, ...)
        management = ManagementClient(endpoint, signup.management_token)
    """

    def __init__(
        self,
        endpoint: str,
        token: str | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._endpoint = check_endpoint(endpoint)
        self._token = check_secret(token, "token") if token is not None else None
        self._transport = Transport(self._endpoint, auth_headers=lambda: bearer(self._token), timeout=timeout,
                                    retry=retry, session=session, clock=clock)

    def sign_up(self, *, organization: str, email: str, customer_type: CustomerType | str, country: str,
                use_cases: Sequence[str], accept_terms: bool) -> SignupResult:
        """Create a tenant (no token needed). `country` is ISO 3166-1 alpha-2 (GB, US, ...);
        `accept_terms=True` accepts the terms of use. Keep the answer's `management_token`."""
        request = build.build_sign_up_request(
            organization=organization, email=email, customer_type=customer_type, country=country,
            use_cases=use_cases, accept_terms=accept_terms)
        return decode(SignupResult, self._transport.send(request, authenticated=False))

    def get_tenant(self) -> Tenant:
        """The tenant: status, Limited Access review, decisions."""
        return decode(Tenant, self._transport.send(build.build_get_tenant_request()))

    def resend_verification(self) -> None:
        """Email a new verification link (the first one lasts 7 days). Raises `ConflictError` when
        the address is already verified."""
        self._transport.send(build.build_resend_verification_request())

    def create_deployment(self, name: str, *, sku: Sku | str, region: str) -> Deployment:
        """Create a deployment. Its `keys` are shown in this answer only."""
        return decode(Deployment, self._transport.send(build.build_create_deployment_request(
            name, sku=sku, region=region)))

    def list_deployments(self) -> ItemPaged[Deployment]:
        return single_page(lambda: decode_list(Deployment, self._transport.send(
            build.build_list_deployments_request())))

    def get_deployment(self, name: str) -> Deployment:
        return decode(Deployment, self._transport.send(build.build_get_deployment_request(name)))

    def update_deployment(self, name: str, *, sku: Sku | str) -> Deployment:
        """Change the SKU (F0 <-> S0)."""
        return decode(Deployment, self._transport.send(build.build_update_deployment_request(name, sku=sku)))

    def delete_deployment(self, name: str) -> None:
        """Delete a deployment: its keys stop working at once, its data is purged."""
        self._transport.send(build.build_delete_deployment_request(name))

    def regenerate_key(self, name: str, key_name: KeyName | str) -> Deployment:
        """Replace key1 or key2; the answer's `keys` holds the new one. The old key stops at once."""
        return decode(Deployment, self._transport.send(build.build_regenerate_key_request(name, key_name)))

    def list_audit(self, *, limit: int | None = None) -> ItemPaged[AuditEntry]:
        """The tenant's own audit trail, newest first."""
        return single_page(lambda: decode_list(AuditEntry, self._transport.send(
            build.build_list_audit_request(limit=limit))))

    def evaluate_policy(self, operation: OperationClass | str, *, capture: CaptureContext | None = None,
                        deployment: str | None = None, face_ids: Sequence[str] | None = None,
                        policy_version: str | None = None, at: datetime | None = None) -> PolicyDecision:
        """What the terms of use would decide for `operation` in this capture context, without
        doing it (a dry run: nothing is detected, nothing refused)."""
        return decode(PolicyDecision, self._transport.send(build.build_evaluate_policy_request(
            operation, capture=capture, deployment=deployment, face_ids=face_ids, policy_version=policy_version,
            at=at)))
