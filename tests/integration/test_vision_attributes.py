"""Face attributes on real photographs: each value must move the right way when the pixels do."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from server.domain.detection import DetectionModel, FaceAttribute
from server.vision import attributes
from server.vision.detector import FaceBox, detect_faces, landmarks68
from server.vision.images import decode_image

FIXTURES = Path(
    os.environ.get("VISAGE_FACE_FIXTURES") or Path(__file__).resolve().parents[3] / "shared" / "faces"
)
PEOPLE = sorted(
    line.split("\t")[0]
    for line in (FIXTURES / "MANIFEST.tsv").read_text().splitlines()[1:]
    if line.startswith("people/")
)
FRONTAL = "resolutions/obama-1080p.jpg"
TURNED = (
    "people/obama/obama1.jpg",
    "people/kit_harington/john2.jpeg",
    "people/kit_harington/johnsnow_test1.jpg",
)
SAMPLES = (
    FRONTAL,
    "people/biden/biden2.jpg",
    "people/rose_leslie/img1.jpg",
    "people/lin_manuel_miranda/lin-manuel-miranda.png",
)
ALL = (
    FaceAttribute.HEAD_POSE,
    FaceAttribute.BLUR,
    FaceAttribute.EXPOSURE,
    FaceAttribute.NOISE,
    FaceAttribute.QUALITY_FOR_RECOGNITION,
)


@functools.cache
def photo(path: str) -> np.ndarray:
    pixels = decode_image((FIXTURES / path).read_bytes()).pixels
    pixels.setflags(write=False)
    return pixels


def largest_face(pixels: np.ndarray) -> tuple[FaceBox, np.ndarray]:
    boxes = detect_faces(pixels, DetectionModel.DETECTION_01)
    assert boxes, "no face found"
    return boxes[0], landmarks68(pixels, boxes[0])


@functools.cache
def face_of(path: str) -> tuple[FaceBox, np.ndarray]:
    return largest_face(photo(path))


def pose_of(pixels: np.ndarray) -> dict[str, float]:
    _, points = largest_face(pixels)
    return attributes.head_pose(points, pixels.shape[1], pixels.shape[0])


def to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def rotated_about_face(path: str, degrees: float) -> np.ndarray:
    """The photo rotated in-plane about the face's centre; positive is counter-clockwise (OpenCV)."""
    pixels = photo(path)
    box, _ = face_of(path)
    centre = (box.left + box.width / 2.0, box.top + box.height / 2.0)
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    size = (pixels.shape[1], pixels.shape[0])
    return cv2.warpAffine(pixels, matrix, size, borderMode=cv2.BORDER_REPLICATE)


# Head pose


def test_frontal_face_has_small_yaw_and_roll() -> None:
    box, points = face_of(FRONTAL)
    pose = attributes.head_pose(points, photo(FRONTAL).shape[1], photo(FRONTAL).shape[0])
    assert list(pose) == ["pitch", "roll", "yaw"]
    assert abs(pose["yaw"]) < 15
    assert abs(pose["roll"]) < 15
    assert abs(pose["pitch"]) < 20


@pytest.mark.parametrize("path", (FRONTAL, *TURNED))
def test_mirroring_negates_yaw_and_roll_and_keeps_pitch(path: str) -> None:
    original = pose_of(photo(path))
    mirrored = pose_of(np.ascontiguousarray(photo(path)[:, ::-1]))
    assert mirrored["yaw"] == pytest.approx(-original["yaw"], abs=4)
    assert mirrored["roll"] == pytest.approx(-original["roll"], abs=4)
    assert mirrored["pitch"] == pytest.approx(original["pitch"], abs=4)


@pytest.mark.parametrize("path", TURNED)
def test_yaw_is_positive_when_the_face_turns_to_the_image_right(path: str) -> None:
    _, points = face_of(path)
    pose = attributes.head_pose(points, photo(path).shape[1], photo(path).shape[0])
    eye_middle_x = (points[36, 0] + points[45, 0]) / 2.0
    nose_offset = points[30, 0] - eye_middle_x  # the nose tip swings towards where the face turns
    assert abs(pose["yaw"]) > 10, "these photos show clearly turned faces"
    assert np.sign(pose["yaw"]) == np.sign(nose_offset)


