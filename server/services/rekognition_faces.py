"""Rekognition's stateless face operations: DetectFaces and CompareFaces.

Both take images already examined (`rekognition_images.examine`) and admitted by the terms of use.
DetectFaces is a detection like Azure's detect: its faces count towards the tenant's live-stream
throughput and the call goes to the audit trail. CompareFaces is a verification, decided and
audited by the terms of use before it runs.
"""

from __future__ import annotations

import numpy as np
from redis import Redis

from server.domain import matching, similarity
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.rekognition import QualityFilter, quality_reasons
from server.domain.rekognition_results import CompareFacesMatch, Comparison, DetectedFaces, SourceImageFace
from server.services.detection import account_detection
from server.services.provenance import ImageEvidence
from server.services.rekognition_images import embedding, largest_face, measure_faces


def detect_faces(redis: Redis, caller: Caller, image: ImageEvidence) -> DetectedFaces:
    """Every face of the image, largest first, with the default attributes."""
    faces = measure_faces(image.pixels)
    account_detection(redis, caller, image, [], len(faces), now())
    return DetectedFaces(tuple(face.detail for face in faces))


def compare_faces(source: ImageEvidence, target: ImageEvidence, *, threshold: float,
                  quality: QualityFilter) -> Comparison:
    """The largest face of the source against each face of the target (the 100 largest): matches at
    or above `threshold`, most similar first, and the rest unmatched, largest first."""
    probe = largest_face(source.pixels, quality, "the source image")
    query = embedding(source.pixels, probe)
    height, width = target.pixels.shape[:2]
    candidates = [face for face in measure_faces(target.pixels)
                  if not quality_reasons(face.detail, width, height, quality)]
    if not candidates:
        return Comparison(SourceImageFace(probe.detail.bounding_box, probe.detail.confidence), (), ())
    matrix = np.stack([embedding(target.pixels, face) for face in candidates])
    percents = similarity.similarity_percents(matching.distances(query, matrix)[0])
    ranked = matching.top_matches(percents, len(candidates), threshold)
    matched = {match.index for match in ranked}
    return Comparison(
        SourceImageFace(probe.detail.bounding_box, probe.detail.confidence),
        tuple(CompareFacesMatch(round(match.confidence, 5), candidates[match.index].detail) for match in ranked),
        tuple(face.detail for index, face in enumerate(candidates) if index not in matched),
    )
