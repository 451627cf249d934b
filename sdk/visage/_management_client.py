"""`ManagementClient`: signup, the tenant, deployments and their keys, the large person groups of a
deployment, audit, the policy dry run. Method names are the management API's operationIds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Unpack

from visage import _collection_requests as collections
from visage import _management_requests as build
from visage._client_base import BaseClient, ClientOptions, check_secret
from visage._collection_base import DEFAULT_PAGE_SIZE
from visage._decode import decode, decode_list
from visage._paging import ItemPaged, single_page, start_top_pager
from visage.capture import CaptureContext
from visage.enums import CustomerType, KeyName, OperationClass, RecognitionModel, Sku
from visage.models import AuditEntry, Deployment, LargePersonGroup, PolicyDecision, SignupResult, Tenant


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class ManagementClient(BaseClient):
    """A tenant's management API, with its management token.

    `ManagementClient(endpoint)` without a token can only `sign_up`; the answer carries the token:

        signup = ManagementClient(endpoint).sign_up(organization=..., accept_terms=True, ...)
        management = ManagementClient(endpoint, signup.management_token)

    `options`: `timeout`, `retry`, `session`, `clock` (see `ClientOptions`).
    """

    def __init__(self, endpoint: str, token: str | None = None, **options: Unpack[ClientOptions]) -> None:
        self._token = check_secret(token, "token") if token is not None else None
        super().__init__(endpoint, path="", auth_headers=lambda: bearer(self._token), options=options)

    def sign_up(self, *, organization: str, email: str, customer_type: CustomerType | str, country: str,
                use_cases: Sequence[str], accept_terms: bool,
                no_policing_function: bool | None = None) -> SignupResult:
        """Create a tenant (no token needed). `country` is ISO 3166-1 alpha-2 (GB, US, ...);
        `accept_terms=True` accepts the terms of use. Keep the answer's `management_token`.

        `no_policing_function=True` states that the organization has no police, law-enforcement,
        border or criminal-investigation powers: a `government` signup that does not state it waits
        for an operator's review (left out, the server takes false)."""
        request = build.build_sign_up_request(
            organization=organization, email=email, customer_type=customer_type, country=country,
            use_cases=use_cases, accept_terms=accept_terms, no_policing_function=no_policing_function)
        return decode(SignupResult, self._transport.send(request, authenticated=False))

    def get_tenant(self) -> Tenant:
        """The tenant: status, Limited Access review, decisions."""
        return decode(Tenant, self._transport.send(build.build_get_tenant_request()))

    def resend_verification(self) -> None:
        """Email a new verification link (the first one lasts 7 days). Raises `ConflictError` when
        the address is already verified."""
        self._transport.send(build.build_resend_verification_request())

    # Deployments

    def create_deployment(self, name: str, *, sku: Sku | str, region: str) -> Deployment:
        """Create a deployment. Its `keys` are shown in this answer only. POST: never retried once it
        may have reached the server."""
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

    # Large person groups of a deployment: provisioning with the management token, no data-plane key

    def create_managed_large_person_group(self, deployment: str, large_person_group_id: str, name: str, *,
                                          user_data: str | None = None,
                                          recognition_model: RecognitionModel | str | None = None,
                                          ) -> LargePersonGroup:
        """Create a large person group in a deployment (the server's default model is recognition_01).
        Raises `ConflictError` if it exists: check `earlier_attempt_uncertain` on the error when a
        retry may have made it."""
        request = collections.build_create_request(
            build.managed_large_person_groups_path(deployment), large_person_group_id, name=name,
            user_data=user_data, recognition_model=recognition_model)
        return decode(LargePersonGroup, self._transport.send(request))

    def get_managed_large_person_group(self, deployment: str, large_person_group_id: str) -> LargePersonGroup:
        """The group, with its recognition model. Raises `NotFoundError` when the group or the
        deployment does not exist (`code` says which)."""
        request = collections.build_get_request(build.managed_large_person_groups_path(deployment),
                                                large_person_group_id, return_recognition_model=None)
        return decode(LargePersonGroup, self._transport.send(request))

    def list_managed_large_person_groups(self, deployment: str, *,
                                         page_size: int = DEFAULT_PAGE_SIZE) -> ItemPaged[LargePersonGroup]:
        """The deployment's large person groups, by id, fetched `page_size` at a time as you iterate."""
        groups = build.managed_large_person_groups_path(deployment)  # checks the name now, not at the first page

        def fetch(start: str | None, top: int) -> list[LargePersonGroup]:
            request = collections.build_list_request(groups, start=start, top=top, return_recognition_model=None)
            return decode_list(LargePersonGroup, self._transport.send(request))

        return start_top_pager(fetch, lambda group: group.large_person_group_id, page_size)

    def update_managed_large_person_group(self, deployment: str, large_person_group_id: str, *,
                                          name: str | None = None,
                                          user_data: str | None = None) -> LargePersonGroup:
        """Change the name and/or user data (`user_data=""` clears it; the model cannot change)."""
        request = collections.build_update_request(build.managed_large_person_groups_path(deployment),
                                                   large_person_group_id, name=name, user_data=user_data)
        return decode(LargePersonGroup, self._transport.send(request))

    def delete_managed_large_person_group(self, deployment: str, large_person_group_id: str) -> None:
        """Delete the group with its persons and faces. Raises `NotFoundError` if there is none."""
        self._transport.send(collections.build_delete_request(build.managed_large_person_groups_path(deployment),
                                                              large_person_group_id))

    # Audit and the terms of use

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
