"""The operator's view: tenants waiting for review, the outbox, the audit trail, the trust list.

    VISAGE_ADMIN_TOKEN=... python sdk/examples/07_admin.py
"""

from __future__ import annotations

from _env import endpoint, need
from visage import AdminClient, AuditKind, LimitedAccess


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
        for entry in admin.list_audit(limit=5):  # detect calls, policy decisions, operator actions, ...
            if entry.kind is AuditKind.POLICY_DECISION:
                what = f"{entry.operation} {entry.decision} {entry.clause or ''}"
            elif entry.kind is AuditKind.DETECT and entry.provenance is not None:
                what = f"content credentials {entry.provenance.status}"
            else:
                what = entry.action or entry.outcome_status or ""
            print(f"{entry.time} {entry.kind.value} {entry.tenant_id or '-'} {what}")
        for anchor in admin.list_trust_anchors():
            print(f"trust anchor {anchor.name} ({anchor.device_class.value}), SHA-256 {anchor.fingerprint_sha256}")


if __name__ == "__main__":
    main()