@pytest.mark.parametrize("path", (FRONTAL, "people/kit_harington/johnsnow_test1.jpg"))
def test_rotating_the_image_clockwise_adds_to_roll(path: str) -> None:
    original = pose_of(photo(path))
    clockwise = rotated_about_face(path, -15.0)
    counter = rotated_about_face(path, 15.0)
    assert pose_of(clockwise)["roll"] == pytest.approx(original["roll"] + 15.0, abs=4)
    assert pose_of(counter)["roll"] == pytest.approx(original["roll"] - 15.0, abs=4)
    _, points = largest_face(clockwise)
    left_eye, right_eye = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    assert right_eye[1] > left_eye[1], "clockwise: the image-right eye is now the lower one"


def synthetic_face(yaw: float = 0.0, pitch: float = 0.0, roll: float = 0.0) -> np.ndarray:
    """FACE_MODEL_3D turned by the given degrees about its HEAD_CENTRE, 1 m in front of a camera of
    focal length 1000 px, as dlib-ordered points in a 1000 x 1000 image."""
    model = np.array(list(attributes.FACE_MODEL_3D.values())) - np.array(attributes.HEAD_CENTRE)
    x, y, z = model[:, 0], model[:, 1], model[:, 2]
    up, turn, clockwise = np.radians([pitch, yaw, roll])
    y, z = y * np.cos(up) + z * np.sin(up), -y * np.sin(up) + z * np.cos(up)  # nose tip goes up
    x, z = x * np.cos(turn) - z * np.sin(turn), x * np.sin(turn) + z * np.cos(turn)  # nose goes right
    x, y = x * np.cos(clockwise) - y * np.sin(clockwise), x * np.sin(clockwise) + y * np.cos(clockwise)
    points = np.zeros((68, 2))
    depth = z + 1000.0
    points[list(attributes.FACE_MODEL_3D)] = np.stack([499.5 + 1000 * x / depth, 499.5 + 1000 * y / depth], 1)
    return points


@pytest.mark.parametrize(
    ("turned", "expected"),
    [
        ({"pitch": 15.0}, {"pitch": 15.0, "roll": 0.0, "yaw": 0.0}),
        ({"pitch": -15.0}, {"pitch": -15.0, "roll": 0.0, "yaw": 0.0}),
        ({"yaw": 25.0}, {"pitch": 0.0, "roll": 0.0, "yaw": 25.0}),
        ({"roll": -10.0}, {"pitch": 0.0, "roll": -10.0, "yaw": 0.0}),
    ],
)
def test_signs_on_a_synthetic_face(turned: dict[str, float], expected: dict[str, float]) -> None:
    pose = attributes.head_pose(synthetic_face(**turned), 1000, 1000)
    assert pose == pytest.approx(expected, abs=0.5)


# Blur


@pytest.mark.parametrize("path", SAMPLES)
def test_blur_rises_with_gaussian_blur(path: str) -> None:
    box, _ = face_of(path)
    pixels = photo(path)
    original = attributes.blur(attributes.face_crop(pixels, box))
    mild = attributes.blur(attributes.face_crop(cv2.GaussianBlur(pixels, (0, 0), box.height / 100), box))
    strong = attributes.blur(attributes.face_crop(cv2.GaussianBlur(pixels, (0, 0), box.height / 25), box))
    assert original["value"] < mild["value"] < strong["value"]
    assert strong["blurLevel"] == "high"
    assert original["blurLevel"] != "high"


# Exposure


@pytest.mark.parametrize("path", PEOPLE)
def test_people_photos_are_well_exposed_and_clean(path: str) -> None:
    box, _ = face_of(path)
    crop = attributes.face_crop(photo(path), box)
    assert attributes.exposure(crop)["exposureLevel"] == "goodExposure"
    assert attributes.noise(crop)["noiseLevel"] == "low"


