"""The data plane through the SDK, against `visage up`: detect and verify with real photos, and the
error map with the server's real answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sdk_live import Account
from visage import (
    AuthenticationError,
    Camera,
    CaptureContext,
    DetectionModel,
    FaceAttributeType,
    FaceClient,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RecognitionModel,
    UnsupportedFeatureError,
)

from tests.support.faces import photo
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow

OBAMA = photo("people/obama/obama.jpg")
OBAMA_AGAIN = photo("people/obama/obama2.jpg")
BIDEN = photo("people/biden/biden2.jpg")
GROUP = photo("groups/two_people.jpg")


def test_detect_from_bytes_path_and_file(account: Account) -> None:
    with account.face_client() as client:
        from_bytes = client.detect(OBAMA.read())
        from_path = client.detect(OBAMA.file)
        with OBAMA.file.open("rb") as handle:
            from_file = client.detect(handle, capture=CaptureContext.recorded(
                captured_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC), camera=Camera.FIXED))
        assert len(client.detect(str(GROUP.file))) == GROUP.faces
    assert len(from_bytes) == len(from_path) == len(from_file) == 1
    assert from_bytes[0].face_rectangle == from_path[0].face_rectangle
    assert from_bytes[0].face_id and from_bytes[0].face_id != from_path[0].face_id


def test_detect_with_landmarks_attributes_and_models(account: Account) -> None:
    with account.face_client() as client:
        face = client.detect(
            OBAMA.file, detection_model=DetectionModel.DETECTION_01, recognition_model=RecognitionModel.RECOGNITION_04,
            return_face_landmarks=True, return_recognition_model=True,
            return_face_attributes=[FaceAttributeType.HEAD_POSE, FaceAttributeType.QUALITY_FOR_RECOGNITION,
                                    FaceAttributeType.BLUR, FaceAttributeType.EXPOSURE, FaceAttributeType.NOISE],
            capture=CaptureContext.live(camera=Camera.HANDHELD))[0]
    assert face.recognition_model is RecognitionModel.RECOGNITION_04
    assert face.face_landmarks is not None
    rect = face.face_rectangle
    assert rect.left <= face.face_landmarks.nose_tip.x <= rect.left + rect.width
    attributes = face.face_attributes
    assert attributes is not None and attributes.head_pose is not None and attributes.blur is not None
    assert attributes.quality_for_recognition is not None and attributes.quality_for_recognition.known
    assert attributes.extra == {} and face.extra == {}


def test_detect_from_a_private_url_is_refused(account: Account, live: LiveVisage) -> None:
    with account.face_client() as client, pytest.raises(InvalidRequestError) as caught:
        client.detect_from_url(f"{live.endpoint}/healthz")
    assert caught.value.status == 400 and caught.value.code == "InvalidURL"


def test_verify_same_and_different_people(account: Account) -> None:
    with account.face_client() as client:
        first, again, other = (client.detect(p.file)[0].face_id for p in (OBAMA, OBAMA_AGAIN, BIDEN))
        assert first and again and other
        same = client.verify_face_to_face(first, again)
        different = client.verify_face_to_face(first, other, capture=CaptureContext.recorded(
            captured_at=datetime(2024, 5, 1, tzinfo=UTC)))
    assert same.is_identical and same.confidence >= 0.5
    assert not different.is_identical and different.confidence < 0.5


def test_error_map_with_the_servers_real_answers(account: Account, live: LiveVisage) -> None:
    with FaceClient(live.endpoint, "0" * 64) as stranger, pytest.raises(AuthenticationError) as unauthenticated:
        stranger.detect(OBAMA.file)
    assert unauthenticated.value.code == "401" and unauthenticated.value.request_id
    with account.face_client() as client:
        face_id = client.detect(OBAMA.file)[0].face_id
        assert face_id
        with pytest.raises(NotFoundError) as missing:
            client.verify_face_to_face(face_id, "00000000-0000-4000-8000-000000000000")
        assert missing.value.code == "FaceNotFound"
        with pytest.raises(InvalidRequestError) as invalid:
            client.verify_face_to_face(face_id, "not-a-uuid")
        assert invalid.value.code == "BadArgument" and invalid.value.status == 400
        with pytest.raises(InvalidRequestError) as not_an_image:
            client.detect(b"this is not an image" * 100)
        assert not_an_image.value.code in ("InvalidImage", "InvalidImageSize")
        with pytest.raises(UnsupportedFeatureError) as retired:
            client.detect(OBAMA.file, return_face_attributes=["age"])
        assert retired.value.status == 403 and retired.value.code == "UnsupportedFeature"
        assert "deprecated" in retired.value.message and isinstance(retired.value, PermissionDeniedError)
        assert retired.value.clause == "sensitive-attributes" and retired.value.policy_version == "2026-12"
    with FaceClient(live.endpoint, account.key1, api_version="v9.9") as wrong_version:
        with pytest.raises(NotFoundError):
            wrong_version.detect(OBAMA.file)


def test_every_api_version_serves_detect(account: Account) -> None:
    for version in ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2"):
        with FaceClient(account.endpoint, account.key1, api_version=version) as client:
            assert len(client.detect(OBAMA.file, return_face_id=False)) == 1
