"""Rekognition's FaceDetail of a detected face, measured from the pixels: landmarks, pose, quality.

Rekognition's 30 landmarks from dlib's 68 iBUG 300-W points. "Left" and "right" are the image's
sides, as in Rekognition's answers (eyeLeft has the smaller X): dlib's 36-41 are the image-left
eye, 42-47 the image-right one, and its jaw runs from 0 (image left, by the ear) through 8 (chin)
to 16. A landmark is one dlib point or the mean of several:

| landmark          | dlib    | landmark           | dlib    | landmark          | dlib  |
| ----------------- | ------- | ------------------ | ------- | ----------------- | ----- |
| eyeLeft           | 36-41   | eyeRight           | 42-47   | nose              | 30    |
| mouthLeft         | 48      | mouthRight         | 54      | mouthUp           | 51    |
| mouthDown         | 57      | noseLeft           | 31      | noseRight         | 35    |
| leftEyeBrowLeft   | 17      | leftEyeBrowUp      | 19      | leftEyeBrowRight  | 21    |
| rightEyeBrowLeft  | 22      | rightEyeBrowUp     | 24      | rightEyeBrowRight | 26    |
| leftEyeLeft       | 36      | leftEyeRight       | 39      | leftEyeUp         | 37-38 |
| leftEyeDown       | 40-41   | rightEyeLeft       | 42      | rightEyeRight     | 45    |
| rightEyeUp        | 43-44   | rightEyeDown       | 46-47   | leftPupil         | 36-41 |
| rightPupil        | 42-47   | upperJawlineLeft   | 1       | midJawlineLeft    | 4     |
| chinBottom        | 8       | midJawlineRight    | 12      | upperJawlineRight | 15    |

dlib has no pupil of its own: the pupils are the eyes' centres, as eyeLeft and eyeRight are.
"""

from __future__ import annotations

import numpy as np

from server.domain.rekognition_shapes import (
    BoundingBox,
    FaceDetail,
    ImageQuality,
    Landmark,
    Pose,
    detection_confidence,
)
from server.domain.tracking import Box
from server.vision import attributes, detector
from server.vision.detector import FaceBox

REKOGNITION_LANDMARKS: dict[str, tuple[int, ...]] = {
    "eyeLeft": (36, 37, 38, 39, 40, 41),
    "eyeRight": (42, 43, 44, 45, 46, 47),
    "nose": (30,),
    "mouthLeft": (48,),
    "mouthRight": (54,),
    "leftEyeBrowLeft": (17,),
    "leftEyeBrowRight": (21,),
    "leftEyeBrowUp": (19,),
    "rightEyeBrowLeft": (22,),
    "rightEyeBrowRight": (26,),
    "rightEyeBrowUp": (24,),
    "leftEyeLeft": (36,),
    "leftEyeRight": (39,),
    "leftEyeUp": (37, 38),
    "leftEyeDown": (40, 41),
    "rightEyeLeft": (42,),
    "rightEyeRight": (45,),
    "rightEyeUp": (43, 44),
    "rightEyeDown": (46, 47),
    "noseLeft": (31,),
    "noseRight": (35,),
    "mouthUp": (51,),
    "mouthDown": (57,),
    "leftPupil": (36, 37, 38, 39, 40, 41),
    "rightPupil": (42, 43, 44, 45, 46, 47),
    "upperJawlineLeft": (1,),
    "midJawlineLeft": (4,),
    "chinBottom": (8,),
    "midJawlineRight": (12,),
    "upperJawlineRight": (15,),
}
"""Rekognition's LandmarkType values in the model's order, each from its dlib points."""


def face_box(box: Box) -> FaceBox:
    return FaceBox(round(box.left), round(box.top), max(1, round(box.width)), max(1, round(box.height)))


def rekognition_landmarks(points68: np.ndarray, width: int, height: int) -> tuple[Landmark, ...]:
    points = np.asarray(points68, dtype=np.float64)
    return tuple(
        Landmark(name, float(points[list(indices), 0].mean()) / width, float(points[list(indices), 1].mean()) / height)
        for name, indices in REKOGNITION_LANDMARKS.items()
    )


def describe_face(pixels: np.ndarray, box: Box, score: float) -> FaceDetail:
    """Rekognition's default attributes of the face in `box` of an RGB image."""
    height, width = pixels.shape[:2]
    rectangle = face_box(box)
    points = detector.landmarks68(pixels, rectangle)
    pose = attributes.head_pose(points, width, height)
    crop = attributes.face_crop(pixels, rectangle)
    brightness = float(attributes.exposure(crop)["value"]) * 100.0
    sharpness = (1.0 - float(attributes.blur(crop)["value"])) * 100.0
    return FaceDetail(
        bounding_box=BoundingBox.of(box, width, height),
        confidence=detection_confidence(score),
        landmarks=rekognition_landmarks(points, width, height),
        pose=Pose(roll=pose["roll"], yaw=pose["yaw"], pitch=pose["pitch"]),
        quality=ImageQuality(brightness=round(brightness, 3), sharpness=round(sharpness, 3)),
    )