@pytest.mark.parametrize("path", SAMPLES)
def test_darkened_is_under_and_brightened_is_over_exposed(path: str) -> None:
    box, _ = face_of(path)
    pixels = photo(path).astype(np.float64)
    original = attributes.exposure(attributes.face_crop(photo(path), box))
    dark = attributes.exposure(attributes.face_crop(to_uint8(pixels * 0.2), box))
    bright = attributes.exposure(attributes.face_crop(to_uint8(pixels * 2.5 + 60), box))
    assert dark["exposureLevel"] == "underExposure"
    assert bright["exposureLevel"] == "overExposure"
    assert dark["value"] < original["value"] < bright["value"]


# Noise


@pytest.mark.parametrize("path", SAMPLES)
def test_added_gaussian_noise_raises_noise(path: str) -> None:
    box, _ = face_of(path)
    pixels = photo(path)
    rng = np.random.default_rng(25)
    noisy = to_uint8(pixels + rng.normal(0.0, 25.0, pixels.shape))
    original = attributes.noise(attributes.face_crop(pixels, box))
    measured = attributes.noise(attributes.face_crop(noisy, box))
    assert original["noiseLevel"] == "low"
    assert measured["value"] > original["value"]
    assert measured["noiseLevel"] in ("medium", "high")


# Quality for recognition


def test_sharp_frontal_1080p_face_is_high_quality() -> None:
    box, points = face_of(FRONTAL)
    result = attributes.compute_attributes(photo(FRONTAL), box, points, ALL)
    assert result["qualityForRecognition"] == "high"


def test_a_small_face_is_at_best_medium() -> None:
    path = "resolutions/obama-240p.jpg"
    box, points = face_of(path)
    assert box.height < attributes.QUALITY_HIGH_MIN_HEIGHT
    result = attributes.compute_attributes(photo(path), box, points, [FaceAttribute.QUALITY_FOR_RECOGNITION])
    assert result == {"qualityForRecognition": "medium"}


