"""The operator's view: tenants waiting for review, the outbox, the audit trail.

    VISAGE_ADMIN_TOKEN=... python sdk/examples/07_admin.py
"""

from __future__ import annotations

from _env import endpoint, need
from visage import AdminClient, LimitedAccess


def main() -> None:
    with AdminClient(endpoint(), need("VISAGE_ADMIN_TOKEN")) as admin:
        waiting = list(admin.list_tenants(limited_access=LimitedAccess.PENDING_REVIEW))
        print(f"{len(waiting)} tenant(s) waiting for Limited Access review")
        for tenant in waiting:
            print(f"- {tenant.tenant_id} {tenant.organization} ({tenant.customer_type.value}, {tenant.country}):"
                  f" {'; '.join(tenant.review_reasons)}")
        # To decide: admin.review_tenant(tenant_id, decision=ReviewDecision.APPROVE, reason="...")

        for message in list(admin.list_outbox())[:3]:
            print(f"email to {message.to}: {message.subject}")
        for entry in admin.list_audit(limit=5):
            print(f"{entry.time} {entry.tenant_id} {entry.operation} {entry.decision} {entry.clause or ''}")


if __name__ == "__main__":
    main()
