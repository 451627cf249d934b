"""Capture context: how the pixels of a request were captured, from the x-visage-* headers.

The terms-of-use engine needs it, and a faceId keeps the context of the detect call that made it
(a face detected from live capture stays live whatever later calls claim).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar

from server.domain.clock import format_time, parse_time
from server.errors import BadArgument

MODE_HEADER = "x-visage-capture-mode"
CAPTURED_AT_HEADER = "x-visage-captured-at"
CAMERA_HEADER = "x-visage-camera"

E = TypeVar("E", bound=enum.Enum)


class CaptureMode(enum.StrEnum):
    LIVE = "live"
    RECORDED = "recorded"


class Camera(enum.StrEnum):
    BODY_WORN = "body-worn"
    DASH = "dash"
    FIXED = "fixed"
    HANDHELD = "handheld"
    UNKNOWN = "unknown"


@dataclasses.dataclass(frozen=True)
class CaptureContext:
    mode: CaptureMode | None = None
    captured_at: datetime | None = None
    camera: Camera | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> CaptureContext:
        """Read the optional headers; a present but malformed one is a BadArgument, never ignored."""
        lowered = {name.lower(): value for name, value in headers.items()}
        mode = _enum_header(lowered, MODE_HEADER, CaptureMode)
        camera = _enum_header(lowered, CAMERA_HEADER, Camera)
        captured_at = None
        if (raw := lowered.get(CAPTURED_AT_HEADER)) is not None:
            try:
                captured_at = parse_time(raw.strip())
            except ValueError:
                raise BadArgument(
                    f"Header {CAPTURED_AT_HEADER} must be an RFC 3339 time with an offset, "
                    f"for example 2026-01-31T09:30:00Z."
                ) from None
        return cls(mode=mode, captured_at=captured_at, camera=camera)

    def to_record(self) -> dict[str, str]:
        return {
            "capture_mode": self.mode.value if self.mode else "",
            "captured_at": format_time(self.captured_at) if self.captured_at else "",
            "camera": self.camera.value if self.camera else "",
        }

    @classmethod
    def from_record(cls, raw: Mapping[str, str]) -> CaptureContext:
        return cls(
            mode=CaptureMode(raw["capture_mode"]) if raw.get("capture_mode") else None,
            captured_at=parse_time(raw["captured_at"]) if raw.get("captured_at") else None,
            camera=Camera(raw["camera"]) if raw.get("camera") else None,
        )


def _enum_header(headers: Mapping[str, str], name: str, kind: type[E]) -> E | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return kind(raw.strip().lower())
    except ValueError:
        allowed = "|".join(str(member.value) for member in kind)
        raise BadArgument(f"Header {name} must be one of {allowed}.") from None
