"""Plan-time rules: the values Visage accepts, checked before any request is made.

The provider does not import the server package at run time, so the lists are copied here; a unit test
(`tests/unit/test_tf_rules.py`) keeps them equal to the server's.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from tf.types import Unknown
from tf.utils import Diagnostics

SKUS = ("F0", "S0")
"""server.domain.deployments.Sku: F0 (free) and S0 (standard); a deployment changes between them in place."""

REGIONS = (
    "australiaeast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia",
    "eastus", "eastus2", "francecentral", "germanywestcentral", "japaneast", "japanwest",
    "koreacentral", "northcentralus", "northeurope", "norwayeast", "qatarcentral",
    "southafricanorth", "southcentralus", "southeastasia", "swedencentral", "switzerlandnorth",
    "uaenorth", "uksouth", "westcentralus", "westeurope", "westus", "westus2", "westus3",
)
"""server.domain.deployments.REGIONS (keep in sync): the Azure regions that offer the Face service."""

KEY_NAMES = ("key1", "key2")
"""server.domain.deployments.KeyName."""

RECOGNITION_MODELS = ("recognition_01", "recognition_02", "recognition_03", "recognition_04")
DEFAULT_RECOGNITION_MODEL = "recognition_01"

DEPLOYMENT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}[a-zA-Z0-9]$|^[a-zA-Z0-9]$")
"""server.domain.deployments.NAME_PATTERN: 1 to 64 letters, digits and hyphens, no hyphen at either end."""

COLLECTION_ID = re.compile(r"^[a-z0-9-_]{1,64}$")
"""server.domain.collections.ID_PATTERN: 1 to 64 lower-case letters, digits, '-' or '_'."""

GROUP_NAME_MAX = 128
USER_DATA_MAX = 16384


def _known(value: Any) -> bool:
    """Values that come from other resources are unknown until apply: they are checked then, by the server."""
    return value is not None and value is not Unknown


def check_one_of(diags: Diagnostics, config: dict[str, Any], attribute: str, allowed: Collection[str]) -> None:
    value = config.get(attribute)
    if _known(value) and value not in allowed:
        diags.add_error(f"Invalid {attribute} {value!r}", f"{attribute} must be one of: {', '.join(allowed)}.",
                        path=[attribute])


def check_pattern(diags: Diagnostics, config: dict[str, Any], attribute: str, pattern: re.Pattern[str],
                  rule: str) -> None:
    value = config.get(attribute)
    if _known(value) and not pattern.fullmatch(str(value)):
        diags.add_error(f"Invalid {attribute} {value!r}", rule, path=[attribute])


def check_length(diags: Diagnostics, config: dict[str, Any], attribute: str, low: int, high: int) -> None:
    value = config.get(attribute)
    if _known(value) and not low <= len(str(value)) <= high:
        diags.add_error(f"Invalid {attribute}", f"{attribute} must have {low} to {high} characters.",
                        path=[attribute])


def check_deployment_name(diags: Diagnostics, config: dict[str, Any], attribute: str) -> None:
    check_pattern(diags, config, attribute, DEPLOYMENT_NAME,
                  "A deployment name has 1 to 64 letters, digits and hyphens, and does not start or end with a "
                  "hyphen.")


def check_collection_id(diags: Diagnostics, config: dict[str, Any], attribute: str) -> None:
    check_pattern(diags, config, attribute, COLLECTION_ID,
                  "An id has 1 to 64 lower-case letters, digits, '-' or '_'.")
