"""Capture context: how the pixels of a request were captured, sent as the x-visage-* headers.

The terms of use decide on it (law-enforcement tenants may not identify people in real time), and a
faceId keeps the context of the detect call that made it. Absent or doubtful context counts as real
time on the server, so say `recorded` when footage is recorded::

    capture = CaptureContext.recorded(captured_at=datetime(2026, 1, 31, 9, 30, tzinfo=UTC))
    client.detect(photo, capture=capture)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from visage.enums import ExtensibleEnum

MODE_HEADER = "x-visage-capture-mode"
CAPTURED_AT_HEADER = "x-visage-captured-at"
CAMERA_HEADER = "x-visage-camera"


class CaptureMode(ExtensibleEnum):
    LIVE = "live"
    """Pixels from a camera now (real time)."""
    RECORDED = "recorded"
    """Pixels from stored footage or photos."""


class Camera(ExtensibleEnum):
    BODY_WORN = "body-worn"
    DASH = "dash"
    FIXED = "fixed"
    HANDHELD = "handheld"
    UNKNOWN = "unknown"


def format_time(moment: datetime) -> str:
    """RFC 3339 with an offset (UTC is written with a Z)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            "captured_at needs a time zone (RFC 3339 requires an offset), for example "
            "datetime(2026, 1, 31, 9, 30, tzinfo=datetime.UTC)"
        )
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True, slots=True)
class CaptureContext:
    """How the image of a call was captured. Build it with `live()` or `recorded()`."""

    mode: CaptureMode | None = None
    captured_at: datetime | None = None
    camera: Camera | None = None

    def __post_init__(self) -> None:
        if self.captured_at is not None:
            format_time(self.captured_at)  # a naive datetime cannot be sent: fail where it was made

    @classmethod
    def live(cls, *, camera: Camera | None = None, captured_at: datetime | None = None) -> CaptureContext:
        """Real-time capture, for example `CaptureContext.live(camera=Camera.BODY_WORN)`."""
        return cls(mode=CaptureMode.LIVE, captured_at=captured_at, camera=camera)

    @classmethod
    def recorded(cls, *, captured_at: datetime, camera: Camera | None = None) -> CaptureContext:
        """Recorded footage or photos, with the (time-zone aware) moment they were captured."""
        return cls(mode=CaptureMode.RECORDED, captured_at=captured_at, camera=camera)

    def to_headers(self) -> dict[str, str]:
        """The x-visage-* request headers; absent parts are not sent."""
        headers: dict[str, str] = {}
        if self.mode is not None:
            headers[MODE_HEADER] = self.mode.value
        if self.captured_at is not None:
            headers[CAPTURED_AT_HEADER] = format_time(self.captured_at)
        if self.camera is not None:
            headers[CAMERA_HEADER] = self.camera.value
        return headers

    def to_body(self) -> dict[str, Any]:
        """The management API's JSON form (`{"mode", "captured_at", "camera"}`), for the policy dry run."""
        return {
            "mode": self.mode.value if self.mode is not None else None,
            "captured_at": format_time(self.captured_at) if self.captured_at is not None else None,
            "camera": self.camera.value if self.camera is not None else None,
        }


def capture_headers(capture: CaptureContext | None) -> dict[str, str]:
    return capture.to_headers() if capture is not None else {}
