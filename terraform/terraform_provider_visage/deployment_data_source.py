"""`data "visage_deployment"`: an existing deployment, by name (its keys cannot be read back)."""

from __future__ import annotations

from typing import Any

from tf.iface import ReadDataContext
from tf.schema import Attribute, Schema
from tf.types import String
from tf.utils import Diagnostics
from visage import VisageError

from terraform_provider_visage import rules
from terraform_provider_visage.base import SCHEMA_VERSION, VisageDataSource
from terraform_provider_visage.deployment_resource import deployment_view


class DeploymentDataSource(VisageDataSource):
    @classmethod
    def get_name(cls) -> str:
        return "deployment"

    @classmethod
    def get_schema(cls) -> Schema:
        return Schema(version=SCHEMA_VERSION, description="An existing deployment of the tenant.", attributes=[
            Attribute("name", String(), required=True, description="The deployment's name."),
            Attribute("sku", String(), computed=True, description="`F0` or `S0`."),
            Attribute("region", String(), computed=True, description="Its region."),
            Attribute("endpoint", String(), computed=True, description="The base URL of its data plane."),
            Attribute("created_at", String(), computed=True, description="When Visage created it."),
        ])

    def validate(self, diags: Diagnostics, type_name: str, config: dict[str, Any]) -> None:
        super().validate(diags, type_name, config)
        rules.check_deployment_name(diags, config, "name")

    def read(self, ctx: ReadDataContext, config: dict[str, Any]) -> dict[str, Any] | None:
        try:
            view = self.client.get_deployment(config["name"])
        except VisageError as error:
            self.report(ctx.diagnostics, error, action=f"Reading deployment {config['name']!r}")
            return None
        return deployment_view(view)
