"""Capture context headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.domain.capture import Camera, CaptureContext, CaptureMode
from server.errors import BadArgument


def test_absent_headers_give_an_empty_context() -> None:
    assert CaptureContext.from_headers({}) == CaptureContext()


def test_headers_are_parsed_case_insensitively() -> None:
    context = CaptureContext.from_headers({
        "X-Visage-Capture-Mode": "Recorded",
        "x-visage-captured-at": "2026-01-31T09:30:00+01:00",
        "X-VISAGE-CAMERA": "body-worn",
    })
    assert context.mode is CaptureMode.RECORDED
    assert context.captured_at == datetime(2026, 1, 31, 8, 30, tzinfo=UTC)
    assert context.camera is Camera.BODY_WORN


@pytest.mark.parametrize(("name", "value"), [
    ("x-visage-capture-mode", "streaming"),
    ("x-visage-camera", "drone"),
    ("x-visage-captured-at", "yesterday"),
    ("x-visage-captured-at", "2026-01-31T09:30:00"),
])
def test_malformed_headers_are_refused_not_ignored(name: str, value: str) -> None:
    with pytest.raises(BadArgument, match=name):
        CaptureContext.from_headers({name: value})


def test_context_round_trips_through_a_record() -> None:
    context = CaptureContext(CaptureMode.LIVE, datetime(2026, 5, 1, tzinfo=UTC), Camera.DASH)
    assert CaptureContext.from_record(context.to_record()) == context


def test_a_capture_time_beyond_the_representable_range_is_a_bad_argument() -> None:
    with pytest.raises(BadArgument, match="x-visage-captured-at"):
        CaptureContext.from_headers({"x-visage-captured-at": "9999-12-31T23:59:59-23:59"})
