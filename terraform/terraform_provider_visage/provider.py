"""The `visage` provider: its configuration (`endpoint`, `token`) and the objects it offers."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

from tf.iface import DataSource, Provider, Resource
from tf.schema import Attribute, Schema
from tf.types import String, Unknown
from tf.utils import Diagnostics

from terraform_provider_visage.client import ClientError, ManagementClient, NotConfigured
from terraform_provider_visage.deployment_data_source import DeploymentDataSource
from terraform_provider_visage.deployment_resource import DeploymentResource
from terraform_provider_visage.diagnostics import report
from terraform_provider_visage.key_rotation_resource import KeyRotationResource
from terraform_provider_visage.large_person_group_resource import LargePersonGroupResource
from terraform_provider_visage.tenant_data_source import TenantDataSource

SOURCE_ADDRESS = "registry.terraform.io/visage/visage"
ENDPOINT_ENV = "VISAGE_ENDPOINT"
TOKEN_ENV = "VISAGE_MANAGEMENT_TOKEN"


def _setting(config: dict[str, Any], attribute: str, variable: str) -> Any:
    """The provider block wins; the environment variable fills in what it leaves out."""
    value = config.get(attribute)
    return (os.environ.get(variable) or None) if value is None else value


class VisageProvider(Provider):
    def __init__(self) -> None:
        self._client: ManagementClient | None = None
        self._not_configured = "the provider has not been configured."

    def full_name(self) -> str:
        return SOURCE_ADDRESS

    def get_model_prefix(self) -> str:
        return "visage_"

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        return Schema(version=0, attributes=[
            Attribute("endpoint", String(), optional=True, description=(
                f"Visage's base URL, e.g. `http://127.0.0.1:8080`. Defaults to the `{ENDPOINT_ENV}` environment "
                "variable.")),
            Attribute("token", String(), optional=True, sensitive=True, description=(
                "A tenant's management token (the `management_token` of `POST /signup`). Defaults to the "
                f"`{TOKEN_ENV}` environment variable.")),
        ])

    def validate_config(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        endpoint = config.get("endpoint")
        if isinstance(endpoint, str) and urlparse(endpoint).scheme not in ("http", "https"):
            diags.add_error(f"Invalid endpoint {endpoint!r}",
                            "endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:8080.",
                            path=["endpoint"])

    def configure_provider(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        endpoint = _setting(config, "endpoint", ENDPOINT_ENV)
        token = _setting(config, "token", TOKEN_ENV)
        if endpoint is Unknown or token is Unknown:
            self._not_configured = "the provider's endpoint or token is only known after apply."
            return
        for value, attribute, variable in ((endpoint, "endpoint", ENDPOINT_ENV), (token, "token", TOKEN_ENV)):
            if not value:
                diags.add_error(f"Missing Visage {attribute}",
                                f"Set `{attribute}` in the provider \"visage\" block or the {variable} environment "
                                "variable.", path=[attribute])
        if diags.has_errors():
            self._not_configured = "its endpoint or token is missing."
            return
        client = ManagementClient(str(endpoint), str(token))
        try:
            client.get_tenant()  # one cheap call: a wrong token or endpoint is reported once, here, and clearly
        except ClientError as error:
            report(diags, error, action=f"Checking the management token against {client.endpoint}")
            self._not_configured = "checking its endpoint and token failed."
            return
        self._client = client

    def client(self) -> ManagementClient:
        if self._client is None:
            raise NotConfigured(self._not_configured)
        return self._client

    def get_data_sources(self) -> list[type[DataSource]]:
        return [TenantDataSource, DeploymentDataSource]

    def get_resources(self) -> list[type[Resource]]:
        return [DeploymentResource, KeyRotationResource, LargePersonGroupResource]
