"""Audit entries of recognition decisions, and the hash chain that makes editing them detectable.

Each entry's hash is sha256(previous hash + canonical JSON of the entry), the first entry's
previous hash being GENESIS. Changing, removing or reordering an entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from server.domain.clock import format_time
from server.domain.policy import PolicyDecision, PolicyRequest

GENESIS = "0" * 64
"""The previous hash of the first entry."""

HASH_FIELD = "hash"
"""Stored with each entry: its own hash."""

PREV_FIELD = "prev"
"""Stored with each entry: the hash it chains from (a mismatch there tells a removed entry from an
edited one)."""


def canonical_json(entry: Mapping[str, str]) -> str:
    return json.dumps(dict(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, entry: Mapping[str, str]) -> str:
    content = {key: value for key, value in entry.items() if key not in (HASH_FIELD, PREV_FIELD)}
    return hashlib.sha256((prev_hash + canonical_json(content)).encode("utf-8")).hexdigest()


def entry_of(
    request: PolicyRequest,
    decision: PolicyDecision,
    *,
    request_id: str,
    deployment_id: str,
    deployment_name: str,
) -> dict[str, str]:
    """A decision as flat strings: who, what, how it was captured, what was decided and under which clause."""
    capture = request.capture
    return {
        "time": format_time(request.at),
        "request_id": request_id,
        "tenant_id": request.tenant.tenant_id,
        "customer_type": request.tenant.customer_type.value,
        "country": request.tenant.country,
        "deployment_id": deployment_id,
        "deployment": deployment_name,
        "sku": request.sku.value,
        "operation": request.operation.value,
        "capture_mode": capture.mode.value if capture.mode else "",
        "captured_at": format_time(capture.captured_at) if capture.captured_at else "",
        "camera": capture.camera.value if capture.camera else "",
        "face_modes": ",".join(face.mode.value if face.mode else "none" for face in request.face_captures),
        "recent_calls": str(request.recent_recognition_calls),
        "realtime": "" if decision.realtime is None else str(decision.realtime).lower(),
        "decision": "allowed" if decision.allowed else "refused",
        "code": decision.code or "",
        "clause": decision.clause or "",
        "policy_version": decision.policy_version,
        "reasons": json.dumps(list(decision.reasons), ensure_ascii=False),
    }


def public_entry(entry_id: str, entry: Mapping[str, str]) -> dict[str, object]:
    """An entry as the audit API shows it: its stream id first, reasons as a list, realtime as a bool."""
    shown: dict[str, object] = {"id": entry_id, **entry}
    if "reasons" in entry:
        shown["reasons"] = json.loads(entry["reasons"] or "[]")
    shown["realtime"] = {"true": True, "false": False}.get(entry.get("realtime", ""))
    return shown
