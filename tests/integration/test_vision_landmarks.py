"""Azure's 27 named landmarks from dlib's 68 points, on real photographs."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pytest

from server.domain.detection import DetectionModel
from server.vision.detector import FaceBox, detect_faces, landmarks68
from server.vision.images import decode_image
from server.vision.landmarks import azure_landmarks

FIXTURES = Path(
    os.environ.get("VISAGE_FACE_FIXTURES") or Path(__file__).resolve().parents[3] / "shared" / "faces"
)
PHOTOS = sorted(
    line.split("\t")[0]
    for line in (FIXTURES / "MANIFEST.tsv").read_text().splitlines()[1:]
    if line.startswith(("people/", "resolutions/"))
)
AZURE_NAMES = [
    "pupilLeft", "pupilRight", "noseTip", "mouthLeft", "mouthRight", "eyebrowLeftOuter",
    "eyebrowLeftInner", "eyeLeftOuter", "eyeLeftTop", "eyeLeftBottom", "eyeLeftInner",
    "eyebrowRightInner", "eyebrowRightOuter", "eyeRightInner", "eyeRightTop", "eyeRightBottom",
    "eyeRightOuter", "noseRootLeft", "noseRootRight", "noseLeftAlarTop", "noseRightAlarTop",
    "noseLeftAlarOutTip", "noseRightAlarOutTip", "upperLipTop", "upperLipBottom", "underLipTop",
    "underLipBottom",
]
LEFT_RIGHT_PAIRS = [
    ("pupilLeft", "pupilRight"),
    ("mouthLeft", "mouthRight"),
    ("eyebrowLeftOuter", "eyebrowRightOuter"),
    ("eyebrowLeftInner", "eyebrowRightInner"),
    ("eyeLeftOuter", "eyeRightOuter"),
    ("eyeLeftInner", "eyeRightInner"),
    ("eyeLeftTop", "eyeRightTop"),
    ("eyeLeftBottom", "eyeRightBottom"),
    ("noseRootLeft", "noseRootRight"),
    ("noseLeftAlarTop", "noseRightAlarTop"),
    ("noseLeftAlarOutTip", "noseRightAlarOutTip"),
]


@functools.cache
def face_landmarks(path: str) -> tuple[FaceBox, dict[str, dict[str, float]]]:
    pixels = decode_image((FIXTURES / path).read_bytes()).pixels
    boxes = detect_faces(pixels, DetectionModel.DETECTION_01)
    assert boxes, f"no face found in {path}"
    return boxes[0], azure_landmarks(landmarks68(pixels, boxes[0]))


@pytest.mark.parametrize("path", PHOTOS)
def test_all_27_landmarks_in_azure_order_inside_the_face(path: str) -> None:
    box, landmarks = face_landmarks(path)
    assert list(landmarks) == AZURE_NAMES
    margin = max(4.0, 0.03 * box.height)
    for name, point in landmarks.items():
        assert list(point) == ["x", "y"]
        assert box.left - margin <= point["x"] <= box.left + box.width + margin, name
        assert box.top - margin <= point["y"] <= box.top + box.height + margin, name


@pytest.mark.parametrize("path", PHOTOS)
def test_left_is_the_image_left(path: str) -> None:
    _, landmarks = face_landmarks(path)
    for left, right in LEFT_RIGHT_PAIRS:
        assert landmarks[left]["x"] < landmarks[right]["x"], (left, right)
    row = ["eyeLeftOuter", "eyeLeftInner", "noseRootLeft", "noseRootRight", "eyeRightInner", "eyeRightOuter"]
    xs = [landmarks[name]["x"] for name in row]
    assert xs == sorted(xs)


@pytest.mark.parametrize("path", PHOTOS)
def test_eyes_above_nose_above_mouth(path: str) -> None:
    box, landmarks = face_landmarks(path)

    def y(name: str) -> float:
        return landmarks[name]["y"]

    for side in ("Left", "Right"):
        assert y(f"eyebrow{side}Inner") < y(f"pupil{side}") < y("noseTip")
    assert y("noseTip") < y("upperLipTop") < y("upperLipBottom")
    assert y("underLipTop") < y("underLipBottom")
    # On a closed mouth dlib's inner-lip points (62, 66) meet and may cross by a pixel or two.
    assert y("upperLipBottom") <= y("underLipTop") + 0.02 * box.height
    assert max(y("noseLeftAlarTop"), y("noseRightAlarTop")) < y("upperLipTop")
    assert y("noseTip") < max(y("mouthLeft"), y("mouthRight"))


@pytest.mark.parametrize("path", PHOTOS)
def test_pupils_inside_their_eyes(path: str) -> None:
    _, landmarks = face_landmarks(path)
    for side in ("Left", "Right"):
        pupil = landmarks[f"pupil{side}"]
        corners = sorted([landmarks[f"eye{side}Outer"]["x"], landmarks[f"eye{side}Inner"]["x"]])
        assert corners[0] < pupil["x"] < corners[1]
        assert landmarks[f"eye{side}Top"]["y"] <= pupil["y"] <= landmarks[f"eye{side}Bottom"]["y"]


def test_construction_from_dlib_points() -> None:
    points = np.array([[10.0 * i, 100.0 + i] for i in range(68)])
    landmarks = azure_landmarks(points)
    assert landmarks["noseTip"] == {"x": 300.0, "y": 130.0}
    assert landmarks["pupilLeft"] == {"x": 385.0, "y": 138.5}  # mean of 36..41
    assert landmarks["eyeRightTop"] == {"x": 435.0, "y": 143.5}  # mean of 43, 44
    assert landmarks["noseRootLeft"] == {"x": 316.7, "y": 131.7}  # a third of the way 28 -> 39
    assert landmarks["noseRightAlarTop"] == {"x": 320.0, "y": 132.0}  # half-way 29 -> 35
    assert landmarks["underLipTop"] == {"x": 660.0, "y": 166.0}


def test_coordinates_are_rounded_to_a_tenth() -> None:
    points = np.full((68, 2), 12.3456)
    assert azure_landmarks(points)["mouthLeft"] == {"x": 12.3, "y": 12.3}


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        azure_landmarks(np.zeros((5, 2)))
