"""Face tracks across the frames of a video: which detections are one face, and where that face is
on the frames the detector did not look at.

Detection runs on sampled frames only (each detection model every `stride` frames), and a detector
misses a face now and then. The video is scanned whole before anything is drawn, so a track's box
on any frame can be interpolated between the observations on either side of it:

- Association: at each sampled frame, detections join tracks greedily, best affinity first. The
  overlap (IoU) is taken against the track's predicted box (its last box moved on at its last
  velocity) or its last box, whichever overlaps more; at least `min_iou` links. A face that moved
  too fast to overlap (or whose track has no velocity yet) links by distance instead: its centre
  within `max_centre_shift` face sizes of the predicted one (or `max_face_speed` sizes a second
  since the track was last seen, if more), at a similar size. Any overlap that
  links ranks above any distance.
- Misses: a track counts a miss at a sampled frame only where every model that has found it ran
  (a side face only the CNN finds is not missed where only HOG looked, and a face both find is not
  lost when HOG alone blinks). After `max_misses` misses in a row, after `max_gap_seconds`
  without an observation, or at a cut to another shot, the track ends.
- Coverage: between two observations the box is interpolated linearly. Before the first one it
  holds the first box for the observing model's stride (the face may have been there since the
  previous sample), and after the last one it coasts for `max_misses + 1` strides (the samples it
  was missed on, and the frames before the sample that ended it), covering both the last box and
  that box moved on at the last velocity. Both are capped at `grace_seconds` and stop at cuts.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence


@dataclasses.dataclass(frozen=True)
class Box:
    """A rectangle in pixels (floats: interpolated and padded boxes fall between pixels)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2

    def iou(self, other: Box) -> float:
        overlap_w = min(self.right, other.right) - max(self.left, other.left)
        overlap_h = min(self.bottom, other.bottom) - max(self.top, other.top)
        if overlap_w <= 0 or overlap_h <= 0:
            return 0.0
        overlap = overlap_w * overlap_h
        return overlap / (self.area + other.area - overlap)

    def union(self, other: Box) -> Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        return Box(left, top, max(self.right, other.right) - left, max(self.bottom, other.bottom) - top)

    def shifted(self, dx: float, dy: float) -> Box:
        return Box(self.left + dx, self.top + dy, self.width, self.height)

    def lerp(self, other: Box, t: float) -> Box:
        return Box(*(a + (b - a) * t for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other),
                                                    strict=True)))

    def padded(self, sides: float, top: float, bottom: float) -> Box:
        """Grown by fractions of its width on each side and of its height above and below."""
        return Box(self.left - sides * self.width, self.top - top * self.height,
                   self.width * (1 + 2 * sides), self.height * (1 + top + bottom))

    def clipped(self, width: int, height: int) -> tuple[int, int, int, int] | None:
        """(left, top, right, bottom) in whole pixels, covering every pixel the box touches, inside
        a width x height image; None when nothing is left."""
        left, top = max(0, math.floor(self.left)), max(0, math.floor(self.top))
        right, bottom = min(width, math.ceil(self.right)), min(height, math.ceil(self.bottom))
        if right <= left or bottom <= top:
            return None
        return left, top, right, bottom


@dataclasses.dataclass(frozen=True)
class Observation:
    """One detection on one sampled frame, by `model`. Where other models found the same face,
    `found_by` names them too and `extent`, what must be covered, is the union of their boxes.
    `key` is the caller's own reference (an index into its per-detection details)."""

    frame: int
    timestamp_ms: int
    box: Box
    score: float
    model: str
    extent: Box
    found_by: frozenset[str]
    key: int = -1


def observe(frame: int, timestamp_ms: int, box: Box, score: float, model: str) -> Observation:
    return Observation(frame, timestamp_ms, box, score, model, box, frozenset({model}))


