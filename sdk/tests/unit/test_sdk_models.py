"""Models: frozen, slotted, snake_case from camelCase, unknown fields kept, enums open-ended."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
import visage
from visage import OperationStatus, RecognitionModel
from visage.models import (
    Deployment,
    FaceDetectionResult,
    FaceFindSimilarResult,
    TrainingResult,
    WireModel,
    models_and_wire_names,
)
from visage.models._wire import WireDecodeError, camel


def test_camel_case_names_and_unknown_fields_are_kept() -> None:
    face = FaceDetectionResult.from_wire({
        "faceId": "f", "faceRectangle": {"top": 1, "left": 2, "width": 3, "height": 4, "angle": 7},
        "faceAttributes": {"glasses": "noGlasses"}, "emotion": None})
    assert face.face_rectangle.extra == {"angle": 7}
    assert face.face_attributes is not None and face.face_attributes.extra == {"glasses": "noGlasses"}
    assert face.extra == {"emotion": None}


def test_models_are_frozen_and_slotted() -> None:
    result = FaceFindSimilarResult(confidence=0.5, face_id="f")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.confidence = 1.0  # type: ignore[misc]
    assert not hasattr(result, "__dict__")
    assert result == FaceFindSimilarResult.from_wire({"confidence": 0.5, "faceId": "f", "new": 1})  # extra not compared


def test_an_unknown_enum_value_is_kept_not_fatal() -> None:
    training = TrainingResult.from_wire({"status": "paused"})
    assert training.status == "paused" and not training.status.known and not training.status.terminal
    assert isinstance(training.status, OperationStatus)
    assert OperationStatus("SUCCEEDED") is OperationStatus.SUCCEEDED  # case-insensitive, as Azure
    model: str = RecognitionModel.RECOGNITION_04
    assert model == "recognition_04"
    assert f"{RecognitionModel.RECOGNITION_04}" == "recognition_04"


def test_snake_case_models_of_the_management_api() -> None:
    deployment = Deployment.from_wire({"name": "d", "sku": "S0", "region": "westeurope", "endpoint": "http://x",
                                       "created_at": "2026-01-31T09:30:00.000+00:00", "keys": {"key1": "k"}})
    assert deployment.keys is not None and deployment.keys.key1 == "k" and deployment.keys.key2 is None


@pytest.mark.parametrize(("data", "message"), [
    ({"faceRectangle": {"top": 1, "left": 2, "width": 3}}, "no 'height'"),
    ({"faceRectangle": {"top": "1", "left": 2, "width": 3, "height": 4}}, "expected an integer"),
    ({"faceRectangle": {"top": True, "left": 2, "width": 3, "height": 4}}, "expected an integer"),
    ({"faceRectangle": [1, 2, 3, 4]}, "expected a JSON object"),
    ([], "expected a JSON object"),
])
def test_a_wrong_shape_is_a_decode_error(data: object, message: str) -> None:
    with pytest.raises(WireDecodeError, match=message):
        FaceDetectionResult.from_wire(data)


def test_times_must_be_rfc_3339() -> None:
    with pytest.raises(WireDecodeError, match="RFC 3339"):
        TrainingResult.from_wire({"status": "running", "createdDateTime": "yesterday"})


def test_camel() -> None:
    assert camel("last_successful_training_date_time") == "lastSuccessfulTrainingDateTime"
    assert camel("face_id1") == "faceId1"


def test_every_model_derives_from_wire_model() -> None:
    names = models_and_wire_names()
    assert names["FaceDetectionResult"]["face_rectangle"] == "faceRectangle"
    assert names["Tenant"]["limited_access"] == "limited_access"
    assert all(issubclass(getattr(visage.models, name), WireModel) for name in names)


def test_the_package_is_typed_and_imports_only_requests() -> None:
    root = Path(visage.__file__).parent
    assert (root / "py.typed").exists()
    code = ("import sys, visage, visage.models, visage.exceptions; "
            "bad = [m for m in ('flask', 'numpy', 'redis', 'server', 'cv2', 'dlib') if m in sys.modules]; "
            "print(','.join(bad))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert found == ""
    assert set(visage.__all__) <= set(dir(visage))
