"""The rules of management token recovery, without Redis or HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from server.domain.audit import AuditKind, token_recovery_event
from server.domain.emails import token_recovery_email, token_replaced_email
from server.domain.token_recovery import LINK_LIFETIME, LINK_SENT, TOKEN_REPLACED, mailbox_id
from tests.support.tenants import tenant_record

MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_one_mailbox_whatever_its_case_or_plus_tag() -> None:
    assert mailbox_id("Dev+visage@Contoso.example") == mailbox_id("dev@contoso.example")
    assert mailbox_id("dev@contoso.example") != mailbox_id("ops@contoso.example")
    assert mailbox_id("dev@contoso.example") != mailbox_id("dev@fabrikam.example")
    assert "contoso" not in mailbox_id("dev@contoso.example")  # no address in a Redis key


def test_links_are_short_lived() -> None:
    assert LINK_LIFETIME.total_seconds() <= 3600


def test_the_emails_name_the_tenant_and_carry_the_link_only_to_redeem() -> None:
    tenant = tenant_record("t-1", email="dev@contoso.example")
    link = "https://visage.example/signup/recover/confirm?token=s"
    asked = token_recovery_email(tenant, link, 30, MOMENT)
    assert (asked.to, asked.link, asked.tenant_id) == ("dev@contoso.example", link, "t-1")
    assert link in asked.body and "30 minutes" in asked.body and "t-1" in asked.body
    told = token_replaced_email(tenant, MOMENT)
    assert told.link is None and "no longer works" in told.body


def test_each_step_is_an_audit_event_of_the_tenant() -> None:
    tenant = tenant_record("t-1", email="dev@contoso.example")
    for action in (LINK_SENT, TOKEN_REPLACED):
        entry = token_recovery_event(tenant, action, at=MOMENT, request_id="r-1").entry()
        assert entry["kind"] == AuditKind.MANAGEMENT_TOKEN_RECOVERY.value
        assert (entry["tenant_id"], entry["action"], entry["request_id"]) == ("t-1", action, "r-1")
        assert "dev@contoso.example" in entry["by"]
