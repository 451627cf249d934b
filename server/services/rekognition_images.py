"""Rekognition's image input and the faces in an image, measured once for every operation.

An image comes as `Bytes` (up to 5 MB) or as an `S3Object` read through boto3 from the operator's
S3 endpoint (never one the caller names). Either way it is examined once, as on the Azure surface
(decoded, its content credentials read against the trust list, the signals a caller cannot choose),
before the terms of use decide on it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable

import numpy as np
from redis import Redis

from server import defaults
from server.domain import rekognition
from server.domain.aws_errors import InvalidParameterException
from server.domain.callers import Caller
from server.domain.detection import DetectionModel
from server.domain.rekognition import ImageRequest
from server.domain.rekognition_shapes import FaceDetail
from server.domain.tracking import Box
from server.services.provenance import ImageEvidence, examine_image
from server.store.s3 import ENDPOINT_VARIABLE, S3Location, S3Store
from server.vision import detector
from server.vision.detector import FaceBox
from server.vision.face_detail import describe_face

S3Stores = Callable[[], S3Store]


def s3_store() -> S3Store:
    """The operator's S3 endpoint through boto3: one client per endpoint and process (a client is
    thread-safe, and making one costs more than most reads)."""
    return _s3_store(os.environ.get(ENDPOINT_VARIABLE) or "")


@functools.lru_cache(maxsize=4)
def _s3_store(endpoint: str) -> S3Store:
    return S3Store.from_environment()


DETECTION_MODEL = DetectionModel.DETECTION_01
"""HOG on a copy up to 1024 px: it finds faces of about 40 px in a 1080p image, Rekognition's
documented smallest, at a quarter of the finer model's cost."""


@dataclasses.dataclass(frozen=True)
class MeasuredFace:
    """A face of an image: Rekognition's description of it, and where it is in pixels."""

    detail: FaceDetail
    box: FaceBox


def image_bytes(image: ImageRequest, s3: S3Stores) -> bytes:
    if image.data is not None:
        return rekognition.check_image(image.data)
    assert image.s3_object is not None
    location = S3Location(image.s3_object.bucket, image.s3_object.name, image.s3_object.version)
    return rekognition.check_image(s3().read_bytes(location, defaults.MAX_IMAGE_BYTES),
                                   max_bytes=defaults.MAX_IMAGE_BYTES)


def examine(redis: Redis, caller: Caller, image: ImageRequest, s3: S3Stores) -> ImageEvidence:
    return examine_image(redis, caller, image_bytes(image, s3), min_bytes=1)  # AWS has no 1 KB floor


def measure_faces(pixels: np.ndarray) -> list[MeasuredFace]:
    """Every face, largest first (at most 100), with Rekognition's default attributes."""
    found = []
    for scored in detector.detect_scored_faces(pixels, DETECTION_MODEL):
        box = scored.box
        found.append(MeasuredFace(describe_face(pixels, Box(box.left, box.top, box.width, box.height), scored.score),
                                  box))
    return found


def largest_face(pixels: np.ndarray, quality: rekognition.QualityFilter, subject: str) -> MeasuredFace:
    """The face an operation takes from an image that should show one person (SearchFacesByImage,
    CompareFaces' source): the largest that passes the quality bar."""
    height, width = pixels.shape[:2]
    faces = measure_faces(pixels)
    for face in faces:
        if not rekognition.quality_reasons(face.detail, width, height, quality):
            return face
    if faces:
        raise InvalidParameterException(
            f"No face in {subject} passes QualityFilter {quality.value}.")
    raise InvalidParameterException(f"There are no faces in {subject}.")


def embedding(pixels: np.ndarray, face: MeasuredFace) -> np.ndarray:
    return detector.embed(pixels, face.box)
