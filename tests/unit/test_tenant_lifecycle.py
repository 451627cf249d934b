"""Status changes and operator decisions on a tenant, in memory."""

from __future__ import annotations

import pytest

from server.domain import lifecycle, review
from server.domain.tenants import AccessReview, CustomerType, TenantStatus
from tests.support.policy import NOW, tenant


def test_verifying_the_email_activates_the_tenant() -> None:
    verified = lifecycle.email_verified(tenant(status=TenantStatus.PENDING_VERIFICATION, email_verified_at=None), NOW)
    assert verified.status is TenantStatus.ACTIVE and verified.email_verified_at == NOW


def test_verifying_a_suspended_tenant_keeps_it_suspended() -> None:
    verified = lifecycle.email_verified(tenant(status=TenantStatus.SUSPENDED, email_verified_at=None), NOW)
    assert verified.status is TenantStatus.SUSPENDED and verified.email_verified


def test_suspend_and_reinstate_record_decisions_and_restore_the_status() -> None:
    pending = tenant(status=TenantStatus.PENDING_VERIFICATION, email_verified_at=None)
    suspended = lifecycle.suspended(pending, "abuse report", NOW)
    assert suspended.status is TenantStatus.SUSPENDED
    back = lifecycle.reinstated(suspended, "resolved", NOW)
    assert back.status is TenantStatus.PENDING_VERIFICATION
    assert [(d.decision, d.reason, d.by) for d in back.decisions] == [
        ("suspend", "abuse report", "operator"), ("reinstate", "resolved", "operator")]
    assert lifecycle.reinstated(lifecycle.suspended(tenant(), "x", NOW), "y", NOW).status is TenantStatus.ACTIVE


def test_suspending_twice_or_reinstating_an_active_tenant_is_a_conflict() -> None:
    with pytest.raises(lifecycle.TenantAlreadySuspended):
        lifecycle.suspended(tenant(status=TenantStatus.SUSPENDED), "again", NOW)
    with pytest.raises(lifecycle.TenantNotSuspended):
        lifecycle.reinstated(tenant(), "why", NOW)


def test_approving_with_a_corrected_customer_type_records_both_decisions() -> None:
    misdeclared = tenant("commercial", "GB", access=AccessReview.PENDING)
    decided = review.reviewed(misdeclared, "approve", "Met Police analytics unit", NOW,
                              customer_type=CustomerType.LAW_ENFORCEMENT)
    assert decided.customer_type is CustomerType.LAW_ENFORCEMENT and decided.access is AccessReview.APPROVED
    assert [d.decision for d in decided.decisions] == ["correct_customer_type", "approve"]
    assert decided.decisions[0].reason == "commercial -> law_enforcement: Met Police analytics unit"


def test_rejecting_sets_access_rejected() -> None:
    decided = review.reviewed(tenant(access=AccessReview.PENDING), "reject", "use case not eligible", NOW)
    assert decided.access is AccessReview.REJECTED and decided.decisions[-1].reason == "use case not eligible"
