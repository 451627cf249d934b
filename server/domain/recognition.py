"""What recognition answers: verification, identification, similar faces, groups.

The services return these records; the reply schemas of server/schemas/recognition.py write them
in Azure's shapes.
"""

from __future__ import annotations

import dataclasses

from server.domain import similarity


@dataclasses.dataclass(frozen=True)
class Verification:
    is_identical: bool
    confidence: float

    @classmethod
    def from_distance(cls, distance: float) -> Verification:
        confidence = similarity.confidence_from_distance(distance)
        return cls(similarity.is_identical(confidence), confidence)


@dataclasses.dataclass(frozen=True)
class Candidate:
    person_id: str
    confidence: float


@dataclasses.dataclass(frozen=True)
class Identification:
    face_id: str
    candidates: tuple[Candidate, ...]


@dataclasses.dataclass(frozen=True)
class SimilarFace:
    """A match among faceIds (face_id) or in a face list (persisted_face_id), never both."""

    confidence: float
    face_id: str | None = None
    persisted_face_id: str | None = None


@dataclasses.dataclass(frozen=True)
class FaceGroups:
    groups: tuple[tuple[str, ...], ...]
    messy_group: tuple[str, ...]
