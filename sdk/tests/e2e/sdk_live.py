"""Helpers of the SDK's e2e tests (a module, not conftest, so tests can import it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from visage import FaceClient, ManagementClient, Sku

USE_CASE = "identity_verification"


@dataclass(frozen=True)
class Account:
    endpoint: str
    tenant_id: str
    token: str
    deployment: str
    key1: str
    key2: str

    def face_client(self, **options: Any) -> FaceClient:
        return FaceClient(self.endpoint, self.key1, **options)

    def management(self) -> ManagementClient:
        return ManagementClient(self.endpoint, self.token)


def signup_form(**overrides: Any) -> dict[str, Any]:
    unique = uuid.uuid4().hex[:8]  # signups sharing a domain or a name are one organization to the review
    form: dict[str, Any] = {
        "organization": f"Contoso Photo {unique} Ltd", "email": f"sdk@contoso-{unique}.example",
        "customer_type": "commercial", "country": "GB", "use_cases": [USE_CASE], "accept_terms": True,
    }
    form.update(overrides)
    return form


def open_account(endpoint: str, *, sku: Sku = Sku.S0, **form: Any) -> Account:
    """Sign up through the SDK; use the first deployment if signup made one, else create it."""
    with ManagementClient(endpoint) as anonymous:
        signup = anonymous.sign_up(**signup_form(**form))
    deployment = signup.deployment
    if deployment is None or deployment.keys is None or deployment.sku != sku:
        with ManagementClient(endpoint, signup.management_token) as management:
            deployment = management.create_deployment(f"sdk-{uuid.uuid4().hex[:6]}", sku=sku, region="westeurope")
    assert deployment.keys is not None and deployment.keys.key1 and deployment.keys.key2
    return Account(deployment.endpoint, signup.tenant_id, signup.management_token, deployment.name,
                   deployment.keys.key1, deployment.keys.key2)

