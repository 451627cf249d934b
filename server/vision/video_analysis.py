"""The cores of Rekognition's stored-video face jobs: StartFaceDetection and StartFaceSearch.

Both scan the video with `ANALYSIS_PLAN` (HOG every 200 ms, the CNN every second and on the first
frame of each shot; see server/domain/sampling.py) and track faces across frames. Each detection
becomes one timed result (Timestamp in ms from the start), with Rekognition's default attributes;
nothing is reported on frames no detector looked at.

- Face detection: every detected face, as GetFaceDetection's Faces[].
- Face search: each detected face's embedding against a collection's; a face whose Similarity to
  some collection face reaches the threshold becomes a Persons[] entry, with Person.Index the
  face's track (the same person through the video, as Rekognition's index is) and its matches
  best first. Rekognition documents Persons as the persons "whose face(s) match": a face that
  matches nothing is not listed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from server import defaults
from server.domain import matching, similarity
from server.domain.redaction import FaceTrack
from server.domain.rekognition_shapes import (
    Face,
    FaceDetail,
    FaceDetection,
    FaceMatch,
    PersonDetail,
    PersonMatch,
    VideoMetadata,
)
from server.domain.sampling import ANALYSIS_PLAN, DetectionPass
from server.domain.tracking import Observation, TrackingRules
from server.errors import BadArgument
from server.vision import detector
from server.vision.face_detail import describe_face, face_box
from server.vision.face_scan import FaceScan, Progress, ProgressMeter, scan_faces
from server.vision.video import VideoInfo, VideoLimits, VideoReader

MAX_MATCHES_PER_FACE = defaults.MAX_FACES_RETURNED
"""GetFaceSearch sets no limit on a person's FaceMatches; Visage keeps the best 100 (as many as a
search returns faces elsewhere), so one frame of a big collection cannot make a huge answer."""


@dataclasses.dataclass(frozen=True)
class FaceDetectionResult:
    video: VideoMetadata
    faces: tuple[FaceDetection, ...]  # by timestamp, then by track
    tracks: tuple[FaceTrack, ...]


@dataclasses.dataclass(frozen=True)
class FaceSearchResult:
    video: VideoMetadata
    persons: tuple[PersonMatch, ...]  # by timestamp, then by Person.Index
    tracks: tuple[FaceTrack, ...]


@dataclasses.dataclass(frozen=True)
class CollectionFaces:
    """A collection's faces for a search: one embedding row per face, aligned with `faces`."""

    matrix: np.ndarray  # faces x 128, float32
    faces: tuple[Face, ...]

    def __post_init__(self) -> None:
        if self.matrix.ndim != 2 or self.matrix.shape[0] != len(self.faces):
            raise ValueError(f"{self.matrix.shape} embeddings for {len(self.faces)} faces")


@dataclasses.dataclass(frozen=True)
class _Described:
    face: FaceDetail
    embedding: np.ndarray | None


def detect_video_faces(path: Path, *, plan: Sequence[DetectionPass] = ANALYSIS_PLAN,
                       rules: TrackingRules | None = None, progress: Progress | None = None,
                       limits: VideoLimits | None = None) -> FaceDetectionResult:
    rules = rules or TrackingRules()
    reader = VideoReader(path, limits)
    scan = _scan(reader, plan, rules, progress, with_embeddings=False)
    faces = [FaceDetection(o.timestamp_ms, scan.details[o.key].face) for _, o in _timeline(scan)]
    return FaceDetectionResult(_metadata(reader.info, scan), tuple(faces),
                               tuple(scan.public_tracks(rules, reader.info.fps)))


def search_video_faces(path: Path, collection: CollectionFaces, *,
                       threshold: float = similarity.REKOGNITION_DEFAULT_THRESHOLD,
                       plan: Sequence[DetectionPass] = ANALYSIS_PLAN, rules: TrackingRules | None = None,
                       progress: Progress | None = None, limits: VideoLimits | None = None,
                       admit_frame: Callable[[int], None] | None = None) -> FaceSearchResult:
    """`admit_frame`, when given, is called with each sampled frame's timestamp (ms) before any face
    of it is matched against the collection; it raises to refuse the frame (and stop the search)."""
    if not 0.0 <= threshold <= 100.0:
        raise BadArgument("FaceMatchThreshold must be from 0 to 100.")
    rules = rules or TrackingRules()
    reader = VideoReader(path, limits)
    scan = _scan(reader, plan, rules, progress, with_embeddings=True)
    matrix = np.asarray(collection.matrix, dtype=np.float32)
    norms = np.einsum("ij,ij->i", matrix, matrix)
    persons = []
    admitted: int | None = None
    for index, observation in _timeline(scan):
        if admit_frame is not None and observation.timestamp_ms != admitted:
            admit_frame(observation.timestamp_ms)
            admitted = observation.timestamp_ms
        described = scan.details[observation.key]
        if described.embedding is None or matrix.shape[0] == 0:
            continue
        percents = similarity.similarity_percents(matching.distances(described.embedding, matrix, norms)[0])
        best = matching.top_matches(percents, MAX_MATCHES_PER_FACE, threshold)
        if best:
            matches = tuple(FaceMatch(round(m.confidence, 5), collection.faces[m.index]) for m in best)
            persons.append(PersonMatch(observation.timestamp_ms, PersonDetail(index, described.face), matches))
    return FaceSearchResult(_metadata(reader.info, scan), tuple(persons),
                            tuple(scan.public_tracks(rules, reader.info.fps)))


def _scan(reader: VideoReader, plan: Sequence[DetectionPass], rules: TrackingRules, progress: Progress | None,
          *, with_embeddings: bool) -> FaceScan[_Described]:
    def describe(pixels: np.ndarray, observation: Observation) -> _Described:
        face = describe_face(pixels, observation.box, observation.score)
        embedding = detector.embed(pixels, face_box(observation.box)) if with_embeddings else None
        return _Described(face, embedding)

    meter = ProgressMeter(progress)
    meter.set(0)
    scan = scan_faces(reader, plan, rules, describe=describe, progress=meter, share=(0, 99))
    meter.set(100)
    return scan


def _timeline(scan: FaceScan[_Described]) -> list[tuple[int, Observation]]:
    """Every observation with its track's index, by time and then by track."""
    timed = [(track.index, observation) for track in scan.tracks for observation in track.observations]
    return sorted(timed, key=lambda item: (item[1].timestamp_ms, item[0]))


def _metadata(info: VideoInfo, scan: FaceScan[_Described]) -> VideoMetadata:
    return VideoMetadata(codec=info.codec, duration_millis=scan.duration_ms, format=info.container.format_name,
                         frame_rate=round(info.fps, 3), frame_height=info.height, frame_width=info.width)
