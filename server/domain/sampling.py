"""Which frames of a video each detection model looks at.

Running a detector on every frame costs too much (on two cores, HOG takes about 90 ms on a
640 x 360 frame and dlib's CNN about 1.6 s), and faces move little in a tenth of a second. So each
model runs every `interval_ms` (rounded to whole frames), and tracking carries faces across the
frames in between (server/domain/tracking.py).

HOG (detection_01, detection_03) finds faces that look towards the camera; the CNN (detection_02)
also finds faces in profile, which HOG misses (on the test clip, the two people watching side-on
for its last two seconds), at about twenty times the cost. The default plans run HOG often, for
motion, and the CNN once a second, for faces HOG cannot see.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from server.domain.detection import DetectionModel
from server.errors import BadArgument


@dataclasses.dataclass(frozen=True)
class DetectionPass:
    model: DetectionModel
    interval_ms: int
    hog_threshold: float = 0.0
    """HOG keeps windows scoring above this (dlib's default is 0; the CNN has its own cut-off)."""

    def stride(self, fps: float) -> int:
        """Frames between two samples: at least every frame."""
        return max(1, round(fps * self.interval_ms / 1000))


REDACTION_HOG_THRESHOLD = -0.4
"""Redaction errs on the side of hiding: HOG windows down to -0.4 count as faces. On the test clip
that adds 41 windows over 275 frames (on all the photos in ../shared/faces, one), and it catches
the faint faces whose score, just below 0 on one frame, rises above it on the next or on a
re-encoded copy, where a detector checking the output would find them."""

REDACTION_PLAN = (
    DetectionPass(DetectionModel.DETECTION_01, 100, REDACTION_HOG_THRESHOLD),
    DetectionPass(DetectionModel.DETECTION_02, 1000),
)
"""Redaction: HOG ten times a second, so that a moving face is found again within 3 frames at
30 fps, and the CNN every second for faces in profile."""

FAST_REDACTION_PLAN = (DetectionPass(DetectionModel.DETECTION_01, 100, REDACTION_HOG_THRESHOLD),)
"""HOG only: about four times faster (on the test clip, 12 s instead of 50 on two busy cores), but
faces in profile, which only the CNN finds, stay visible. For footage of people facing the camera."""

ANALYSIS_PLAN = (
    DetectionPass(DetectionModel.DETECTION_01, 200),
    DetectionPass(DetectionModel.DETECTION_02, 1000),
)
"""Rekognition's face detection and face search jobs: a face every 200 ms is the granularity
Rekognition's own video results show (AWS's sampling interval is not documented); each sample
also costs landmarks and an embedding per face."""

MIN_INTERVAL_MS = 0
MAX_INTERVAL_MS = 10_000
MIN_HOG_THRESHOLD, MAX_HOG_THRESHOLD = -1.0, 1.0
"""Below -1, HOG's windows are mostly not faces; above 1, it drops clear frontal faces."""


def check_plan(plan: Sequence[DetectionPass]) -> tuple[DetectionPass, ...]:
    if not plan:
        raise BadArgument("At least one detection model must look at the video.")
    models = [item.model for item in plan]
    if len(set(models)) != len(models):
        raise BadArgument("Each detection model may appear once in a sampling plan.")
    for item in plan:
        if not MIN_INTERVAL_MS <= item.interval_ms <= MAX_INTERVAL_MS:
            raise BadArgument(f"A sampling interval must be from {MIN_INTERVAL_MS} to {MAX_INTERVAL_MS} ms.")
        if not MIN_HOG_THRESHOLD <= item.hog_threshold <= MAX_HOG_THRESHOLD:
            raise BadArgument(f"A HOG threshold must be from {MIN_HOG_THRESHOLD} to {MAX_HOG_THRESHOLD}.")
    return tuple(plan)


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A plan at one frame rate: which models run on which frame."""

    strides: dict[DetectionModel, int]
    hog_thresholds: dict[DetectionModel, float] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, plan: Sequence[DetectionPass], fps: float) -> Schedule:
        checked = check_plan(plan)
        return cls({item.model: item.stride(fps) for item in checked},
                   {item.model: item.hog_threshold for item in checked})

    def models_at(self, frame: int) -> list[DetectionModel]:
        """In the plan's order, which is also the order of preference when two models find one face."""
        return [model for model, stride in self.strides.items() if frame % stride == 0]

    def samples(self, frame: int) -> bool:
        return any(frame % stride == 0 for stride in self.strides.values())

    def by_name(self) -> dict[str, int]:
        return {model.value: stride for model, stride in self.strides.items()}
