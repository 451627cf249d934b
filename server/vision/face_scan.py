"""One pass over a video: detect faces on the sampled frames and follow them into tracks.

Cuts between shots are found on the way (every frame is decoded anyway): no track carries over a
cut, no box is held across one, and every model of the plan looks at the first frame of a new
shot, so that a face there is found at once rather than at the next sample a model is due.

Shared by redaction (which then covers every track on every frame it spans) and the Rekognition
video jobs (which report each detection, with details the caller's `describe` computes from the
frame while it is decoded).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

import cv2
import numpy as np

from server.domain.detection import DetectionModel
from server.domain.redaction import FaceRectangle, FaceTrack, TrackedFace
from server.domain.sampling import DetectionPass, Schedule
from server.domain.tracking import (
    Box,
    CoveredTrack,
    Observation,
    Track,
    Tracker,
    TrackingRules,
    cover,
    merge_duplicates,
    observe,
)
from server.vision import detector
from server.vision.video import VideoReader

Detail = TypeVar("Detail")

CUT_THUMBNAIL = (64, 36)
CUT_DIFFERENCE = 20.0
"""A cut is a frame whose 64 x 36 grey thumbnail differs from the previous one's by at least 20
grey levels on average. On the test clip its three cuts measure 28 to 31, and nothing else above
14, panning and zooming included."""

MIN_SHOT_SECONDS = 0.5
"""Cuts closer than this to the last one (flashes, strobes, a glitchy stream) still end tracks, but
do not run every model again: the cost of a video stays bounded by its plan."""

Progress = Callable[[int], None]
"""Called with the percentage done, 0 to 100, each time it grows. It may raise to stop the work
(a job that is cancelled, or that the terms of use no longer allow)."""


class ProgressMeter:
    """Maps one phase's own progress onto its share of the whole, and reports each new percentage once."""

    def __init__(self, report: Progress | None) -> None:
        self._report = report
        self._last = -1

    def phase(self, start: int, end: int, done: float, total: float) -> None:
        fraction = min(1.0, max(0.0, done / total)) if total > 0 else 0.0
        self.set(start + int((end - start) * fraction))

    def set(self, percent: int) -> None:
        if self._report is not None and percent > self._last:
            self._last = percent
            self._report(percent)


@dataclasses.dataclass(frozen=True)
class FaceScan(Generic[Detail]):
    tracks: list[Track]
    details: list[Detail]  # by Observation.key
    frames: int  # decoded
    duration_ms: int
    schedule: Schedule
    cuts: list[int]  # first frames of new shots

    def covered(self, rules: TrackingRules, fps: float) -> list[CoveredTrack]:
        strides = self.schedule.by_name()
        return [cover(track, strides, rules, fps, self.cuts) for track in self.tracks]

    def public_tracks(self, rules: TrackingRules, fps: float) -> list[FaceTrack]:
        result = []
        for covered in self.covered(rules, fps):
            track = covered.track
            faces = tuple(TrackedFace(o.frame, o.timestamp_ms, FaceRectangle.of(o.box)) for o in track.observations)
            result.append(FaceTrack(track.index, faces, covered.start, min(covered.end, self.frames - 1)))
        return result


Describe = Callable[[np.ndarray, Observation], Detail]
"""Details of one detection from its frame (RGB), e.g. landmarks and an embedding."""


def scan_faces(
    reader: VideoReader,
    plan: Sequence[DetectionPass],
    rules: TrackingRules,
    *,
    describe: Describe[Detail] | None = None,
    progress: ProgressMeter | None = None,
    share: tuple[int, int] = (0, 100),
) -> FaceScan[Detail]:
    info = reader.info
    schedule = Schedule.of(plan, info.fps)
    tracker = Tracker(rules, info.fps)
    details: list[Detail] = []
    frames, last_ms = 0, 0
    estimate = info.declared_frames
    cuts: list[int] = []
    previous: np.ndarray | None = None
    min_shot = round(MIN_SHOT_SECONDS * info.fps)
    last_forced = -min_shot
    for frame in reader.frames():
        if frame.pixels is None:
            break
        frames, last_ms = frame.index + 1, frame.timestamp_ms
        models = schedule.models_at(frame.index)
        thumbnail = _thumbnail(frame.pixels)
        if previous is not None and float(cv2.absdiff(thumbnail, previous).mean()) >= CUT_DIFFERENCE:
            cuts.append(frame.index)
            tracker.cut()
            if frame.index - last_forced >= min_shot:
                models, last_forced = list(schedule.strides), frame.index
        previous = thumbnail
        if not models:
            continue
        rgb = cv2.cvtColor(frame.pixels, cv2.COLOR_BGR2RGB)
        found = merge_duplicates(_detect(rgb, models, schedule.hog_thresholds, frame.index, frame.timestamp_ms),
                                 rules.merge_iou)
        if describe is not None:
            keyed = []
            for observation in found:
                details.append(describe(rgb, observation))
                keyed.append(dataclasses.replace(observation, key=len(details) - 1))
            found = keyed
        tracker.update(frame.index, [model.value for model in models], found)
        if progress is not None:
            progress.phase(*share, frame.index + 1, max(estimate, frame.index + 1))
    duration_ms = last_ms + round(1000 / info.fps)
    return FaceScan(tracker.finish(), details, frames, duration_ms, schedule, cuts)


def _thumbnail(bgr: np.ndarray) -> np.ndarray:
    return cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), CUT_THUMBNAIL, interpolation=cv2.INTER_AREA)


def detect_in_image(pixels: np.ndarray, plan: Sequence[DetectionPass], rules: TrackingRules) -> list[Observation]:
    """Every plan model once on a still image, one observation per face."""
    schedule = Schedule.of(plan, 1.0)
    return merge_duplicates(_detect(pixels, list(schedule.strides), schedule.hog_thresholds, 0, 0), rules.merge_iou)


def _detect(rgb: np.ndarray, models: Sequence[DetectionModel], hog_thresholds: Mapping[DetectionModel, float],
            index: int, timestamp_ms: int) -> list[Observation]:
    found: list[Observation] = []
    for model in models:
        scored = detector.detect_scored_faces(rgb, model, hog_threshold=hog_thresholds.get(model, 0.0))
        faces = sorted(scored, key=lambda face: face.score, reverse=True)
        found.extend(
            observe(index, timestamp_ms, Box(face.box.left, face.box.top, face.box.width, face.box.height),
                    face.score, model.value)
            for face in faces
        )
    return found
