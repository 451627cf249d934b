"""`visage_deployment`: a Face resource of the tenant, with its SKU, region, endpoint and two keys.

The keys are shown by Visage only when the deployment is created (it keeps hashes), so they live in the
Terraform state from then on, and are null after `terraform import`.
"""

from __future__ import annotations

from typing import Any

from tf.iface import CreateContext, DeleteContext, ImportContext, ReadContext, UpdateContext
from tf.schema import Attribute, Schema
from tf.types import String
from tf.utils import Diagnostics
from visage import VisageError
from visage.models import Deployment, DeploymentKeys

from terraform_provider_visage import rules
from terraform_provider_visage.base import SCHEMA_VERSION, VisageResource, text, time_text
from terraform_provider_visage.diagnostics import is_not_found

ATTRIBUTES = ("name", "sku", "region", "endpoint", "created_at", "key1", "key2")


def deployment_view(view: Deployment) -> dict[str, Any]:
    """What Visage shows of a deployment (keys aside), as state values."""
    return {"name": view.name, "sku": text(view.sku), "region": view.region, "endpoint": view.endpoint,
            "created_at": time_text(view.created_at)}


def deployment_state(view: Deployment, key1: str | None, key2: str | None) -> dict[str, Any]:
    return {**deployment_view(view), "key1": key1, "key2": key2}


class DeploymentResource(VisageResource):
    @classmethod
    def get_name(cls) -> str:
        return "deployment"

    @classmethod
    def get_schema(cls) -> Schema:
        return Schema(version=SCHEMA_VERSION, description="A Visage deployment: an endpoint with two keys.",
                      attributes=[
            Attribute("name", String(), required=True, requires_replace=True, description=(
                "The deployment's name, unique in the tenant: 1 to 64 letters, digits and hyphens, not starting or "
                "ending with a hyphen. Changing it replaces the deployment (and its keys).")),
            Attribute("sku", String(), required=True, description=(
                "`F0` (free) or `S0` (standard). Changes in place.")),
            Attribute("region", String(), required=True, requires_replace=True, description=(
                "An Azure region that offers the Face service, e.g. `westeurope`. Changing it replaces the "
                "deployment.")),
            Attribute("endpoint", String(), computed=True, description=(
                "The base URL to call the data plane (`/face/v1.2/...`) with one of the keys.")),
            Attribute("created_at", String(), computed=True, description="When Visage created the deployment."),
            Attribute("key1", String(), computed=True, sensitive=True, description=(
                "The first key, as created. Null after `terraform import`: Visage cannot show a key again. A "
                "`visage_deployment_key_rotation` replaces it; read the new key there.")),
            Attribute("key2", String(), computed=True, sensitive=True, description="The second key; as `key1`."),
        ])

    def validate(self, diags: Diagnostics, type_name: str, config: dict[str, Any]) -> None:
        super().validate(diags, type_name, config)
        rules.check_deployment_name(diags, config, "name")
        rules.check_one_of(diags, config, "sku", rules.SKUS)
        rules.check_one_of(diags, config, "region", rules.REGIONS)

    def create(self, ctx: CreateContext, planned: dict[str, Any]) -> dict[str, Any] | None:
        try:
            created = self.client.create_deployment(planned["name"], sku=planned["sku"], region=planned["region"])
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Creating deployment {planned['name']!r}",
                        attributes=ATTRIBUTES)
            return None
        keys = created.keys or DeploymentKeys()
        return deployment_state(created, keys.key1, keys.key2)

    def read(self, ctx: ReadContext, current: dict[str, Any]) -> dict[str, Any] | None:
        try:
            view = self.client.get_deployment(current["name"])
        except VisageError as error:
            if is_not_found(error):
                return None  # deleted behind Terraform's back: forget it, so that plan creates it again
            self.report(ctx.diagnostics, error, action=f"Reading deployment {current['name']!r}")
            return current
        if current.get("created_at") and time_text(view.created_at) != current["created_at"]:
            # Deleted and created again under the same name: the keys in the state are no longer valid.
            return deployment_state(view, None, None)
        return deployment_state(view, current.get("key1"), current.get("key2"))

    def update(self, ctx: UpdateContext, current: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any] | None:
        if planned["sku"] == current["sku"]:
            return planned
        try:
            updated = self.client.update_deployment(current["name"], sku=planned["sku"])
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Changing the SKU of deployment {current['name']!r}",
                        attributes=ATTRIBUTES)
            return current
        return deployment_state(updated, current.get("key1"), current.get("key2"))

    def delete(self, ctx: DeleteContext, current: dict[str, Any]) -> None:
        try:
            self.client.delete_deployment(current["name"])
        except VisageError as error:
            if not is_not_found(error):  # already gone is what was asked for
                self.report(ctx.diagnostics, error, action=f"Deleting deployment {current['name']!r}")

    def import_(self, ctx: ImportContext, id: str) -> dict[str, Any] | None:
        """`terraform import visage_deployment.NAME <deployment name>`; the keys stay null."""
        if not rules.DEPLOYMENT_NAME.fullmatch(id):
            ctx.diagnostics.add_error(f"Invalid import id {id!r}", "The import id is the deployment's name.")
            return None
        try:
            view = self.client.get_deployment(id)
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Importing deployment {id!r}")
            return None
        return deployment_state(view, None, None)
