"""Tenants: who signed up, as what kind of customer, where, for what, and where review stands."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from datetime import datetime, timedelta

import pycountry

from server.domain.clock import format_time, parse_time
from server.errors import Forbidden, NotFound

EMAIL_VERIFICATION_GRACE = timedelta(hours=72)
"""How long an unverified tenant may use the data plane after signup. Clients written before email
verification existed sign up and call detect and verify at once; three days leave a person time to
open the link over a weekend, while an address nobody reads stops working soon."""


class TenantNotFound(NotFound):
    code = "TenantNotFound"
    message = "Tenant is not found."


class TenantSuspended(Forbidden):
    code = "TenantSuspended"
    message = (
        "This tenant is suspended by the Visage operator: it cannot call the data plane or change anything. "
        "Its status and the operator's decisions stay readable at GET /mgmt/v1/tenant."
    )


class TenantNotVerified(Forbidden):
    code = "TenantNotVerified"
    message = (
        "The email address of this tenant is not verified and the 72-hour grace period after signup has "
        "ended. Open the verification link sent at signup (the operator can read it in GET /admin/v1/outbox), "
        "or ask for a new one with POST /mgmt/v1/tenant/resendVerification."
    )


class CustomerType(enum.StrEnum):
    COMMERCIAL = "commercial"
    LAW_ENFORCEMENT = "law_enforcement"
    GOVERNMENT = "government"
    EDUCATION = "education"
    HEALTHCARE = "healthcare"
    NONPROFIT = "nonprofit"
    INDIVIDUAL = "individual"


class TenantStatus(enum.StrEnum):
    """Whether the account may be used at all."""

    PENDING_VERIFICATION = "pending_verification"
    ACTIVE = "active"
    SUSPENDED = "suspended"


class AccessReview(enum.StrEnum):
    """Limited Access: whether recognition (verification, identification) is approved."""

    APPROVED = "approved"
    PENDING = "pending_review"
    REJECTED = "rejected"
    NOT_REQUESTED = "not_requested"
    """The declared use cases need detection only; an operator may still approve recognition."""


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def countries() -> list[tuple[str, str]]:
    """(alpha-2 code, name) for every ISO 3166-1 country, by name."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])


@dataclasses.dataclass
class Decision:
    at: datetime
    decision: str
    reason: str
    by: str

    def to_dict(self) -> dict[str, str]:
        return {"at": format_time(self.at), "decision": self.decision, "reason": self.reason, "by": self.by}

    @classmethod
    def from_dict(cls, raw: Mapping[str, str]) -> Decision:
        return cls(parse_time(raw["at"]), raw["decision"], raw["reason"], raw["by"])


@dataclasses.dataclass
class Tenant:
    tenant_id: str
    organization: str
    email: str
    customer_type: CustomerType
    country: str
    use_cases: tuple[str, ...]
    terms_version: str
    terms_accepted_at: datetime
    created_at: datetime
    status: TenantStatus
    access: AccessReview
    review_reasons: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()
    email_verified_at: datetime | None = None
    no_policing_function: bool = False
    """The signup stated that the organization has no policing function (asked of government signups)."""
    customer_type_to_confirm: bool = False
    """Approving Limited Access needs the operator to state the customer type (set by the review at signup)."""
    development: bool = False
    """The development tenant of `visage up --dev`, whose secrets are public. It follows the terms of use
    like any tenant; the mark only tells the operator and the audit trail what it is."""

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def verification_overdue(self, at: datetime) -> bool:
        """Unverified, and the grace period after signup has ended."""
        return not self.email_verified and at >= self.created_at + EMAIL_VERIFICATION_GRACE

    def to_record(self) -> dict[str, str]:
        """Flat strings for a Redis hash."""
        return {
            "tenant_id": self.tenant_id,
            "organization": self.organization,
            "email": self.email,
            "customer_type": self.customer_type.value,
            "country": self.country,
            "use_cases": json.dumps(list(self.use_cases)),
            "terms_version": self.terms_version,
            "terms_accepted_at": format_time(self.terms_accepted_at),
            "created_at": format_time(self.created_at),
            "status": self.status.value,
            "access": self.access.value,
            "review_reasons": json.dumps(list(self.review_reasons)),
            "decisions": json.dumps([d.to_dict() for d in self.decisions]),
            "email_verified_at": format_time(self.email_verified_at) if self.email_verified_at else "",
            "no_policing_function": _flag(self.no_policing_function),
            "customer_type_to_confirm": _flag(self.customer_type_to_confirm),
            "development": _flag(self.development),
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> Tenant:
        return cls(
            tenant_id=raw["tenant_id"],
            organization=raw["organization"],
            email=raw["email"],
            customer_type=CustomerType(raw["customer_type"]),
            country=raw["country"],
            use_cases=tuple(json.loads(raw["use_cases"])),
            terms_version=raw["terms_version"],
            terms_accepted_at=parse_time(raw["terms_accepted_at"]),
            created_at=parse_time(raw["created_at"]),
            status=TenantStatus(raw["status"]),
            access=AccessReview(raw["access"]),
            review_reasons=tuple(json.loads(raw.get("review_reasons") or "[]")),
            decisions=tuple(Decision.from_dict(d) for d in json.loads(raw.get("decisions") or "[]")),
            email_verified_at=parse_time(raw["email_verified_at"]) if raw.get("email_verified_at") else None,
            no_policing_function=raw.get("no_policing_function") == "true",
            customer_type_to_confirm=raw.get("customer_type_to_confirm") == "true",
            development=raw.get("development") == "true",
        )


def _flag(value: bool) -> str:
    return "true" if value else "false"
