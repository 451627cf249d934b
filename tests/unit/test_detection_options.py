"""Azure's detect parameter rules, without images, Redis or HTTP."""

from __future__ import annotations

import pytest

from server.domain import detection
from server.domain.detection import DetectionModel, DetectOptions, FaceAttribute, RecognitionModel
from server.errors import BadArgument


def options(**kwargs: object) -> DetectOptions:
    return DetectOptions(**kwargs)  # type: ignore[arg-type]


def test_models_default_to_azures_defaults() -> None:
    assert detection.parse_detection_model(None) is DetectionModel.DETECTION_01
    assert detection.parse_recognition_model("") is RecognitionModel.RECOGNITION_01


@pytest.mark.parametrize("text", ["detection_04", "hog", "detection-01"])
def test_unknown_detection_model_is_a_bad_argument(text: str) -> None:
    with pytest.raises(BadArgument, match="'detectionModel' is invalid."):
        detection.parse_detection_model(text)


@pytest.mark.parametrize("value", ["recognition_05", 4, 4.0, True, ["recognition_04"], {"name": "recognition_04"}])
def test_unknown_or_mistyped_recognition_model_is_a_bad_argument(value: object) -> None:
    with pytest.raises(BadArgument, match="'recognitionModel' is invalid."):
        detection.parse_recognition_model(value)


@pytest.mark.parametrize("value", [1, ["detection_01"], False])
def test_a_mistyped_detection_model_is_a_bad_argument(value: object) -> None:
    with pytest.raises(BadArgument, match="'detectionModel' is invalid."):
        detection.parse_detection_model(value)


def test_model_names_are_case_insensitive() -> None:
    assert detection.parse_detection_model("Detection_03") is DetectionModel.DETECTION_03


def test_attributes_parse_case_insensitively_without_duplicates() -> None:
    parsed = detection.parse_attributes("headpose,Blur,headPose")
    assert parsed == ((FaceAttribute.HEAD_POSE, FaceAttribute.BLUR), ())


@pytest.mark.parametrize("text", ["headPose, blur", "headPose,,blur", "accessory", "smiles"])
def test_malformed_attribute_lists_are_refused(text: str) -> None:
    with pytest.raises(BadArgument, match="Invalid argument returnFaceAttributes."):
        detection.parse_attributes(text)


@pytest.mark.parametrize("retired", ["age", "gender", "emotion", "smile", "facialHair", "hair", "makeup"])
def test_retired_sensitive_attributes_are_kept_aside_for_the_terms_of_use(retired: str) -> None:
    assert detection.parse_attributes(f"headPose,{retired.upper()},{retired}") == ((FaceAttribute.HEAD_POSE,),
                                                                                  (retired,))


@pytest.mark.parametrize("version", ["2020-06", "2024-05", "2026-12"])
def test_every_version_refuses_retired_attributes_in_azures_words_for_everyone(version: str) -> None:
    from server.domain.terms import document

    clause = next(c for c in document(version).clauses if c.scope["operations"] == ["attribute_inference"])
    assert clause.scope["customer_types"] == "*" and clause.scope["countries"] == "*"
    assert clause.answer == {"code": "UnsupportedFeature", "message": (
        "Return Attributes (emotion, gender, age, smile, facial hair, hair and makeup) have been deprecated and are "
        "no longer supported.")}


def test_detection_02_takes_neither_attributes_nor_landmarks() -> None:
    with pytest.raises(BadArgument, match="'returnFaceAttributes' is not supported by detection_02."):
        detection.check_options(options(detection_model=DetectionModel.DETECTION_02,
                                        attributes=(FaceAttribute.BLUR,)))
    with pytest.raises(BadArgument, match="'returnLandmarks' is not supported by detection_02."):
        detection.check_options(options(detection_model=DetectionModel.DETECTION_02, return_landmarks=True))


def test_detection_03_names_the_attributes_it_supports() -> None:
    with pytest.raises(BadArgument, match="Only face attributes '.*' are supported by detection_03."):
        detection.check_options(options(detection_model=DetectionModel.DETECTION_03,
                                        attributes=(FaceAttribute.NOISE,)))


def test_detection_01_does_not_support_mask() -> None:
    with pytest.raises(BadArgument, match="supported by detection_01"):
        detection.check_options(options(attributes=(FaceAttribute.MASK,)))


def test_quality_for_recognition_needs_recognition_03_or_04() -> None:
    with pytest.raises(BadArgument, match="recognition_03 or recognition_04"):
        detection.check_options(options(attributes=(FaceAttribute.QUALITY_FOR_RECOGNITION,)))
    detection.check_options(options(attributes=(FaceAttribute.QUALITY_FOR_RECOGNITION,),
                                    recognition_model=RecognitionModel.RECOGNITION_04))


@pytest.mark.parametrize("attribute", [FaceAttribute.GLASSES, FaceAttribute.OCCLUSION, FaceAttribute.ACCESSORIES])
def test_attributes_visage_cannot_compute_are_refused_not_invented(attribute: FaceAttribute) -> None:
    with pytest.raises(BadArgument, match="does not invent values"):
        detection.check_options(options(attributes=(attribute,)))


def test_computed_attributes_pass() -> None:
    computed = (FaceAttribute.HEAD_POSE, FaceAttribute.BLUR, FaceAttribute.EXPOSURE, FaceAttribute.NOISE)
    assert detection.check_options(options(attributes=computed)).attributes == computed


@pytest.mark.parametrize("ttl", [59, 86401, 0, -5])
def test_face_id_ttl_outside_60_to_86400_is_refused(ttl: int) -> None:
    with pytest.raises(BadArgument, match="faceIdTimeToLive"):
        detection.check_face_id_ttl(ttl)


@pytest.mark.parametrize("ttl", [60, 3600, 86400])
def test_face_id_ttl_inside_the_range_passes(ttl: int) -> None:
    assert detection.check_face_id_ttl(ttl) == ttl
