"""Limited Access review at signup: which tenants get recognition at once and which wait.

Detection needs no approval. Verification and identification do: customer types an operator
trusts are approved automatically, the others wait for a person to review them.
"""

from __future__ import annotations

from collections.abc import Collection

from server.domain.tenants import AccessReview, CustomerType

AUTO_APPROVED_TYPES = frozenset({
    CustomerType.COMMERCIAL, CustomerType.EDUCATION, CustomerType.HEALTHCARE,
    CustomerType.NONPROFIT, CustomerType.INDIVIDUAL,
})
"""Approved for recognition without review, unless something else calls for one."""


def initial_access(
    customer_type: CustomerType,
    *,
    auto_approved: Collection[CustomerType] = AUTO_APPROVED_TYPES,
) -> tuple[AccessReview, tuple[str, ...]]:
    """Where Limited Access starts, and the reasons when a review is needed."""
    if customer_type in auto_approved:
        return AccessReview.APPROVED, ()
    return AccessReview.PENDING, (f"customer type {customer_type.value} is reviewed by an operator",)
