"""`data "visage_tenant"`: the tenant that the provider's token belongs to: its status, customer type and
Limited Access review (whether it is approved for recognition, and the operator's decisions)."""

from __future__ import annotations

from typing import Any

from tf.iface import ReadDataContext
from tf.schema import Attribute, Schema
from tf.types import Bool, List, Map, String

from terraform_provider_visage.base import SCHEMA_VERSION, VisageDataSource
from terraform_provider_visage.client import ClientError
from terraform_provider_visage.diagnostics import report

STRINGS = ("tenant_id", "organization", "email", "customer_type", "country", "terms_version", "created_at",
           "status", "limited_access")


class TenantDataSource(VisageDataSource):
    @classmethod
    def get_name(cls) -> str:
        return "tenant"

    @classmethod
    def get_schema(cls) -> Schema:
        described = {
            "status": "The tenant's status, e.g. `active` or `suspended` (a suspended tenant may only read).",
            "customer_type": "`commercial`, `law_enforcement`, `government`, `education`, `healthcare`, "
                             "`nonprofit` or `individual`.",
            "limited_access": "The Limited Access review: `approved`, `pending_review` or `rejected`. Recognition "
                              "(verify, identify) needs `approved`.",
        }
        return Schema(version=SCHEMA_VERSION, description="The tenant of the provider's management token.",
                      attributes=[
            *(Attribute(name, String(), computed=True, description=described.get(name, name.replace("_", " ")))
              for name in STRINGS),
            Attribute("approved", Bool(), computed=True, description="Whether `limited_access` is `approved`."),
            Attribute("email_verified", Bool(), computed=True, description="Whether the email was verified."),
            Attribute("use_cases", List(String()), computed=True, description="The declared use cases."),
            Attribute("review_reasons", List(String()), computed=True,
                      description="Why the tenant was sent to review, if it was."),
            Attribute("decisions", List(Map(String())), computed=True, description=(
                "The operator's review decisions, oldest first: each `{at, decision, reason, by}`.")),
        ])

    def read(self, ctx: ReadDataContext, config: dict[str, Any]) -> dict[str, Any] | None:
        try:
            tenant = self.client.get_tenant()
        except ClientError as error:
            report(ctx.diagnostics, error, action="Reading the tenant")
            return None
        state: dict[str, Any] = {name: tenant.get(name) for name in STRINGS}
        state["approved"] = tenant.get("limited_access") == "approved"
        state["email_verified"] = bool(tenant.get("email_verified"))
        state["use_cases"] = list(tenant.get("use_cases") or [])
        state["review_reasons"] = list(tenant.get("review_reasons") or [])
        state["decisions"] = [{key: str(value) for key, value in decision.items()}
                              for decision in tenant.get("decisions") or []]
        return state
