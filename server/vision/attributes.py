"""Face attributes measured from pixels and landmarks, in Azure's shapes: head pose, blur, exposure,
noise and quality for recognition. Every number comes from the image; nothing is guessed.

Head pose is the face's rotation in degrees relative to the line of sight from the camera (so a
face looking into the lens has none wherever it sits in the frame), decomposed as
R = Rz(roll) . Ry(yaw) . Rx(pitch) in camera axes (x to the image's right, y down, z forward):

| angle | positive when                                                                         |
| ----- | ------------------------------------------------------------------------------------- |
| roll  | the face is turned clockwise in the image (the image-right eye is lower than the left) |
| yaw   | the face turns towards the image's right (the subject's own left)                      |
| pitch | the face tilts up (chin up)                                                            |

Mirroring an image negates yaw and roll and keeps pitch; rotating it clockwise by an angle adds
that angle to roll.

Blur, exposure and noise values are in [0, 1], higher meaning more blurred, brighter, noisier;
Azure's bands turn them into levels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import cv2
import numpy as np

from server.domain.detection import FaceAttribute
from server.vision.detector import FaceBox

FACE_MODEL_3D: dict[int, tuple[float, float, float]] = {
    30: (0.0, 0.0, 0.0),  # nose tip
    8: (0.0, 92.0, 33.0),  # chin
    36: (-45.0, -34.0, 45.0),  # eye outer corners
    45: (45.0, -34.0, 45.0),
    39: (-19.0, -34.0, 30.0),  # eye inner corners
    42: (19.0, -34.0, 30.0),
    27: (0.0, -39.0, 22.0),  # top of the nose bridge
    33: (0.0, 13.0, 18.0),  # below the nose
    31: (-17.0, 8.0, 25.0),  # nostril wings
    35: (17.0, 8.0, 25.0),
    48: (-35.0, 32.0, 35.0),  # mouth corners
    54: (35.0, 32.0, 35.0),
    51: (0.0, 27.0, 17.0),  # upper lip top
    57: (0.0, 50.0, 22.0),  # under lip bottom
    17: (-60.0, -42.0, 48.0),  # eyebrow ends
    26: (60.0, -42.0, 48.0),
    21: (-11.0, -52.0, 20.0),
    22: (11.0, -52.0, 20.0),
}
"""A generic face for solvePnP, in millimetres with the nose tip at the origin, x to the image's
right, y down and z away from the camera (so a face looking into the lens has no rotation).
x and y are dlib's landmarks on frontal faces, averaged after scaling the outer eye corners 90 mm
apart (an adult's biocular width); z are depths behind the nose tip from adult facial
anthropometry (nose protrusion about 20 mm, eye corners 30-45 mm, mouth corners 35 mm)."""

HEAD_CENTRE = (0.0, -34.0, 115.0)
"""Roughly the middle of an adult head in FACE_MODEL_3D's frame: at eye level, half a head length
(about 190 mm) behind the brow, which the nose tip leads by about 20 mm. Angles are measured
against the line of sight to this point, which stays put as the head turns."""

POSE_EYE_SPAN_MM = 90.0
"""The outer-eye-corner span of FACE_MODEL_3D: the first guess of distance puts the face where its
eye span in pixels says it is, so that solvePnP cannot settle on the mirror solution behind the
camera."""

CROP_SIDE = 128
"""Side of the grey face crop that blur is measured on: sharpness depends on scale, so every face
is judged at the same size, which is about the detail a recognition model sees."""

BLUR_FILTER_TAPS = 11
"""Length of the box filter of the Crete-Roffet blur metric (as in the paper and scikit-image)."""

BLUR_SHARP = 0.30
BLUR_BLURRED = 0.80
"""The Crete-Roffet metric of a crisp face photo at CROP_SIDE is about 0.30 (blur value 0); a face
blurred by a Gaussian of about 5 pixels at that size, features melted, reaches 0.80 (blur value
1). The metric is used rather than the variance of the Laplacian because it does not change with
brightness or contrast: a dark photo is not a blurred one."""

NOISE_SIGMA_MAX = 40.0
"""A noise standard deviation of 40 levels (of 255, per colour channel) maps to noise value 1; the
value is linear below it, so Azure's medium band starts at sigma 12 and high at sigma 28. The
clean and JPEG test photos measure 0.3 to 8."""

EXPOSURE_EXTREME = (0.10, 0.90)
"""Exposure values outside this range (a face at less than a tenth or more than nine tenths of
full brightness on average) have lost too much detail for even a medium-quality match."""

QUALITY_HIGH_MIN_HEIGHT = 100
QUALITY_MEDIUM_MIN_HEIGHT = 50
"""Face heights for quality_for_recognition. dlib's encoder aligns a face into a 150 x 150 chip
with a quarter of padding on each side, so the face itself spans about 100 px there: from 100 px
up nothing is interpolated; at half that, half the detail is made up by upscaling."""

QUALITY_HIGH_MAX_ANGLE = 20.0
QUALITY_MEDIUM_MAX_ANGLE = 35.0
"""Largest abs(yaw) and abs(pitch) for high and medium quality: a turned or tilted face hides
part of itself and strains the 2-D alignment the embedding relies on."""

_AZURE_ORDER = (
    FaceAttribute.HEAD_POSE,
    FaceAttribute.BLUR,
    FaceAttribute.EXPOSURE,
    FaceAttribute.NOISE,
    FaceAttribute.QUALITY_FOR_RECOGNITION,
)
_IMMERKAER_KERNEL = np.array([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]])

_BLUR_BANDS = ((0.25, "low"), (0.75, "medium"), (math.inf, "high"))
_EXPOSURE_BANDS = ((0.25, "underExposure"), (0.75, "goodExposure"), (math.inf, "overExposure"))
_NOISE_BANDS = ((0.3, "low"), (0.7, "medium"), (math.inf, "high"))


def compute_attributes(
    pixels: np.ndarray,
    box: FaceBox,
    points68: np.ndarray | None,
    requested: Iterable[FaceAttribute],
) -> dict[str, object]:
    """The requested attributes of one face, keyed by Azure's names, in Azure's order.

    headPose and qualityForRecognition need the face's 68 landmarks; the others need only pixels.
    """
    wanted = set(requested)
    unknown = wanted - set(_AZURE_ORDER)
    if unknown:
        raise ValueError(f"attributes not computed from pixels: {sorted(a.value for a in unknown)}")
    crop = face_crop(pixels, box)
    quality = FaceAttribute.QUALITY_FOR_RECOGNITION in wanted
    measured: dict[FaceAttribute, object] = {}
    if FaceAttribute.HEAD_POSE in wanted or quality:
        if points68 is None:
            raise ValueError("headPose and qualityForRecognition need the face's 68 landmarks")
        measured[FaceAttribute.HEAD_POSE] = pose = head_pose(points68, pixels.shape[1], pixels.shape[0])
    if FaceAttribute.BLUR in wanted or quality:
        measured[FaceAttribute.BLUR] = blurred = blur(crop)
    if FaceAttribute.EXPOSURE in wanted or quality:
        measured[FaceAttribute.EXPOSURE] = exposed = exposure(crop)
    if FaceAttribute.NOISE in wanted:
        measured[FaceAttribute.NOISE] = noise(crop)
    if quality:
        measured[FaceAttribute.QUALITY_FOR_RECOGNITION] = quality_for_recognition(box, pose, blurred, exposed)
    return {attribute.value: measured[attribute] for attribute in _AZURE_ORDER if attribute in wanted}


def face_crop(pixels: np.ndarray, box: FaceBox) -> np.ndarray:
    """The box's pixels, clipped to the image."""
    height, width = pixels.shape[:2]
    left, top = max(0, box.left), max(0, box.top)
    right, bottom = min(width, box.left + box.width), min(height, box.top + box.height)
    if right <= left or bottom <= top:
        raise ValueError("the face rectangle lies outside the image")
    return pixels[top:bottom, left:right]


def head_pose(points68: np.ndarray, image_width: int, image_height: int) -> dict[str, float]:
    """Pitch, roll and yaw in degrees (see the module docstring for the signs), from solvePnP of
    FACE_MODEL_3D on the landmarks with a pinhole camera whose focal length is the image width and
    whose principal point is the image centre. Measured against the line of sight, the angles
    hardly depend on that guessed focal length: it shifts the face's position, not its shape."""
    points = np.asarray(points68, dtype=np.float64)
    indices = list(FACE_MODEL_3D)
    model = np.array([FACE_MODEL_3D[i] for i in indices], dtype=np.float64)
    image_points = points[indices]
    focal = float(image_width)
    centre = ((image_width - 1) / 2.0, (image_height - 1) / 2.0)
    camera = np.array([[focal, 0.0, centre[0]], [0.0, focal, centre[1]], [0.0, 0.0, 1.0]])
    eye_span = max(float(np.linalg.norm(points[45] - points[36])), 1.0)
    distance = focal * POSE_EYE_SPAN_MM / eye_span
    nose = points[30]
    guess = np.array([
        [(nose[0] - centre[0]) * distance / focal],
        [(nose[1] - centre[1]) * distance / focal],
        [distance],
    ])
    _, rvec, tvec = cv2.solvePnP(
        model, image_points, camera, None, np.zeros((3, 1)), guess, useExtrinsicGuess=True,
        flags=cv2.SOLVEPNP_ITERATIVE,
    )
    turned = cv2.Rodrigues(rvec)[0]
    head_centre = turned @ np.array(HEAD_CENTRE) + np.asarray(tvec).reshape(3)
    rotation = _line_of_sight(head_centre).T @ turned
    # R = Rz(gamma) Ry(beta) Rx(alpha); a face turning to the image's right or tilting up is a
    # negative rotation about the camera's y (down) or x (right) axis.
    beta = math.asin(-max(-1.0, min(1.0, float(rotation[2, 0]))))
    alpha = math.atan2(float(rotation[2, 1]), float(rotation[2, 2]))
    gamma = math.atan2(float(rotation[1, 0]), float(rotation[0, 0]))
    return {
        "pitch": _round_angle(-alpha),
        "roll": _round_angle(gamma),
        "yaw": _round_angle(-beta),
    }


def _line_of_sight(target: np.ndarray) -> np.ndarray:
    """The smallest rotation taking the optical axis onto the ray to the target point."""
    ray = target / max(float(np.linalg.norm(target)), 1e-9)
    axis = np.cross([0.0, 0.0, 1.0], ray)
    angle = math.atan2(float(np.linalg.norm(axis)), float(ray[2]))
    if angle < 1e-12:
        return np.eye(3)
    return cv2.Rodrigues(axis / np.linalg.norm(axis) * angle)[0]


def blur(face_crop: np.ndarray) -> dict[str, Any]:
    """Crete-Roffet no-reference blur (how much a further box blur changes the gradients) of the
    grey face at CROP_SIDE, mapped linearly from [BLUR_SHARP, BLUR_BLURRED] to [0, 1]."""
    grey = cv2.resize(_grey(face_crop), (CROP_SIDE, CROP_SIDE), interpolation=cv2.INTER_AREA)
    metric = _crete_roffet(grey.astype(np.float64))
    value = _unit((metric - BLUR_SHARP) / (BLUR_BLURRED - BLUR_SHARP))
    return {"blurLevel": _band(value, _BLUR_BANDS), "value": value}


def exposure(face_crop: np.ndarray) -> dict[str, Any]:
    """The face's mean luminance (Rec. 601 grey) as a fraction of full white."""
    value = _unit(float(_grey(face_crop).mean()) / 255.0)
    return {"exposureLevel": _band(value, _EXPOSURE_BANDS), "value": value}


def noise(face_crop: np.ndarray) -> dict[str, Any]:
    """Immerkaer's fast noise estimate (1996) at the image's own resolution: the mean absolute
    response to a mask that cancels smooth shading and straight edges, scaled to a standard
    deviation in grey levels, averaged over the colour channels (sensor noise is independent per
    channel, so converting to grey first would hide part of it), divided by NOISE_SIGMA_MAX."""
    channels = face_crop[:, :, None] if face_crop.ndim == 2 else face_crop
    sigmas = [_immerkaer_sigma(channels[:, :, i].astype(np.float64)) for i in range(channels.shape[2])]
    value = _unit(float(np.mean(sigmas)) / NOISE_SIGMA_MAX)
    return {"noiseLevel": _band(value, _NOISE_BANDS), "value": value}


def quality_for_recognition(
    box: FaceBox,
    pose: Mapping[str, float],
    blur: Mapping[str, Any],
    exposure: Mapping[str, Any],
) -> str:
    """Whether the face is good enough to recognise, by this rule (the first row that holds):

    | quality | face height | blurLevel     | exposure                      | abs(yaw) | abs(pitch) |
    | ------- | ----------- | ------------- | ----------------------------- | -------- | ---------- |
    | high    | >= 100 px   | low           | goodExposure                  | <= 20    | <= 20      |
    | medium  | >= 50 px    | low or medium | value in [0.10, 0.90]         | <= 35    | <= 35      |
    | low     | otherwise   |               |                               |          |            |
    """
    yaw, pitch = abs(float(pose["yaw"])), abs(float(pose["pitch"]))
    level = str(blur["blurLevel"])
    exposure_value = float(exposure["value"])
    if (
        box.height >= QUALITY_HIGH_MIN_HEIGHT
        and level == "low"
        and exposure["exposureLevel"] == "goodExposure"
        and yaw <= QUALITY_HIGH_MAX_ANGLE
        and pitch <= QUALITY_HIGH_MAX_ANGLE
    ):
        return "high"
    if (
        box.height >= QUALITY_MEDIUM_MIN_HEIGHT
        and level != "high"
        and EXPOSURE_EXTREME[0] <= exposure_value <= EXPOSURE_EXTREME[1]
        and yaw <= QUALITY_MEDIUM_MAX_ANGLE
        and pitch <= QUALITY_MEDIUM_MAX_ANGLE
    ):
        return "medium"
    return "low"


def _crete_roffet(grey: np.ndarray) -> float:
    """Crete, Dolmiere, Ladret and Nicolas (2007), "The blur effect": 0 sharp, 1 fully blurred."""
    effects = []
    for axis in (0, 1):
        shape = (BLUR_FILTER_TAPS, 1) if axis == 0 else (1, BLUR_FILTER_TAPS)
        kernel = np.full(shape, 1.0 / BLUR_FILTER_TAPS)
        reblurred = cv2.filter2D(grey, -1, kernel, borderType=cv2.BORDER_REFLECT)
        sharp_diff = np.abs(np.diff(grey, axis=axis))[1:-1, 1:-1]
        blur_diff = np.abs(np.diff(reblurred, axis=axis))[1:-1, 1:-1]
        total = float(sharp_diff.sum())
        if total == 0.0:
            effects.append(1.0)  # a flat crop has no detail left to lose
            continue
        lost = float(np.maximum(0.0, sharp_diff - blur_diff).sum())
        effects.append((total - lost) / total)
    return max(effects)


def _immerkaer_sigma(channel: np.ndarray) -> float:
    if min(channel.shape) < 3:  # the mask needs a 3 x 3 neighbourhood
        size = (max(3, channel.shape[1]), max(3, channel.shape[0]))
        channel = np.asarray(cv2.resize(channel, size, interpolation=cv2.INTER_LINEAR))
    response = cv2.filter2D(channel, -1, _IMMERKAER_KERNEL)[1:-1, 1:-1]
    return math.sqrt(math.pi / 2.0) * float(np.abs(response).mean()) / 6.0


def _grey(face_crop: np.ndarray) -> np.ndarray:
    if face_crop.ndim == 2:
        return face_crop
    return cv2.cvtColor(np.ascontiguousarray(face_crop), cv2.COLOR_RGB2GRAY)


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 2)


def _band(value: float, bands: tuple[tuple[float, str], ...]) -> str:
    return next(name for upper, name in bands if value < upper)


def _round_angle(radians: float) -> float:
    return round(math.degrees(radians), 1) + 0.0  # + 0.0 turns -0.0 into 0.0
