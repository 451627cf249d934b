"""Signing up tenants and creating deployments through the HTTP API, for tests."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from flask.testing import FlaskClient

from server.domain.clock import now
from server.domain.tenants import AccessReview, CustomerType, Tenant, TenantStatus

ADMIN_TOKEN = "test-admin-token"


@dataclasses.dataclass
class Account:
    tenant_id: str
    token: str
    key1: str
    key2: str
    deployment: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def key_header(self) -> dict[str, str]:
        return {"Ocp-Apim-Subscription-Key": self.key1}


def signup_form(**overrides: Any) -> dict[str, Any]:
    unique = uuid.uuid4().hex[:8]  # signups sharing a domain or a name are one organization to the review
    form: dict[str, Any] = {
        "organization": f"Contoso Photo {unique} Ltd",
        "email": f"dev@contoso-{unique}.example",
        "customer_type": "commercial",
        "country": "GB",
        "use_cases": ["identity_verification"],
        "accept_terms": True,
    }
    form.update(overrides)
    return form


def sign_up(client: FlaskClient, *, sku: str = "S0", deployment: str = "face-1", **form: Any) -> Account:
    response = client.post("/signup", json=signup_form(**form))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    token = body["management_token"]
    created = client.post("/mgmt/v1/deployments", json={"name": deployment, "sku": sku, "region": "westeurope"},
                          headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.get_json()
    keys = created.get_json()["keys"]
    return Account(body["tenant_id"], token, keys["key1"], keys["key2"], deployment)


def tenant_record(tenant_id: str, **overrides: Any) -> Tenant:
    """A tenant as the services take it, without signing up (for tests of one service alone)."""
    moment = now()
    fields: dict[str, Any] = {
        "tenant_id": tenant_id, "organization": "Contoso Photo Ltd", "email": f"{tenant_id}@contoso.example",
        "customer_type": CustomerType.COMMERCIAL, "country": "GB", "use_cases": ("identity_verification",),
        "terms_version": "2024-05", "terms_accepted_at": moment, "created_at": moment,
        "status": TenantStatus.ACTIVE, "access": AccessReview.APPROVED,
    }
    fields.update(overrides)
    return Tenant(**fields)