def test_tiny_blurred_copy_is_low_quality() -> None:
    box, points = face_of(FRONTAL)
    scale = 1 / 8
    tiny = cv2.resize(photo(FRONTAL), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    tiny = cv2.GaussianBlur(tiny, (0, 0), 1.5)
    small_box = FaceBox(
        round(box.left * scale), round(box.top * scale), round(box.width * scale), round(box.height * scale)
    )
    result = attributes.compute_attributes(tiny, small_box, points * scale, ALL)
    assert result["qualityForRecognition"] == "low"


def pose(yaw: float = 0.0, pitch: float = 0.0) -> dict[str, float]:
    return {"pitch": pitch, "roll": 0.0, "yaw": yaw}


def blur_of(level: str) -> dict[str, object]:
    return {"blurLevel": level, "value": {"low": 0.1, "medium": 0.5, "high": 0.9}[level]}


def exposure_of(value: float) -> dict[str, object]:
    level = "underExposure" if value < 0.25 else "goodExposure" if value < 0.75 else "overExposure"
    return {"exposureLevel": level, "value": value}


@pytest.mark.parametrize(
    ("height", "pose_", "blur_", "exposure_", "expected"),
    [
        (120, pose(), blur_of("low"), exposure_of(0.5), "high"),
        (100, pose(20, -20), blur_of("low"), exposure_of(0.5), "high"),
        (99, pose(), blur_of("low"), exposure_of(0.5), "medium"),
        (120, pose(), blur_of("medium"), exposure_of(0.5), "medium"),
        (120, pose(), blur_of("low"), exposure_of(0.8), "medium"),
        (120, pose(yaw=-30), blur_of("low"), exposure_of(0.5), "medium"),
        (120, pose(pitch=35), blur_of("low"), exposure_of(0.5), "medium"),
        (49, pose(), blur_of("low"), exposure_of(0.5), "low"),
        (120, pose(), blur_of("high"), exposure_of(0.5), "low"),
        (120, pose(), blur_of("low"), exposure_of(0.05), "low"),
        (120, pose(), blur_of("low"), exposure_of(0.95), "low"),
        (120, pose(yaw=36), blur_of("low"), exposure_of(0.5), "low"),
        (120, pose(pitch=-36), blur_of("low"), exposure_of(0.5), "low"),
    ],
)
def test_quality_rule(
    height: int,
    pose_: dict[str, float],
    blur_: dict[str, object],
    exposure_: dict[str, object],
    expected: str,
) -> None:
    box = FaceBox(0, 0, height, height)
    assert attributes.quality_for_recognition(box, pose_, blur_, exposure_) == expected


# compute_attributes


def test_compute_attributes_returns_the_requested_ones_in_azure_order() -> None:
    box, points = face_of(FRONTAL)
    requested = [FaceAttribute.NOISE, FaceAttribute.QUALITY_FOR_RECOGNITION, FaceAttribute.HEAD_POSE]
    result = attributes.compute_attributes(photo(FRONTAL), box, points, requested)
    assert list(result) == ["headPose", "noise", "qualityForRecognition"]
    full = attributes.compute_attributes(photo(FRONTAL), box, points, reversed(ALL))
    assert list(full) == ["headPose", "blur", "exposure", "noise", "qualityForRecognition"]
    assert list(full["blur"]) == ["blurLevel", "value"]  # type: ignore[call-overload]
    for name in ("blur", "exposure", "noise"):
        value = full[name]["value"]  # type: ignore[index]
        assert 0.0 <= value <= 1.0 and value == round(value, 2)
    assert full["headPose"] == attributes.head_pose(points, photo(FRONTAL).shape[1], photo(FRONTAL).shape[0])


def test_values_differ_between_photos() -> None:
    results = []
    for path in SAMPLES:
        box, points = face_of(path)
        results.append(attributes.compute_attributes(photo(path), box, points, ALL))
    for name in ("headPose", "blur", "exposure", "noise"):
        assert len({repr(result[name]) for result in results}) == len(SAMPLES), name


def test_pixel_attributes_need_no_landmarks_but_pose_and_quality_do() -> None:
    box, _ = face_of(FRONTAL)
    pixels = photo(FRONTAL)
    result = attributes.compute_attributes(pixels, box, None, [FaceAttribute.BLUR, FaceAttribute.EXPOSURE])
    assert list(result) == ["blur", "exposure"]
    for needs_points in (FaceAttribute.HEAD_POSE, FaceAttribute.QUALITY_FOR_RECOGNITION):
        with pytest.raises(ValueError):
            attributes.compute_attributes(pixels, box, None, [needs_points])


def test_attributes_not_measured_from_pixels_are_refused() -> None:
    box, points = face_of(FRONTAL)
    with pytest.raises(ValueError):
        attributes.compute_attributes(photo(FRONTAL), box, points, [FaceAttribute.GLASSES])


def test_box_is_clipped_to_the_image() -> None:
    pixels = photo(FRONTAL)
    box, _ = face_of(FRONTAL)
    overhanging = FaceBox(box.left - 5000, box.top - 5000, box.width + 5000, box.height + 5000)
    crop = attributes.face_crop(pixels, overhanging)
    assert crop.shape[:2] == (box.top + box.height, box.left + box.width)
    with pytest.raises(ValueError):
        attributes.face_crop(pixels, FaceBox(pixels.shape[1] + 10, 0, 50, 50))


@pytest.mark.parametrize(
    ("grey", "exposure_level"), [(20, "underExposure"), (128, "goodExposure"), (235, "overExposure")]
)
def test_flat_patches(grey: int, exposure_level: str) -> None:
    patch = np.full((80, 80, 3), grey, dtype=np.uint8)
    assert attributes.exposure(patch) == {"exposureLevel": exposure_level, "value": round(grey / 255, 2)}
    assert attributes.noise(patch) == {"noiseLevel": "low", "value": 0.0}
    assert attributes.blur(patch)["blurLevel"] == "high"  # nothing in focus
