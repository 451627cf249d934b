"""Detection options and Azure's rules on them: models, attributes, landmarks.

The checks run in Azure's order: a name Azure does not know is a BadArgument; a retired sensitive
attribute is kept aside for the terms of use, which refuse it for every tenant (403
UnsupportedFeature, audited like any refusal) before any other rule; then the detection model's own
limits; then what Visage can compute honestly from pixels and landmarks (never an invented value).
"""

from __future__ import annotations

import dataclasses
import enum

from server import defaults
from server.errors import BadArgument


class DetectionModel(enum.StrEnum):
    DETECTION_01 = "detection_01"
    DETECTION_02 = "detection_02"
    DETECTION_03 = "detection_03"


class RecognitionModel(enum.StrEnum):
    RECOGNITION_01 = "recognition_01"
    RECOGNITION_02 = "recognition_02"
    RECOGNITION_03 = "recognition_03"
    RECOGNITION_04 = "recognition_04"


class FaceAttribute(enum.StrEnum):
    HEAD_POSE = "headPose"
    GLASSES = "glasses"
    OCCLUSION = "occlusion"
    ACCESSORIES = "accessories"
    BLUR = "blur"
    EXPOSURE = "exposure"
    NOISE = "noise"
    MASK = "mask"
    QUALITY_FOR_RECOGNITION = "qualityForRecognition"


RETIRED_ATTRIBUTES = ("age", "gender", "emotion", "smile", "facialHair", "hair", "makeup")
"""Sensitive attributes Microsoft retired in 2022 (emotion, gender) or limited (age, smile,
facial hair, hair, makeup): refused for everyone."""


ATTRIBUTES_BY_DETECTION_MODEL: dict[DetectionModel, frozenset[FaceAttribute]] = {
    DetectionModel.DETECTION_01: frozenset({
        FaceAttribute.ACCESSORIES, FaceAttribute.BLUR, FaceAttribute.EXPOSURE, FaceAttribute.GLASSES,
        FaceAttribute.HEAD_POSE, FaceAttribute.NOISE, FaceAttribute.OCCLUSION,
        FaceAttribute.QUALITY_FOR_RECOGNITION,
    }),
    DetectionModel.DETECTION_02: frozenset(),
    DetectionModel.DETECTION_03: frozenset({
        FaceAttribute.BLUR, FaceAttribute.EXPOSURE, FaceAttribute.GLASSES, FaceAttribute.HEAD_POSE,
        FaceAttribute.MASK, FaceAttribute.OCCLUSION, FaceAttribute.QUALITY_FOR_RECOGNITION,
    }),
}
"""Azure's table of attributes per detection model (how-to/specify-detection-model, 2024-06)."""

QUALITY_RECOGNITION_MODELS = frozenset({RecognitionModel.RECOGNITION_03, RecognitionModel.RECOGNITION_04})
"""qualityForRecognition "is only available when using recognition models recognition_03 or
recognition_04"."""

COMPUTED_ATTRIBUTES = frozenset({
    FaceAttribute.HEAD_POSE, FaceAttribute.BLUR, FaceAttribute.EXPOSURE, FaceAttribute.NOISE,
    FaceAttribute.QUALITY_FOR_RECOGNITION,
})
"""What Visage computes from pixels and landmarks. Glasses, occlusion, accessories and masks
need trained classifiers Visage does not ship, so they are refused rather than guessed."""

_BY_LOWER_NAME = {attribute.value.lower(): attribute for attribute in FaceAttribute}
_RETIRED_LOWER = {name.lower() for name in RETIRED_ATTRIBUTES}


@dataclasses.dataclass(frozen=True)
class DetectOptions:
    detection_model: DetectionModel = DetectionModel.DETECTION_01
    recognition_model: RecognitionModel = RecognitionModel.RECOGNITION_01
    return_face_id: bool = True
    return_landmarks: bool = False
    return_recognition_model: bool = False
    attributes: tuple[FaceAttribute, ...] = ()
    face_id_ttl: int = defaults.FACE_ID_TTL_DEFAULT
    sensitive_attributes: tuple[str, ...] = ()
    """Retired attributes the call asked for (age, emotion, ...): the terms of use refuse the call."""


