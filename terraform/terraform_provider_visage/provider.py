"""The `visage` provider: its configuration (`endpoint`, `token`), the SDK client it makes from them, and the
objects it offers."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

from tf.iface import DataSource, Provider, Resource
from tf.schema import Attribute, Schema
from tf.types import String, Unknown
from tf.utils import Diagnostics
from visage import Clock, ManagementClient, VisageError

from terraform_provider_visage.deployment_data_source import DeploymentDataSource
from terraform_provider_visage.deployment_resource import DeploymentResource
from terraform_provider_visage.diagnostics import NotConfigured, report
from terraform_provider_visage.key_rotation_resource import KeyRotationResource
from terraform_provider_visage.large_person_group_resource import LargePersonGroupResource
from terraform_provider_visage.tenant_data_source import TenantDataSource

SOURCE_ADDRESS = "registry.terraform.io/visage/visage"
ENDPOINT_ENV = "VISAGE_ENDPOINT"
TOKEN_ENV = "VISAGE_MANAGEMENT_TOKEN"

TIMEOUT = (5.0, 30.0)
"""Seconds to connect and to read. Management calls are small and fast; a stuck server should not hang
`terraform apply` for long. Retries are the SDK's: GET, PUT, PATCH and DELETE after 429 and 503, at the
server's Retry-After; a POST only after 429 or when it surely never reached the server."""


def _setting(config: dict[str, Any], attribute: str, variable: str) -> Any:
    """The provider block wins; the environment variable fills in what it leaves out."""
    value = config.get(attribute)
    return (os.environ.get(variable) or None) if value is None else value


class VisageProvider(Provider):
    """`clock` is for tests: the SDK waits between retries on it."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock = clock
        self._client: ManagementClient | None = None
        self._not_configured = "the provider has not been configured."
        self.endpoint: str | None = None

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
        try:
            client = ManagementClient(str(endpoint), str(token), timeout=TIMEOUT, clock=self._clock)
        except ValueError as error:  # what the SDK refuses before any call, e.g. an endpoint without a host
            diags.add_error("Invalid Visage provider configuration", str(error))
            self._not_configured = "its endpoint or token is invalid."
            return
        self.endpoint = client.endpoint
        try:
            client.get_tenant()  # one cheap call: a wrong token or endpoint is reported once, here, and clearly
        except VisageError as error:
            report(diags, error, action=f"Checking the management token against {client.endpoint}",
                   endpoint=self.endpoint)
            client.close()
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
