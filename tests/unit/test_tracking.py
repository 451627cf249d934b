"""Tracking faces across sampled frames, on synthetic boxes."""

from __future__ import annotations

import pytest

from server.domain.tracking import (
    Box,
    Coverage,
    Observation,
    Tracker,
    TrackingRules,
    cover,
    merge_duplicates,
    observe,
)

FPS = 30.0
RULES = TrackingRules()
HOG, CNN = "detection_01", "detection_02"
STRIDES = {HOG: 3, CNN: 30}


def moving_face(frame: int, *, start: float = 100.0, speed: float = 2.0, top: float = 50.0) -> Box:
    """A 60-pixel face moving right by `speed` pixels a frame."""
    return Box(start + speed * frame, top, 60, 60)


def seen(frame: int, box: Box, model: str = HOG) -> Observation:
    return observe(frame, round(frame * 1000 / FPS), box, 1.0, model)


def run(samples: list[tuple[int, set[str], list[Observation]]]) -> list:
    tracker = Tracker(RULES, FPS)
    for frame, models, detections in samples:
        tracker.update(frame, models, detections)
    return tracker.finish()


def test_box_geometry() -> None:
    a, b = Box(0, 0, 10, 10), Box(5, 0, 10, 10)
    assert a.iou(b) == pytest.approx(50 / 150)
    assert a.iou(Box(20, 20, 5, 5)) == 0.0
    assert a.union(b) == Box(0, 0, 15, 10)
    assert a.lerp(Box(10, 20, 30, 40), 0.5) == Box(5, 10, 20, 25)
    assert Box(10, 10, 10, 20).padded(0.5, 0.25, 0.0) == Box(5, 5, 20, 25)
    assert Box(-3.5, 2.2, 10, 10).clipped(5, 100) == (0, 2, 5, 13)
    assert Box(-30, 0, 10, 10).clipped(100, 100) is None


def test_a_face_moving_steadily_is_one_track() -> None:
    tracks = run([(f, {HOG}, [seen(f, moving_face(f))]) for f in range(0, 90, 3)])
    assert len(tracks) == 1
    assert [o.frame for o in tracks[0].observations] == list(range(0, 90, 3))


def test_a_face_missed_for_a_few_samples_stays_one_track_and_covered_in_between() -> None:
    missed = {30, 33}
    samples = [(f, {HOG}, [] if f in missed else [seen(f, moving_face(f))]) for f in range(0, 90, 3)]
    tracks = run(samples)
    assert len(tracks) == 1
    covered = cover(tracks[0], STRIDES, RULES, FPS)
    for frame in range(27, 37):
        box = covered.box_at(frame)
        assert box is not None and box.iou(moving_face(frame)) > 0.9, frame


def test_a_face_too_fast_to_overlap_links_by_distance_then_velocity() -> None:
    """Moving 14 pixels a frame, the 60-pixel face shifts 42 pixels between samples: IoU 0.18,
    too little to link, until the track has a velocity to predict with."""
    assert moving_face(0, speed=14.0).iou(moving_face(3, speed=14.0)) < RULES.min_iou
    tracks = run([(f, {HOG}, [seen(f, moving_face(f, speed=14.0))]) for f in range(0, 60, 3)])
    assert len(tracks) == 1
    covered = cover(tracks[0], STRIDES, RULES, FPS)
    assert all(covered.box_at(f).iou(moving_face(f, speed=14.0)) > 0.9 for f in range(0, 58))


def test_a_face_far_away_or_of_another_size_is_someone_else() -> None:
    far = run([(0, {HOG}, [seen(0, Box(100, 50, 60, 60))]), (3, {HOG}, [seen(3, Box(190, 50, 60, 60))])])
    bigger = run([(0, {HOG}, [seen(0, Box(100, 50, 60, 60))]), (3, {HOG}, [seen(3, Box(130, 50, 120, 120))])])
    assert len(far) == 2 and len(bigger) == 2


def test_two_faces_side_by_side_stay_two_tracks() -> None:
    samples = [(f, {HOG}, [seen(f, moving_face(f, start=100)), seen(f, moving_face(f, start=175, speed=-1))])
               for f in range(0, 60, 3)]
    tracks = run(samples)
    assert len(tracks) == 2
    assert all(len(track.observations) == 20 for track in tracks)
    assert {round(track.observations[0].box.left) for track in tracks} == {100, 175}


def test_a_track_ends_after_too_many_misses_and_a_new_one_starts() -> None:
    gap = {30, 33, 36}  # three misses in a row: more than max_misses
    samples = [(f, {HOG}, [] if f in gap else [seen(f, moving_face(f))]) for f in range(0, 60, 3)]
    tracks = run(samples)
    assert [(t.first.frame, t.last.frame) for t in tracks] == [(0, 27), (39, 57)]


