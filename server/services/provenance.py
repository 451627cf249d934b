"""What an image shows about its capture: its content credentials validated against the operator's
trust list as it is at this moment (read from Redis on every call: a deleted anchor stops counting
at once), and the doubts of the signals a caller cannot choose."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

import numpy as np
from redis import Redis

from server import defaults
from server.domain.callers import Caller
from server.domain.provenance import Provenance, ProvenanceStatus
from server.services.signals import image_doubts
from server.store.trust_anchors import TrustAnchorStore
from server.vision.images import decode_image
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


@dataclasses.dataclass(frozen=True)
class ImageEvidence:
    """An image a call sends, decoded once, with what its content credentials show and what the
    signals a caller cannot choose make of it."""

    image: bytes
    pixels: np.ndarray
    provenance: Provenance
    doubts: tuple[str, ...]

    @property
    def identity(self) -> str:
        """The image's own identity, for counting it as one face among a tenant's recent faces."""
        return hashlib.sha256(self.image).hexdigest()


def examine_image(redis: Redis, caller: Caller, image: bytes, *,
                  min_bytes: int = defaults.MIN_IMAGE_BYTES) -> ImageEvidence:
    """Decode an image and read its provenance against the trust list as it is now; its doubts
    are remembered for the next calls of the same tenant (a stream shows across calls)."""
    pixels = decode_image(image, min_bytes=min_bytes).pixels
    provenance = provenance_of(redis, image)
    doubts = image_doubts(redis, caller.tenant_id, image, pixels, caller.capture, provenance)
    return ImageEvidence(image, pixels, provenance, doubts)