def merge_duplicates(detections: Sequence[Observation], min_iou: float) -> list[Observation]:
    """One observation per face on a frame where several models (or overlapping windows) found it:
    the first in the given order wins and its extent grows to cover the others'."""
    kept: list[Observation] = []
    for detection in detections:
        for index, winner in enumerate(kept):
            if winner.box.iou(detection.box) >= min_iou:
                kept[index] = dataclasses.replace(winner, extent=winner.extent.union(detection.extent),
                                                  found_by=winner.found_by | detection.found_by)
                break
        else:
            kept.append(detection)
    return kept


@dataclasses.dataclass(frozen=True)
class TrackingRules:
    min_iou: float = 0.2
    """Two boxes of a 90-pixel face that moved 30 pixels overlap by IoU 0.5; 0.2 still links a face
    that moved about half its width between samples, and two different faces side by side overlap
    by far less."""

    max_centre_shift: float = 1.0
    """How far (in face sizes) from where a track was expected a detection may be and still link
    without overlapping: a face moving half a width a frame, fast for a 30 fps camera, shifts 1.5
    widths between HOG samples but less than one from its predicted place."""

    max_face_speed: float = 2.0
    """Face sizes a second a face may have moved since its last observation and still link by
    distance: what matters where the only model that sees a face looks once a second."""

    max_size_change: float = 1.5
    """Largest ratio of face sizes that may link by distance (two faces of unlike size near each
    other are more likely two people)."""

    max_misses: int = 2
    """Samples in a row on which a track's models missed it before it ends: HOG loses a face for a
    frame or two as it turns or blurs (on the test clip, up to 5 frames in a row)."""

    max_gap_seconds: float = 2.0
    """A track not seen for this long ends whatever the samples said."""

    grace_seconds: float = 1.0
    """Cap on the lead-in and coasting around a track's observations: beyond a second, a held box
    is more likely to cover the wrong place than the face."""

    merge_iou: float = 0.4
    """Detections on one frame that overlap this much are one face (HOG and the CNN frame a face
    differently: on the test clip their boxes for one face overlap by IoU 0.5 to 0.7)."""


@dataclasses.dataclass
class Track:
    index: int
    observations: list[Observation]
    models: set[str]
    misses: int = 0
    ended: bool = False

    @property
    def first(self) -> Observation:
        return self.observations[0]

    @property
    def last(self) -> Observation:
        return self.observations[-1]

    def velocity(self) -> tuple[float, float]:
        """Pixels per frame of the centre, from the last two observations."""
        if len(self.observations) < 2:
            return 0.0, 0.0
        before, after = self.observations[-2], self.observations[-1]
        frames = max(1, after.frame - before.frame)
        (x0, y0), (x1, y1) = before.extent.centre, after.extent.centre
        return (x1 - x0) / frames, (y1 - y0) / frames

    def predicted(self, frame: int) -> Box:
        vx, vy = self.velocity()
        elapsed = frame - self.last.frame
        return self.last.extent.shifted(vx * elapsed, vy * elapsed)