def test_a_side_face_only_the_cnn_finds_is_not_missed_by_hog_samples() -> None:
    samples = []
    for f in range(0, 120, 3):
        models = {HOG, CNN} if f % 30 == 0 else {HOG}
        samples.append((f, models, [seen(f, moving_face(f, speed=0.5), CNN)] if f % 30 == 0 else []))
    tracks = run(samples)
    assert len(tracks) == 1
    assert [o.frame for o in tracks[0].observations] == [0, 30, 60, 90]


def test_a_face_both_models_find_is_not_lost_while_hog_alone_misses_it() -> None:
    samples = []
    for f in range(0, 64, 3):
        models = {HOG, CNN} if f % 30 == 0 else {HOG}
        both = merge_duplicates([seen(f, moving_face(f), HOG), seen(f, moving_face(f), CNN)], RULES.merge_iou)
        samples.append((f, models, both if f % 30 == 0 else []))
    tracks = run(samples)
    assert len(tracks) == 1 and [o.frame for o in tracks[0].observations] == [0, 30, 60]
    covered = cover(tracks[0], STRIDES, RULES, FPS)
    assert all(covered.box_at(f).iou(moving_face(f)) > 0.9 for f in range(0, 61))


def test_a_cut_ends_every_track_and_bounds_its_coverage() -> None:
    tracker = Tracker(RULES, FPS)
    for f in range(0, 30, 3):
        tracker.update(f, {HOG}, [seen(f, moving_face(0))])
    tracker.cut()
    for f in range(30, 60, 3):
        tracker.update(f, {HOG}, [seen(f, moving_face(0))])
    before, after = tracker.finish()
    assert (before.last.frame, after.first.frame) == (27, 30)
    assert cover(before, STRIDES, RULES, FPS, cuts=[29]).end == 28
    assert cover(after, STRIDES, RULES, FPS, cuts=[29]).start == 29
    assert cover(after, STRIDES, RULES, FPS, cuts=[20]).start == 30 - STRIDES[HOG]


def test_coverage_leads_in_and_coasts_out_within_the_grace() -> None:
    tracks = run([(f, {HOG}, [seen(f, moving_face(f))]) for f in range(30, 60, 3)])
    covered = cover(tracks[0], STRIDES, RULES, FPS)
    assert covered.start == 30 - STRIDES[HOG]
    assert covered.end == 57 + (RULES.max_misses + 1) * STRIDES[HOG]
    assert covered.box_at(covered.start - 1) is None and covered.box_at(covered.end + 1) is None
    assert covered.box_at(28) == moving_face(30)
    coasting = covered.box_at(60)
    assert coasting is not None
    assert coasting.left <= moving_face(57).left and coasting.right >= moving_face(60).right


def test_cnn_coverage_is_capped_by_the_grace() -> None:
    tracks = run([(f, {HOG, CNN}, [seen(f, moving_face(0), CNN)]) for f in (60, 90)])
    covered = cover(tracks[0], STRIDES, RULES, FPS)
    grace = round(RULES.grace_seconds * FPS)
    assert (covered.start, covered.end) == (60 - grace, 90 + grace)


def test_coverage_walks_frames_in_order() -> None:
    first = run([(f, {HOG}, [seen(f, moving_face(f))]) for f in range(0, 30, 3)])[0]
    second = run([(f, {HOG}, [seen(f, moving_face(f, top=200))]) for f in range(60, 90, 3)])[0]
    coverage = Coverage([cover(first, STRIDES, RULES, FPS), cover(second, STRIDES, RULES, FPS)])
    counts = [len(coverage.at(frame)) for frame in range(100)]
    assert counts[0] == 1 and counts[40] == 0 and counts[70] == 1
    assert counts.index(0) == 27 + 9 + 1


def test_duplicates_merge_into_the_first_with_a_covering_extent() -> None:
    hog = seen(0, Box(100, 100, 60, 60), HOG)
    cnn = seen(0, Box(105, 90, 66, 66), CNN)
    other = seen(0, Box(300, 100, 60, 60), CNN)
    merged = merge_duplicates([hog, cnn, other], RULES.merge_iou)
    assert [m.model for m in merged] == [HOG, CNN]
    assert merged[0].found_by == {HOG, CNN} and merged[1].found_by == {CNN}
    assert merged[0].box == hog.box
    assert merged[0].extent == Box(100, 90, 71, 70)
