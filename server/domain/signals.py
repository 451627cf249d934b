"""Signals a lying caller cannot choose: rules that doubt a claimed capture, each doubt a sentence.

A doubt counts as real time for law enforcement (terms 2026-12 on) and goes into the audit entry of
every recognition decision. The facts come from the image itself (its EXIF capture time, its
pixels) and from Redis's own clock, never from the caller's or the host's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from server.domain.clock import format_time

EXIF_TOLERANCE = timedelta(hours=1)
"""How far a camera's EXIF clock may stray from a claimed capture time before it is a doubt: cameras
set by hand drift by minutes, and daylight saving moves them by an hour."""

UTC_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))
"""The range of local time zones: an EXIF time without OffsetTimeOriginal is local time somewhere in it."""

STREAM_STEPS = 3
"""Consecutive calls whose claimed capture times advance exactly as the clock does before that is a
doubt: two could be chance, three in a row is a clock running alongside ours."""

STREAM_MAX_STEP_MS = 10 * 60 * 1000
"""Steps further apart than ten minutes are not a stream."""

STREAM_STEP_RATIO = (0.5, 2.0)
"""Each claimed step must be within half and twice the clock's step: a frame that took longer to arrive
is followed by one that took less, but a recording processed faster or slower than real time is not."""

STREAM_TOLERANCE_MS = 1000
"""How closely the claimed times must track the clock over the whole run (jitter evens out over it)..."""

STREAM_TOLERANCE_SHARE = 0.05
"""...or within 5% of the run, for slower streams."""

FRAME_RUN = 3
"""Near-identical frames in a row (this image and the two before it) that make a video stream."""

FRAME_GAP_MS = 2000
"""Frames at most two seconds apart are a video's frame rate, sampled down to half a frame a second."""

FRAME_MAX_DISTANCE = 6
"""Bits (of 64) by which the perceptual hashes of two frames of one scene may differ: motion and sensor
noise move a few bits; different photos differ by about half of them."""


@dataclasses.dataclass(frozen=True)
class ExifTime:
    moment: datetime
    """Aware when the image gave OffsetTimeOriginal; otherwise naive: local time somewhere."""
    text: str


@dataclasses.dataclass(frozen=True)
class Frame:
    phash: int
    digest: str
    """A hash of the image's bytes: the same file sent twice is one frame, not two."""
    at_ms: int
    """Redis's time when it arrived."""


def exif_doubt(exif: ExifTime | None, claimed: datetime | None, claim: str) -> str | None:
    """A doubt when the camera's own capture time cannot be the claimed one (`claim` names the claim)."""
    if exif is None or claimed is None:
        return None
    if exif.moment.tzinfo is not None:
        earliest = latest = exif.moment.astimezone(UTC)
    else:
        local = exif.moment.replace(tzinfo=UTC)
        earliest, latest = local - UTC_OFFSETS[1], local - UTC_OFFSETS[0]
    if earliest - EXIF_TOLERANCE <= claimed <= latest + EXIF_TOLERANCE:
        return None
    gap = earliest - claimed if claimed < earliest else claimed - latest
    direction = "after" if claimed < earliest else "before"
    return (f"the image's EXIF DateTimeOriginal ({exif.text}) is at least {_span(gap)} {direction} {claim} "
            f"({format_time(claimed)})")


def stream_doubt(history: Sequence[tuple[int, int]]) -> str | None:
    """A doubt when claimed capture times advanced in step with Redis's clock over the last calls.

    `history` holds (claimed capture ms, Redis ms) pairs, newest first, this call's included."""
    if len(history) < STREAM_STEPS + 1:
        return None
    recent = list(history[:STREAM_STEPS + 1])
    for (claimed, server), (earlier_claimed, earlier_server) in zip(recent, recent[1:], strict=False):
        step, claimed_step = server - earlier_server, claimed - earlier_claimed
        low, high = STREAM_STEP_RATIO
        if not (0 < step <= STREAM_MAX_STEP_MS and low * step <= claimed_step <= high * step):
            return None
    span_ms, claimed_span_ms = recent[0][1] - recent[-1][1], recent[0][0] - recent[-1][0]
    if abs(claimed_span_ms - span_ms) > max(STREAM_TOLERANCE_MS, span_ms * STREAM_TOLERANCE_SHARE):
        return None
    return (f"the claimed capture time advanced in step with the clock over the last {STREAM_STEPS + 1} calls "
            f"({span_ms / 1000:.1f} seconds): a live stream with a shifted timestamp")


def frame_doubt(frames: Sequence[Frame]) -> str | None:
    """A doubt when this image and the ones before it are near-identical frames at a video's frame rate.

    `frames` is newest first, this image's included."""
    run = list(frames[:FRAME_RUN])
    if len(run) < FRAME_RUN:
        return None
    for newer, older in zip(run, run[1:], strict=False):
        if not (0 <= newer.at_ms - older.at_ms <= FRAME_GAP_MS and newer.digest != older.digest
                and hamming(newer.phash, older.phash) <= FRAME_MAX_DISTANCE):
            return None
    return (f"this image and the {FRAME_RUN - 1} before it are near-identical frames of one scene arriving "
            f"{(run[0].at_ms - run[-1].at_ms) / 1000:.1f} seconds apart in all: a live video stream")


def hamming(first: int, second: int) -> int:
    return (first ^ second).bit_count()


def _span(gap: timedelta) -> str:
    hours = gap.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"
