"""The provenance of an image as the data plane sees it: validated against the operator's trust list
as it is at this moment (read from Redis on every call: a deleted anchor stops counting at once)."""

from __future__ import annotations

from redis import Redis

from server.domain.provenance import Provenance
from server.store.trust_anchors import TrustAnchorStore
from server.vision.provenance import read_provenance


def provenance_of(redis: Redis, image: bytes) -> Provenance:
    return read_provenance(image, TrustAnchorStore(redis).list())
