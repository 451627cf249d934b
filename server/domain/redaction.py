"""Face redaction: how faces are hidden, how much around them, and the face tracks it reports.

Redaction is detection only: it finds faces and hides them, and never compares one face with
another, so the terms of use allow it to every tenant (law enforcement included; releasing
footage with bystanders' faces hidden is a use the policy protects).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from server.domain.sampling import REDACTION_PLAN, DetectionPass, check_plan
from server.domain.tracking import Box, TrackingRules
from server.errors import BadArgument


class RedactionMethod(enum.StrEnum):
    BLUR = "blur"
    PIXELATE = "pixelate"
    BOX = "box"


@dataclasses.dataclass(frozen=True)
class Padding:
    """Added around a detected face, as fractions of its box. dlib's boxes run from the eyebrows
    to the chin and from cheek to cheek: the forehead, hair, ears and jaw line also identify a
    person, and a box interpolated between samples can lag a moving face by a few pixels."""

    sides: float = 0.25
    top: float = 0.45
    bottom: float = 0.25

    def apply(self, box: Box) -> Box:
        return box.padded(self.sides, self.top, self.bottom)


BLUR_CELLS = 12
"""Blurring shrinks the padded face to at most this many pixels across (area averaging), smooths
that, and scales it back: whatever the face's size, nothing finer than a twelfth of it survives,
which leaves no eyes, nose or mouth for a detector or a person to recognise."""

PIXELATE_CELLS = 10
"""Pixelation shows the padded face as at most 10 x 10 flat blocks; the face itself then spans
about 6 blocks across, too few for its features."""


@dataclasses.dataclass(frozen=True)
class RedactionOptions:
    method: RedactionMethod = RedactionMethod.BLUR
    plan: tuple[DetectionPass, ...] = REDACTION_PLAN
    padding: Padding = Padding()
    tracking: TrackingRules = TrackingRules()


def parse_method(text: str | None) -> RedactionMethod:
    if text is None or text == "":
        return RedactionMethod.BLUR
    try:
        return RedactionMethod(text.lower())
    except ValueError:
        raise BadArgument("'method' is invalid: use blur, pixelate or box.") from None


def redaction_options(method: str | None = None, plan: Sequence[DetectionPass] | None = None) -> RedactionOptions:
    return RedactionOptions(method=parse_method(method), plan=check_plan(plan) if plan is not None else REDACTION_PLAN)


@dataclasses.dataclass(frozen=True)
class FaceRectangle:
    """A face's box in whole pixels of the frame, as Azure's faceRectangle."""

    left: int
    top: int
    width: int
    height: int

    @classmethod
    def of(cls, box: Box) -> FaceRectangle:
        return cls(round(box.left), round(box.top), round(box.width), round(box.height))

    def to_public(self) -> dict[str, int]:
        return {"top": self.top, "left": self.left, "width": self.width, "height": self.height}

    def ratios(self, frame_width: int, frame_height: int) -> dict[str, float]:
        """Rekognition's BoundingBox: fractions of the frame's width and height."""
        return {"width": self.width / frame_width, "height": self.height / frame_height,
                "left": self.left / frame_width, "top": self.top / frame_height}


@dataclasses.dataclass(frozen=True)
class TrackedFace:
    """Where a tracked face was detected: on which frame, at what time, in which box."""

    frame: int
    timestamp_ms: int
    rectangle: FaceRectangle


@dataclasses.dataclass(frozen=True)
class FaceTrack:
    """One face followed through a video. `faces` are the detections; the face was hidden on every
    frame from `covered_from` to `covered_to` (inclusive), between and around them."""

    index: int
    faces: tuple[TrackedFace, ...]
    covered_from: int
    covered_to: int

    @property
    def start_ms(self) -> int:
        return self.faces[0].timestamp_ms

    @property
    def end_ms(self) -> int:
        return self.faces[-1].timestamp_ms

    def to_record(self, frame_width: int, frame_height: int) -> dict[str, Any]:
        """JSON-ready, each box both in pixels (Azure's faceRectangle) and as ratios of the frame
        (Rekognition's BoundingBox)."""
        return {
            "index": self.index,
            "startMs": self.start_ms,
            "endMs": self.end_ms,
            "coveredFrames": [self.covered_from, self.covered_to],
            "faces": [{"frame": face.frame, "timestampMs": face.timestamp_ms,
                       "faceRectangle": face.rectangle.to_public(),
                       "boundingBox": face.rectangle.ratios(frame_width, frame_height)} for face in self.faces],
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FaceTrack:
        faces = tuple(
            TrackedFace(int(face["frame"]), int(face["timestampMs"]),
                        FaceRectangle(**{k: int(v) for k, v in face["faceRectangle"].items()}))
            for face in record["faces"]
        )
        covered_from, covered_to = record["coveredFrames"]
        return cls(int(record["index"]), faces, int(covered_from), int(covered_to))