class Tracker:
    """Feed it the sampled frames in order (`update`), then take the tracks (`finish`)."""

    def __init__(self, rules: TrackingRules, fps: float) -> None:
        self.rules = rules
        self.fps = fps
        self.max_gap_frames = max(1, round(rules.max_gap_seconds * fps))
        self.tracks: list[Track] = []
        self._live: list[Track] = []

    def update(self, frame: int, models_run: Iterable[str], detections: Sequence[Observation]) -> None:
        ran = set(models_run)
        self._end_stale(frame)
        pairs = sorted(
            ((self._affinity(track, frame, detection.extent), t, d)
             for t, track in enumerate(self._live) for d, detection in enumerate(detections)),
            reverse=True,
        )
        taken_tracks: set[int] = set()
        taken_detections: set[int] = set()
        for affinity, t, d in pairs:
            if affinity <= 0.0:
                break
            if t in taken_tracks or d in taken_detections:
                continue
            taken_tracks.add(t)
            taken_detections.add(d)
            track = self._live[t]
            track.observations.append(detections[d])
            track.models |= detections[d].found_by
            track.misses = 0
        for t, track in enumerate(self._live):
            if t not in taken_tracks and track.models <= ran:
                track.misses += 1
                track.ended = track.misses > self.rules.max_misses
        self._live = [track for track in self._live if not track.ended]
        for d, detection in enumerate(detections):
            if d not in taken_detections:
                track = Track(len(self.tracks), [detection], set(detection.found_by))
                self.tracks.append(track)
                self._live.append(track)

    def cut(self) -> None:
        """A new shot begins: no face carries over."""
        for track in self._live:
            track.ended = True
        self._live = []

    def finish(self) -> list[Track]:
        for track in self._live:
            track.ended = True
        self._live = []
        return self.tracks

    def _end_stale(self, frame: int) -> None:
        for track in self._live:
            if frame - track.last.frame > self.max_gap_frames:
                track.ended = True
        self._live = [track for track in self._live if not track.ended]

    def _affinity(self, track: Track, frame: int, box: Box) -> float:
        """Above 1 for an overlap that links, in (0, 1] for a distance that links, else 0."""
        predicted = track.predicted(frame)
        overlap = max(predicted.iou(box), track.last.extent.iou(box))
        if overlap >= self.rules.min_iou:
            return 1.0 + overlap
        size, other = math.sqrt(predicted.area), math.sqrt(box.area)
        if size <= 0 or other <= 0 or max(size, other) / min(size, other) > self.rules.max_size_change:
            return 0.0
        (x0, y0), (x1, y1) = predicted.centre, box.centre
        shift = math.hypot(x1 - x0, y1 - y0) / ((size + other) / 2)
        allowed = max(self.rules.max_centre_shift, self.rules.max_face_speed * (frame - track.last.frame) / self.fps)
        return max(0.0, 1.0 - shift / allowed)


@dataclasses.dataclass(frozen=True)
class CoveredTrack:
    """A track with the frames it covers: `start` to `end` inclusive."""

    track: Track
    start: int
    end: int
    frames: tuple[int, ...]

    def box_at(self, frame: int) -> Box | None:
        if not self.start <= frame <= self.end:
            return None
        observations = self.track.observations
        position = bisect.bisect_left(self.frames, frame)
        if position < len(self.frames) and self.frames[position] == frame:
            return observations[position].extent
        if position == 0:
            return observations[0].extent
        if position == len(self.frames):
            last = observations[-1].extent
            vx, vy = self.track.velocity()
            elapsed = frame - self.frames[-1]
            limit = max(last.width, last.height)
            dx = max(-limit, min(limit, vx * elapsed))
            dy = max(-limit, min(limit, vy * elapsed))
            return last.union(last.shifted(dx, dy))
        before, after = observations[position - 1], observations[position]
        t = (frame - before.frame) / (after.frame - before.frame)
        return before.extent.lerp(after.extent, t)


def cover(track: Track, strides: Mapping[str, int], rules: TrackingRules, fps: float,
          cuts: Sequence[int] = ()) -> CoveredTrack:
    """The frames a track covers; `cuts` are the sorted first frames of new shots."""
    grace = max(1, round(rules.grace_seconds * fps))
    lead = min(grace, min(strides.get(model, 1) for model in track.first.found_by))
    coast = min(grace, (rules.max_misses + 1) * min(strides.get(model, 1) for model in track.models))
    start, end = track.first.frame - lead, track.last.frame + coast
    shot = bisect.bisect_right(cuts, track.first.frame)
    if shot > 0:
        start = max(start, cuts[shot - 1])
    following = bisect.bisect_right(cuts, track.last.frame)
    if following < len(cuts):
        end = min(end, cuts[following] - 1)
    return CoveredTrack(track, max(0, start), end, tuple(observation.frame for observation in track.observations))


class Coverage:
    """The boxes to cover on each frame, asked for in increasing frame order."""

    def __init__(self, covered: Iterable[CoveredTrack]) -> None:
        self._pending = sorted(covered, key=lambda item: item.start, reverse=True)
        self._active: list[CoveredTrack] = []

    def at(self, frame: int) -> list[Box]:
        while self._pending and self._pending[-1].start <= frame:
            self._active.append(self._pending.pop())
        self._active = [item for item in self._active if item.end >= frame]
        return [box for item in self._active if (box := item.box_at(frame)) is not None]
