"""The rules that doubt a caller's word: EXIF time, claimed times in step with the clock, repeated frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from server.domain.signals import (
    FRAME_GAP_MS,
    FRAME_MAX_DISTANCE,
    ExifTime,
    Frame,
    exif_doubt,
    frame_doubt,
    stream_doubt,
)

CLAIM = "x-visage-captured-at"
THREE_DAYS_AGO = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def local(moment: datetime) -> ExifTime:
    naive = moment.replace(tzinfo=None)
    return ExifTime(naive, naive.strftime("%Y:%m:%d %H:%M:%S"))


def with_offset(moment: datetime, hours: int) -> ExifTime:
    zone = timezone(timedelta(hours=hours))
    return ExifTime(moment.astimezone(zone), "with offset")


@pytest.mark.parametrize(("exif", "claimed", "doubted"), [
    (local(THREE_DAYS_AGO), THREE_DAYS_AGO, False),
    (local(THREE_DAYS_AGO + timedelta(hours=9)), THREE_DAYS_AGO, False),  # camera in UTC+9
    (local(THREE_DAYS_AGO - timedelta(hours=11)), THREE_DAYS_AGO, False),  # camera in UTC-11
    (local(THREE_DAYS_AGO + timedelta(days=3)), THREE_DAYS_AGO, True),  # a frame from today, claimed old
    (local(THREE_DAYS_AGO - timedelta(days=1)), THREE_DAYS_AGO, True),
    (with_offset(THREE_DAYS_AGO, 5), THREE_DAYS_AGO + timedelta(minutes=50), False),
    (with_offset(THREE_DAYS_AGO, 5), THREE_DAYS_AGO + timedelta(hours=3), True),
    (None, THREE_DAYS_AGO, False),
    (local(THREE_DAYS_AGO), None, False),
])
def test_the_cameras_own_capture_time_doubts_a_claim_it_cannot_match(
        exif: ExifTime | None, claimed: datetime | None, doubted: bool) -> None:
    doubt = exif_doubt(exif, claimed, CLAIM)
    assert (doubt is not None) is doubted
    if doubt:
        assert "EXIF DateTimeOriginal" in doubt and CLAIM in doubt


def test_an_exif_time_after_the_claim_says_so() -> None:
    doubt = exif_doubt(local(THREE_DAYS_AGO + timedelta(days=3)), THREE_DAYS_AGO, CLAIM)
    assert doubt is not None and " after " in doubt and "days" in doubt


def stream(steps_ms: list[int], claimed_steps_ms: list[int]) -> list[tuple[int, int]]:
    """(claimed, server) pairs, newest first, from steps oldest first."""
    server, claimed = 1_000_000, 500_000
    pairs = [(claimed, server)]
    for step, claimed_step in zip(steps_ms, claimed_steps_ms, strict=True):
        server, claimed = server + step, claimed + claimed_step
        pairs.append((claimed, server))
    return list(reversed(pairs))


@pytest.mark.parametrize(("steps", "claimed_steps", "doubted"), [
    ([1000, 1000, 1000], [1000, 1000, 1000], True),
    ([2000, 1500, 3000], [2100, 1450, 3050], True),
    ([60_000, 60_000, 60_000], [61_000, 59_500, 60_000], True),
    ([1000, 1000], [1000, 1000], False),  # too few calls
    ([1000, 1000, 1000], [0, 0, 0], False),  # one recording's single time, sent three times
    ([1000, 1000, 1000], [40, 40, 40], False),  # frames of a recording processed slower than real time
    ([800, 1300, 900], [1000, 1000, 1000], True),  # a live stream's frames arriving with jitter
    ([1000, 1000, 1000], [1000, 1900, 1500], False),  # the run drifts from the clock by more than allowed
    ([1000, 1000, 1000], [1000, 2100, 1000], False),  # a step twice as long as the clock's
    ([1000, 1000, 1000], [-1000, -1000, -1000], False),
    ([11 * 60_000] * 3, [11 * 60_000] * 3, False),  # too far apart to be a stream
])
def test_claimed_times_that_advance_with_the_clock_are_a_stream(steps: list[int], claimed_steps: list[int],
                                                                doubted: bool) -> None:
    doubt = stream_doubt(stream(steps, claimed_steps))
    assert (doubt is not None) is doubted
    if doubt:
        assert "in step with the clock" in doubt


def frames(*specs: tuple[int, str, int]) -> list[Frame]:
    """(hash, digest, ms) newest first."""
    return [Frame(phash, digest, at_ms) for phash, digest, at_ms in specs]


NEAR = (1 << FRAME_MAX_DISTANCE) - 1  # differs from 0 in FRAME_MAX_DISTANCE bits
FAR = (1 << (FRAME_MAX_DISTANCE + 1)) - 1


@pytest.mark.parametrize(("run", "doubted"), [
    (frames((0, "c", 2000), (NEAR, "b", 1000), (0, "a", 0)), True),
    (frames((0, "c", FRAME_GAP_MS * 2), (0, "b", FRAME_GAP_MS), (0, "a", 0)), True),
    (frames((0, "c", 2000), (NEAR, "b", 1000)), False),  # two frames are not a run
    (frames((0, "a", 2000), (0, "a", 1000), (0, "a", 0)), False),  # the same file resent
    (frames((0, "c", 2000), (FAR, "b", 1000), (0, "a", 0)), False),  # another picture between
    (frames((0, "c", FRAME_GAP_MS * 2 + 1), (0, "b", FRAME_GAP_MS), (0, "a", 0)), False),  # slower than video
])
def test_near_identical_frames_at_a_videos_rate_are_a_stream(run: list[Frame], doubted: bool) -> None:
    doubt = frame_doubt(run)
    assert (doubt is not None) is doubted
    if doubt:
        assert "near-identical frames" in doubt