def parse_detection_model(value: object) -> DetectionModel:
    """A detection model as a caller wrote it (any JSON value); the default when absent."""
    if value is None or value == "":
        return DetectionModel.DETECTION_01
    try:
        return DetectionModel(value.lower() if isinstance(value, str) else "")
    except ValueError:
        raise BadArgument("'detectionModel' is invalid.") from None


def parse_recognition_model(value: object) -> RecognitionModel:
    """A recognition model as a caller wrote it (any JSON value: a number or a list is as invalid
    as a misspelt name); the default when absent."""
    if value is None or value == "":
        return RecognitionModel.RECOGNITION_01
    try:
        return RecognitionModel(value.lower() if isinstance(value, str) else "")
    except ValueError:
        raise BadArgument("'recognitionModel' is invalid.") from None


def parse_attributes(text: str | None) -> tuple[tuple[FaceAttribute, ...], tuple[str, ...]]:
    """The CSV of returnFaceAttributes, case-insensitive as Azure is (blanks and spaces are errors):
    the attributes Azure still serves, and the retired ones asked for, by their Azure names."""
    if text is None or text == "":
        return (), ()
    names = text.split(",")
    if any(name.lower() not in _BY_LOWER_NAME and name.lower() not in _RETIRED_LOWER for name in names):
        raise BadArgument("Invalid argument returnFaceAttributes.")
    retired = {name.lower(): name for name in RETIRED_ATTRIBUTES}
    sensitive = tuple(dict.fromkeys(retired[name.lower()] for name in names if name.lower() in _RETIRED_LOWER))
    unique = dict.fromkeys(_BY_LOWER_NAME[name.lower()] for name in names if name.lower() in _BY_LOWER_NAME)
    return tuple(unique), sensitive


def check_face_id_ttl(ttl: int) -> int:
    if not defaults.FACE_ID_TTL_MIN <= ttl <= defaults.FACE_ID_TTL_MAX:
        raise BadArgument(
            f"'faceIdTimeToLive' is invalid. It must be between {defaults.FACE_ID_TTL_MIN} and "
            f"{defaults.FACE_ID_TTL_MAX} seconds."
        )
    return ttl


def check_options(options: DetectOptions) -> DetectOptions:
    """Azure's per-model rules, then Visage's honesty rule; none for a call the terms of use refuse
    (it asks for a retired attribute)."""
    if options.sensitive_attributes:
        return options
    model = options.detection_model
    if model is DetectionModel.DETECTION_02:
        if options.attributes:
            raise BadArgument("'returnFaceAttributes' is not supported by detection_02.")
        if options.return_landmarks:
            raise BadArgument("'returnLandmarks' is not supported by detection_02.")
    supported = ATTRIBUTES_BY_DETECTION_MODEL[model]
    if any(attribute not in supported for attribute in options.attributes):
        listed = ",".join(sorted(attribute.value.lower() for attribute in supported))
        raise BadArgument(f"Only face attributes '{listed}' are supported by {model.value}.")
    if (
        FaceAttribute.QUALITY_FOR_RECOGNITION in options.attributes
        and options.recognition_model not in QUALITY_RECOGNITION_MODELS
    ):
        raise BadArgument(
            "'qualityForRecognition' is only supported with recognitionModel recognition_03 or "
            "recognition_04."
        )
    for attribute in options.attributes:
        if attribute not in COMPUTED_ATTRIBUTES:
            computed = ", ".join(a.value for a in FaceAttribute if a in COMPUTED_ATTRIBUTES)
            raise BadArgument(
                f"Face attribute '{attribute.value}' is not available in Visage: it needs a trained "
                f"classifier that Visage does not ship, and Visage does not invent values. "
                f"Attributes computed from pixels and landmarks: {computed}."
            )
    return options
