"""The emails Visage would send. No SMTP: they go to an outbox the operator reads (/admin/v1/outbox)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from server.domain.clock import format_time, parse_time
from server.domain.tenants import Decision, Tenant


@dataclasses.dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    link: str | None
    sent_at: datetime
    tenant_id: str

    def to_json(self) -> str:
        return json.dumps({"to": self.to, "subject": self.subject, "body": self.body, "link": self.link,
                           "sent_at": format_time(self.sent_at), "tenant_id": self.tenant_id}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Email:
        data = json.loads(raw)
        return cls(data["to"], data["subject"], data["body"], data["link"], parse_time(data["sent_at"]),
                   data["tenant_id"])


def verification_email(tenant: Tenant, link: str, valid_days: int, at: datetime) -> Email:
    body = (
        f"Hello,\n\nSomeone signed up {tenant.organization} for Visage with this address. Open this link to "
        f"verify it and activate the tenant {tenant.tenant_id}:\n\n{link}\n\nThe link works once, for "
        f"{valid_days} days. If you did not sign up, ignore this email.\n"
    )
    return Email(tenant.email, "Verify your email address for Visage", body, link, at, tenant.tenant_id)


_DECISION_WORDS = {
    "approve": "Limited Access (face verification and identification) was approved",
    "reject": "Limited Access (face verification and identification) was refused",
    "review_again": "Limited Access (face verification and identification) is under review again",
    "correct_customer_type": "your customer type was corrected",
    "suspend": "your tenant was suspended",
    "reinstate": "your tenant was reinstated",
}


def decision_email(tenant: Tenant, decision: Decision) -> Email:
    what = _DECISION_WORDS.get(decision.decision, f"a decision was taken ({decision.decision})")
    body = (
        f"Hello,\n\nFor {tenant.organization} (tenant {tenant.tenant_id}), {what}.\n\nReason: {decision.reason}\n\n"
        f"Your status and every decision are at GET /mgmt/v1/tenant.\n"
    )
    subject = f"Visage: {what}"
    return Email(tenant.email, subject, body, None, decision.at, tenant.tenant_id)


def token_recovery_email(tenant: Tenant, link: str, valid_minutes: int, at: datetime) -> Email:
    body = (
        f"Hello,\n\nSomeone asked for a new management token for {tenant.organization} (tenant {tenant.tenant_id}). "
        f"Open this link and press the button to get one; the old token then stops working:\n\n{link}\n\n"
        f"The link works once, for {valid_minutes} minutes. If you did not ask, ignore this email: nothing changes.\n"
    )
    return Email(tenant.email, "Your new Visage management token", body, link, at, tenant.tenant_id)


def token_replaced_email(tenant: Tenant, at: datetime) -> Email:
    body = (
        f"Hello,\n\nThe management token of {tenant.organization} (tenant {tenant.tenant_id}) was replaced through "
        f"a recovery link sent to this address. The old token no longer works.\n\nIf this was not you, ask for "
        f"a new token at /signup/recover at once and tell the operator.\n"
    )
    return Email(tenant.email, "Your Visage management token was replaced", body, None, at, tenant.tenant_id)
