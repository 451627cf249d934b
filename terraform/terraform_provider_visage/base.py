"""What every Visage resource and data source shares: the provider's SDK client, the one way a failed call
becomes a diagnostic, and no schema upgrades yet."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any, Protocol

from tf.iface import DataSource, Resource, UpgradeContext
from tf.utils import Diagnostics
from visage import ManagementClient, VisageError

from terraform_provider_visage import diagnostics

SCHEMA_VERSION = 0
"""Every schema is at version 0: states written by this provider need no upgrade."""


def time_text(moment: datetime | None) -> str | None:
    """A time as Visage writes it (RFC 3339, UTC, milliseconds, `Z`), so that the state holds what the API
    showed and a time read again compares equal."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text(value: str | None) -> str | None:
    """A wire value as the state's string: the SDK's enums are `str` subclasses, the state wants plain text."""
    return None if value is None else str(value)


class ClientSource(Protocol):
    """What a resource needs of its provider (provider.py's VisageProvider): where Visage is, and a client."""

    @property
    def endpoint(self) -> str | None: ...

    def client(self) -> ManagementClient: ...


class ProviderBound:
    """An object of the provider: it calls Visage through the provider's client."""

    def __init__(self, provider: ClientSource) -> None:
        self.provider = provider

    @property
    def client(self) -> ManagementClient:
        """Raises `NotConfigured` (a `VisageError`) when the provider could not be configured."""
        return self.provider.client()

    def report(self, diags: Diagnostics, error: VisageError, *, action: str,
               attributes: Collection[str] = ()) -> None:
        diagnostics.report(diags, error, action=action, endpoint=self.provider.endpoint, attributes=attributes)


class VisageResource(ProviderBound, Resource):
    def upgrade(self, ctx: UpgradeContext, version: int, old: dict[str, Any]) -> dict[str, Any]:
        return old


class VisageDataSource(ProviderBound, DataSource):
    pass
