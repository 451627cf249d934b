"""What every Visage resource and data source shares: the provider's client, and no schema upgrades yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tf.iface import DataSource, Resource, UpgradeContext

from terraform_provider_visage.client import ManagementClient

if TYPE_CHECKING:
    from terraform_provider_visage.provider import VisageProvider

SCHEMA_VERSION = 0
"""Every schema is at version 0: states written by this provider need no upgrade."""


class VisageResource(Resource):
    def __init__(self, provider: VisageProvider) -> None:
        self.provider = provider

    @property
    def client(self) -> ManagementClient:
        """Raises `NotConfigured` (a `ClientError`) when the provider could not be configured."""
        return self.provider.client()

    def upgrade(self, ctx: UpgradeContext, version: int, old: dict[str, Any]) -> dict[str, Any]:
        return old


class VisageDataSource(DataSource):
    def __init__(self, provider: VisageProvider) -> None:
        self.provider = provider

    @property
    def client(self) -> ManagementClient:
        return self.provider.client()
