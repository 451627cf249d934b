"""The provenance of an image as the data plane sees it: validated against the operator's trust list
as it is at this moment (read from Redis on every call: a deleted anchor stops counting at once)."""

from __future__ import annotations

from collections.abc import Sequence

from redis import Redis

from server.domain.provenance import Provenance, ProvenanceStatus
from server.store.trust_anchors import TrustAnchorStore
from server.vision.provenance import read_provenance

ANCHOR_REMOVED = "the trust anchor it was signed under has been removed from the trust list"


def provenance_of(redis: Redis, image: bytes) -> Provenance:
    return read_provenance(image, TrustAnchorStore(redis).list())


def as_trusted_now(redis: Redis, stored: Sequence[Provenance]) -> tuple[Provenance, ...]:
    """Stored provenance (of faceIds) checked against the trust list as it is now: a face trusted under
    an anchor the operator has since removed (a manufacturer's key leaked, say) is untrusted from then on."""
    if not any(provenance.trusted for provenance in stored):
        return tuple(stored)
    listed = {anchor.anchor_id for anchor in TrustAnchorStore(redis).list()}
    return tuple(
        Provenance(ProvenanceStatus.UNTRUSTED, reasons=(ANCHOR_REMOVED,))
        if provenance.trusted and provenance.anchor_id not in listed else provenance
        for provenance in stored
    )
