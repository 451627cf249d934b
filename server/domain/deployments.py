"""Deployments: a tenant's Face resources, each with a SKU, a region and two keys."""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import datetime

from server.domain.clock import format_time, parse_time
from server.errors import Conflict, Forbidden, NotFound


class DeploymentExists(Conflict):
    code = "DeploymentAlreadyExists"


class DeploymentNotFound(NotFound):
    code = "DeploymentNotFound"


class DeploymentQuotaExceeded(Forbidden):
    code = "QuotaExceeded"


class Sku(enum.StrEnum):
    F0 = "F0"
    S0 = "S0"


class KeyName(enum.StrEnum):
    KEY1 = "key1"
    KEY2 = "key2"


REGIONS = (
    "australiaeast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia",
    "eastus", "eastus2", "francecentral", "germanywestcentral", "japaneast", "japanwest",
    "koreacentral", "northcentralus", "northeurope", "norwayeast", "qatarcentral",
    "southafricanorth", "southcentralus", "southeastasia", "swedencentral", "switzerlandnorth",
    "uaenorth", "uksouth", "westcentralus", "westeurope", "westus", "westus2", "westus3",
)
"""Azure regions that offer the Face service."""

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}[a-zA-Z0-9]$|^[a-zA-Z0-9]$")
"""Azure's rule for a Cognitive Services account name: 2 to 64 letters, digits and hyphens, not
starting or ending with a hyphen (one character is allowed here too)."""


@dataclasses.dataclass
class Deployment:
    deployment_id: str
    tenant_id: str
    name: str
    sku: Sku
    region: str
    created_at: datetime
    key_hashes: dict[KeyName, str]

    def to_record(self) -> dict[str, str]:
        return {
            "deployment_id": self.deployment_id,
            "tenant_id": self.tenant_id,
            "name": self.name,
            "sku": self.sku.value,
            "region": self.region,
            "created_at": format_time(self.created_at),
            **{f"{key.value}_hash": digest for key, digest in self.key_hashes.items()},
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> Deployment:
        return cls(
            deployment_id=raw["deployment_id"],
            tenant_id=raw["tenant_id"],
            name=raw["name"],
            sku=Sku(raw["sku"]),
            region=raw["region"],
            created_at=parse_time(raw["created_at"]),
            key_hashes={key: raw[f"{key.value}_hash"] for key in KeyName},
        )


@dataclasses.dataclass(frozen=True)
class PublishedDeployment:
    """A deployment as the management API shows it: where to call it, and its keys only when they
    were just made (keys are stored hashed and can never be read back)."""

    deployment: Deployment
    endpoint: str
    keys: Mapping[str, str] | None = None
