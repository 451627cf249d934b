"""Face detection, landmarks and embeddings with dlib.

Detection runs on a downscaled copy (the cost of HOG grows with the pixels scanned); alignment
and the 128-d embedding use the full-resolution image, so downscaling costs no accuracy where
recognition needs it.

| model        | detector                       | working long side | smallest face found    |
| ------------ | ------------------------------ | ----------------- | ---------------------- |
| detection_01 | HOG, one upsample              | 1024 px           | ~40 px at that scale   |
| detection_02 | CNN (MMOD), side/blurry faces  | 768 px            | ~80 px at that scale   |
| detection_03 | HOG, one upsample, finer scale | 2048 px           | ~40 px at that scale   |
"""

from __future__ import annotations

import dataclasses
from typing import Any

import cv2
import dlib
import numpy as np

from server import defaults
from server.domain.detection import DetectionModel
from server.vision import models


@dataclasses.dataclass(frozen=True)
class FaceBox:
    left: int
    top: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height

    def to_dlib(self) -> Any:
        return dlib.rectangle(self.left, self.top, self.left + self.width - 1, self.top + self.height - 1)


def working_side(model: DetectionModel) -> int:
    if model is DetectionModel.DETECTION_03:
        return defaults.DETECTION_FINE_WORKING_SIDE
    if model is DetectionModel.DETECTION_02:
        return defaults.DETECTION_CNN_WORKING_SIDE
    return defaults.DETECTION_WORKING_SIDE


@dataclasses.dataclass(frozen=True)
class ScoredFace:
    """A face and the detector's own score for it: HOG's SVM margin, or the CNN's confidence.
    Both detectors keep what scores above 0, and a higher score means a surer face."""

    box: FaceBox
    score: float


def detect_faces(pixels: np.ndarray, model: DetectionModel) -> list[FaceBox]:
    """Faces in full-image coordinates, clipped to the image, largest first, at most 100."""
    return [found.box for found in detect_scored_faces(pixels, model)]


def detect_scored_faces(pixels: np.ndarray, model: DetectionModel, *, hog_threshold: float = 0.0) -> list[ScoredFace]:
    """detect_faces with each face's detector score. HOG keeps windows scoring above
    `hog_threshold` (below 0 for more, fainter faces); the CNN's cut-off is its own."""
    height, width = pixels.shape[:2]
    scale = min(1.0, working_side(model) / max(height, width))
    # at least one pixel a side: a sliver of an image (1 x 20,000) would otherwise scale to nothing
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = pixels if scale == 1.0 else cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    if model is DetectionModel.DETECTION_02:
        found = [(hit.rect, float(hit.confidence)) for hit in models.cnn_detector()(small, 0)]
    else:
        rects, scores, _ = models.hog_detector().run(small, 1, hog_threshold)
        found = [(rect, float(score)) for rect, score in zip(rects, scores, strict=True)]
    faces = []
    for rect, score in found:
        left = max(0, int(round(rect.left() / scale)))
        top = max(0, int(round(rect.top() / scale)))
        right = min(width, int(round((rect.right() + 1) / scale)))
        bottom = min(height, int(round((rect.bottom() + 1) / scale)))
        if right - left >= 1 and bottom - top >= 1:
            faces.append(ScoredFace(FaceBox(left, top, right - left, bottom - top), score))
    faces.sort(key=lambda face: face.box.area, reverse=True)
    return faces[: defaults.MAX_FACES_RETURNED]


def embed(pixels: np.ndarray, box: FaceBox) -> np.ndarray:
    """The 128-d dlib ResNet embedding, aligned with the 5-point model, as float32."""
    shape = models.five_point_predictor()(pixels, box.to_dlib())
    descriptor = models.face_encoder().compute_face_descriptor(pixels, shape, 1)
    return np.asarray(descriptor, dtype=np.float32)


def landmarks68(pixels: np.ndarray, box: FaceBox) -> np.ndarray:
    """dlib's 68 landmarks (iBUG 300-W order) as a 68 x 2 float array in image pixels."""
    shape = models.sixty_eight_point_predictor()(pixels, box.to_dlib())
    return np.array([[shape.part(i).x, shape.part(i).y] for i in range(68)], dtype=np.float64)
