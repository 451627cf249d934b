"""The operator's trust list: add, list, get and delete anchors, each change audited.

The admin routes call these with the request's JSON fields as they came; every check is here.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from redis import Redis

from server.domain.audit import trust_list_event
from server.domain.clock import now
from server.domain.trust_anchors import (
    MAX_TRUST_ANCHORS,
    TrustAnchor,
    TrustAnchorExists,
    TrustAnchorNotFound,
    new_trust_anchor,
)
from server.errors import BadArgument
from server.store.audit import AuditLog
from server.store.trust_anchors import AlreadyListed, TrustAnchorStore, TrustListFull


def add_trust_anchor(redis: Redis, *, name: object, certificate: object, device_class: object) -> TrustAnchor:
    at = now()
    anchor = new_trust_anchor(str(uuid.uuid4()), name, certificate, device_class, at=at)
    try:
        TrustAnchorStore(redis).add(anchor, max_anchors=MAX_TRUST_ANCHORS)
    except AlreadyListed as listed:
        raise TrustAnchorExists(f"This certificate authority is already listed, as trust anchor "
                                f"{listed.anchor_id}.") from None
    except TrustListFull:
        raise BadArgument(f"The trust list holds {MAX_TRUST_ANCHORS} anchors, its limit; delete one first.") from None
    audit_trust_list_change(redis, "add", anchor, at)
    return anchor


def list_trust_anchors(redis: Redis) -> list[TrustAnchor]:
    return TrustAnchorStore(redis).list()


def get_trust_anchor(redis: Redis, anchor_id: str) -> TrustAnchor:
    anchor = TrustAnchorStore(redis).get(anchor_id)
    if anchor is None:
        raise TrustAnchorNotFound()
    return anchor


def delete_trust_anchor(redis: Redis, anchor_id: str) -> None:
    anchor = get_trust_anchor(redis, anchor_id)
    if not TrustAnchorStore(redis).delete(anchor):
        raise TrustAnchorNotFound()
    audit_trust_list_change(redis, "remove", anchor, now())


def audit_trust_list_change(redis: Redis, action: str, anchor: TrustAnchor, at: datetime) -> None:
    """A trust-list change on the audit trail: what identifies the authority added or removed."""
    AuditLog(redis).append_event(trust_list_event(action, {
        "trust_anchor_id": anchor.anchor_id,
        "name": anchor.name,
        "device_class": anchor.device_class.value,
        "certificate_sha256": anchor.fingerprint,
        "certificate_subject": anchor.subject,
    }, at=at))
