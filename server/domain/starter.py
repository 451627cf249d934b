"""The first deployment every signup gets, in a region near the tenant's country."""

from __future__ import annotations

from server.domain.deployments import REGIONS, Sku

STARTER_NAME = "starter"
"""Name of the deployment created at signup, so a newcomer has an endpoint and keys at once."""

STARTER_SKU = Sku.S0
"""S0, because F0 has no verification or identification (as on Azure)."""

DEFAULT_REGION = "westeurope"
"""Where countries without a nearer Face region in the table go."""

REGION_BY_COUNTRY = {
    "US": "eastus", "CA": "canadacentral", "MX": "southcentralus", "BR": "brazilsouth",
    "GB": "uksouth", "IE": "northeurope", "DE": "germanywestcentral", "FR": "francecentral",
    "CH": "switzerlandnorth", "NO": "norwayeast", "SE": "swedencentral", "IN": "centralindia",
    "JP": "japaneast", "KR": "koreacentral", "AU": "australiaeast", "NZ": "australiaeast",
    "SG": "southeastasia", "HK": "eastasia", "ZA": "southafricanorth", "AE": "uaenorth", "QA": "qatarcentral",
}
"""ISO 3166-1 alpha-2 country -> the Azure Face region nearest to it."""


def region_for(country: str) -> str:
    region = REGION_BY_COUNTRY.get(country.upper(), DEFAULT_REGION)
    return region if region in REGIONS else DEFAULT_REGION
