"""Manage deployments and rotate a key without rebuilding clients.

    VISAGE_MANAGEMENT_TOKEN=... python sdk/examples/05_deployments.py
"""

from __future__ import annotations

import uuid

from _env import endpoint, need, photo
from visage import AuthenticationError, FaceClient, KeyCredential, KeyName, ManagementClient, Sku


def main() -> None:
    with ManagementClient(endpoint(), need("VISAGE_MANAGEMENT_TOKEN")) as management:
        tenant = management.get_tenant()
        print(f"{tenant.organization} ({tenant.customer_type.value}, {tenant.country}): {tenant.status.value}")

        name = f"example-{uuid.uuid4().hex[:6]}"
        deployment = management.create_deployment(name, sku=Sku.F0, region="westeurope")
        assert deployment.keys is not None and deployment.keys.key1 is not None
        print("deployments:", ", ".join(f"{d.name} ({d.sku.value})" for d in management.list_deployments()))

        credential = KeyCredential(deployment.keys.key1)
        with FaceClient(deployment.endpoint, credential) as client:
            client.detect(photo("people/obama/obama.jpg"))
            rotated = management.regenerate_key(name, KeyName.KEY1)  # the old key1 stops working now
            try:
                client.detect(photo("people/obama/obama.jpg"))
            except AuthenticationError as error:
                print(f"old key refused: {error.code} (request {error.request_id})")
            assert rotated.keys is not None and rotated.keys.key1 is not None
            credential.update(rotated.keys.key1)  # every client sharing the credential uses the new key
            print(f"new key works: {len(client.detect(photo('people/obama/obama.jpg')))} face")

        management.delete_deployment(name)
        print(f"deleted {name}")


if __name__ == "__main__":
    main()
