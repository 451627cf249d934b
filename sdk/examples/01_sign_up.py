"""Sign up a tenant and get a deployment: the endpoint and keys every other example needs.

    VISAGE_ENDPOINT=http://127.0.0.1:8080 python sdk/examples/01_sign_up.py
"""

from __future__ import annotations

import uuid

from _env import endpoint
from visage import CustomerType, ManagementClient, Sku


def main() -> None:
    with ManagementClient(endpoint()) as anonymous:
        signup = anonymous.sign_up(
            organization="Contoso Photo Ltd",
            email=f"dev-{uuid.uuid4().hex[:6]}@contoso.example",
            customer_type=CustomerType.COMMERCIAL,
            country="GB",
            use_cases=["identity_verification"],
            accept_terms=True,
        )
    print(f"tenant {signup.tenant_id}: {signup.status.value}, Limited Access {signup.limited_access.value}")

    deployment = signup.deployment
    if deployment is None:  # a server that does not make a first deployment at signup
        with ManagementClient(endpoint(), signup.management_token) as management:
            deployment = management.create_deployment("face-1", sku=Sku.S0, region="westeurope")
    assert deployment.keys is not None  # keys are shown when a deployment is created, and only then

    print("\nKeep these (the token and keys are shown only once):")
    print(f"export VISAGE_MANAGEMENT_TOKEN={signup.management_token}")
    print(f"export VISAGE_ENDPOINT={deployment.endpoint}")
    print(f"export VISAGE_KEY={deployment.keys.key1}")


if __name__ == "__main__":
    main()
