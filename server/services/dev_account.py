"""The development account of `visage up --dev`: an approved commercial tenant with one S0 deployment
whose keys are well-known constants, so client code and CI work against a fresh Visage with no signup.

Like Azurite's well-known storage account, the secrets are public: never run `--dev` where others can
reach the server. The tenant follows the terms of use like any other. It is marked `development` in its
record, so the operator API and the audit entries of its decisions say what it is, and the decision
that created it reads "by visage up --dev".
"""

from __future__ import annotations

import dataclasses

from redis import Redis

from server.domain import terms
from server.domain.clock import now
from server.domain.credentials import hash_secret, secret_matches
from server.domain.deployments import DeploymentExists, DeploymentNotFound, KeyName, Sku
from server.domain.review import ReviewDecision
from server.domain.starter import region_for
from server.domain.tenants import AccessReview, CustomerType, Decision, Tenant, TenantStatus
from server.services import signing
from server.services.deployments import create_deployment
from server.store.deployments import DeploymentRepository
from server.store.tenants import TenantRepository

DEV_TENANT_ID = "ee348da2-758a-5915-8158-0b5812dcb8e8"
"""uuid5(NAMESPACE_URL, "visage:development-tenant")."""

DEV_ORGANIZATION = "Visage development tenant"
DEV_EMAIL = "dev@visage.invalid"
DEV_COUNTRY = "US"
DEV_USE_CASES = ("identity_verification",)
DEV_DEPLOYMENT = "dev"
DEV_SKU = Sku.S0
"""S0: F0 has no recognition, and a development key should be able to call every operation."""

DEV_KEY1 = "1b89070a96102d9eaa1ca9f3faa3de080edb173c0ae914731fa87adce79d7dad"
"""SHA-256 of "visage development key 1"."""

DEV_KEY2 = "679e2dc326bcc020d34613add70270615800198024bb1bd5fe44c98a563a5c11"
"""SHA-256 of "visage development key 2"."""

DEV_MANAGEMENT_TOKEN = "visage-development-management-token"
"""The development tenant's management token, as well known as its keys."""

DEV_KEYS = {KeyName.KEY1: DEV_KEY1, KeyName.KEY2: DEV_KEY2}
CREATED_BY = "visage up --dev"


@dataclasses.dataclass(frozen=True)
class DevAccount:
    tenant: Tenant
    deployment_name: str
    region: str
    created: bool
    """False when the account was already there (its keys are put back to the constants if changed)."""


def ensure_dev_account(redis: Redis) -> DevAccount:
    """Create the development tenant and its deployment if missing; idempotent, safe from many hosts."""
    tenants = TenantRepository(redis)
    tenant = tenants.get(DEV_TENANT_ID)
    created = tenant is None
    if tenant is None:
        tenant = _dev_tenant()
        tenants.add(tenant, DEV_MANAGEMENT_TOKEN)
    elif not tenant.development:  # made by a Visage from before the mark
        tenant = tenants.update(DEV_TENANT_ID, lambda kept: dataclasses.replace(kept, development=True))
    deployments = DeploymentRepository(redis)
    region = region_for(DEV_COUNTRY)
    try:
        deployment = deployments.get(DEV_TENANT_ID, DEV_DEPLOYMENT)
    except DeploymentNotFound:
        try:
            deployment = create_deployment(redis, tenant, DEV_DEPLOYMENT, DEV_SKU, region, endpoint="").deployment
        except DeploymentExists:  # another host made it meanwhile
            deployment = deployments.get(DEV_TENANT_ID, DEV_DEPLOYMENT)
    for key, secret in DEV_KEYS.items():
        if not secret_matches(secret, deployment.key_hashes[key]):  # new, or regenerated since
            deployment = deployments.replace_key(DEV_TENANT_ID, DEV_DEPLOYMENT, key, hash_secret(secret))
    # Signature V4 needs the keys themselves, not their hashes: kept each time, so that a dev account
    # made before, or under another server key, signs too.
    signing.remember_keys(redis, deployment, DEV_KEYS)
    return DevAccount(tenant=tenant, deployment_name=deployment.name, region=deployment.region, created=created)


def _dev_tenant() -> Tenant:
    moment = now()
    return Tenant(
        tenant_id=DEV_TENANT_ID,
        organization=DEV_ORGANIZATION,
        email=DEV_EMAIL,
        customer_type=CustomerType.COMMERCIAL,
        country=DEV_COUNTRY,
        use_cases=DEV_USE_CASES,
        terms_version=terms.current(moment).version,
        terms_accepted_at=moment,
        created_at=moment,
        status=TenantStatus.ACTIVE,
        access=AccessReview.APPROVED,
        decisions=(Decision(moment, ReviewDecision.APPROVE,
                            "Development tenant with well-known keys, created by `visage up --dev`.", CREATED_BY),),
        email_verified_at=moment,
        development=True,
    )
