"""`data "visage_tenant"`: the tenant that the provider's token belongs to: its status, customer type and
Limited Access review (whether it is approved for recognition, and the operator's decisions)."""

from __future__ import annotations

from typing import Any

from tf.iface import ReadDataContext
from tf.schema import Attribute, Schema
from tf.types import Bool, List, Map, String
from visage import LimitedAccess, VisageError
from visage.models import Tenant

from terraform_provider_visage.base import SCHEMA_VERSION, VisageDataSource, text, time_text

STRINGS = ("tenant_id", "organization", "email", "customer_type", "country", "terms_version", "created_at",
           "status", "limited_access")


def tenant_state(tenant: Tenant) -> dict[str, Any]:
    return {
        "tenant_id": tenant.tenant_id, "organization": tenant.organization, "email": tenant.email,
        "customer_type": text(tenant.customer_type), "country": tenant.country, "terms_version": tenant.terms_version,
        "created_at": time_text(tenant.created_at), "status": text(tenant.status),
        "limited_access": text(tenant.limited_access), "approved": tenant.limited_access is LimitedAccess.APPROVED,
        "email_verified": tenant.email_verified, "use_cases": list(tenant.use_cases),
        "review_reasons": list(tenant.review_reasons),
        "decisions": [{"at": time_text(decision.at), "decision": decision.decision, "reason": decision.reason,
                       "by": decision.by} for decision in tenant.decisions],
    }


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
        except VisageError as error:
            self.report(ctx.diagnostics, error, action="Reading the tenant")
            return None
        return tenant_state(tenant)
