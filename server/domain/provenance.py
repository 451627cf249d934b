"""Provenance: what the C2PA content credentials of an image say, once validated against the trust list.

An image carries no manifest (`none`), a manifest Visage cannot trust (`untrusted`: unknown signer,
broken signature, pixels changed after signing, expired certificate, unreadable manifest), or one it
trusts (`trusted`: the signature chain ends at a trust anchor the operator listed, validation reports
no error and the asset hash matches the bytes sent). Only a trusted manifest yields a capture time
(the `when` of its `c2pa.created` action) and a device class (the anchor's).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import datetime

from server.domain.clock import format_time, parse_time


class ProvenanceStatus(enum.StrEnum):
    NONE = "none"
    UNTRUSTED = "untrusted"
    TRUSTED = "trusted"


class DeviceClass(enum.StrEnum):
    """What kind of capture device (or system) a trust anchor's certificates are issued to."""

    BODY_WORN = "body-worn"
    DASH = "dash"
    FIXED = "fixed"
    HANDHELD = "handheld"
    EVIDENCE_SYSTEM = "evidence-system"

    @property
    def is_camera(self) -> bool:
        """An evidence system signs footage from any camera, so its class says nothing about the camera."""
        return self is not DeviceClass.EVIDENCE_SYSTEM


PATROL_CAMERAS = frozenset({DeviceClass.BODY_WORN, DeviceClass.DASH})
"""The cameras the real-time clause is about: officers on patrol."""

RECORD_FIELDS = ("provenance", "provenance_captured_at", "provenance_device_class", "provenance_anchor")
"""The flat fields a stored face keeps its provenance in (beside its capture context)."""


@dataclasses.dataclass(frozen=True)
class Provenance:
    status: ProvenanceStatus = ProvenanceStatus.NONE
    captured_at: datetime | None = None
    """The `when` of the active manifest's c2pa.created action; only ever set when trusted."""
    device_class: DeviceClass | None = None
    """The class of the trust anchor the signature chain ends at; only ever set when trusted."""
    anchor_id: str | None = None
    anchor_name: str | None = None
    codes: tuple[str, ...] = ()
    """C2PA validation status codes that explain the status (failures and notes, not successes)."""
    reasons: tuple[str, ...] = ()
    """The status in words, for the audit trail and the refusal message."""

    @property
    def trusted(self) -> bool:
        return self.status is ProvenanceStatus.TRUSTED

    def to_record(self) -> dict[str, str]:
        return {
            "provenance": self.status.value,
            "provenance_captured_at": format_time(self.captured_at) if self.captured_at else "",
            "provenance_device_class": self.device_class.value if self.device_class else "",
            "provenance_anchor": self.anchor_id or "",
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> Provenance:
        """Read what `to_record` wrote; a record from before provenance existed reads as none."""
        status = ProvenanceStatus(raw.get("provenance") or ProvenanceStatus.NONE.value)
        if status is not ProvenanceStatus.TRUSTED:
            return cls(status)
        captured_at, device_class = raw.get("provenance_captured_at"), raw.get("provenance_device_class")
        return cls(
            status,
            captured_at=parse_time(captured_at) if captured_at else None,
            device_class=DeviceClass(device_class) if device_class else None,
            anchor_id=raw.get("provenance_anchor") or None,
        )

    def to_json(self) -> dict[str, str]:
        """The record with empty fields left out, for records kept as JSON (persisted faces)."""
        return {key: value for key, value in self.to_record().items() if value}


NO_PROVENANCE = Provenance()
"""An image without content credentials, and every face stored before provenance was read."""

