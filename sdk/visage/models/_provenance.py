"""Models of C2PA provenance: the operator's trust anchors, and what an image's content credentials
showed as the audit trail keeps it (snake_case on the wire, as the operator API is Visage's own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from visage.enums import DeviceClass, ProvenanceStatus
from visage.models._wire import WireModel


@dataclass(frozen=True, slots=True)
class TrustAnchor(WireModel):
    """A capture-device certificate authority on the operator's trust list. Images signed (C2PA) under
    it are trusted: their capture time is the manifest's `c2pa.created` time, their camera `device_class`.
    Compare `fingerprint_sha256` with the one the manufacturer gave you over a channel you trust."""

    _wire_case: ClassVar[str] = "snake"
    id: str
    name: str
    device_class: DeviceClass
    certificate: str
    """The CA certificate, PEM."""
    fingerprint_sha256: str
    subject: str
    not_after: datetime
    """When the CA certificate expires: after it, the anchor vouches for nothing."""
    created: datetime


@dataclass(frozen=True, slots=True)
class Provenance(WireModel):
    """What the content credentials of an image showed. Only trusted provenance has a capture time
    (the `when` of the manifest's `c2pa.created` action) and a device class (its trust anchor's)."""

    _wire_case: ClassVar[str] = "snake"
    status: ProvenanceStatus
    captured_at: datetime | None = None
    device_class: DeviceClass | None = None
    trust_anchor_id: str | None = None

    @property
    def trusted(self) -> bool:
        return self.status is ProvenanceStatus.TRUSTED
