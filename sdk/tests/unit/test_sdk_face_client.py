"""FaceClient's data-plane calls: the request each one sends and the model it returns."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import responses
from responses import matchers
from visage import (
    Camera,
    CaptureContext,
    DetectionModel,
    FaceAttributeType,
    FaceClient,
    FindSimilarMatchMode,
    KeyCredential,
    ManagementClient,
    RecognitionModel,
)
from visage.enums import BlurLevel, QualityForRecognition
from visage_fakes import BASE, ENDPOINT, KEY, body_of

FACE = {"faceId": "c5c24a82-6845-4031-9d5d-978df9175426", "recognitionModel": "recognition_04",
        "faceRectangle": {"top": 54, "left": 394, "width": 78, "height": 78}}
POINTS = ("pupilLeft pupilRight noseTip mouthLeft mouthRight eyebrowLeftOuter eyebrowLeftInner eyeLeftOuter "
          "eyeLeftTop eyeLeftBottom eyeLeftInner eyebrowRightInner eyebrowRightOuter eyeRightInner eyeRightTop "
          "eyeRightBottom eyeRightOuter noseRootLeft noseRootRight noseLeftAlarTop noseRightAlarTop "
          "noseLeftAlarOutTip noseRightAlarOutTip upperLipTop upperLipBottom underLipTop underLipBottom").split()


def test_detect_sends_bytes_with_key_query_and_capture_headers(client: FaceClient,
                                                                http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/detect", json=[FACE], match=[matchers.query_param_matcher({
        "detectionModel": "detection_03", "recognitionModel": "recognition_04", "returnFaceId": "true",
        "returnFaceAttributes": "headPose,qualityForRecognition", "faceIdTimeToLive": "120"})])
    faces = client.detect(
        b"\xff\xd8jpeg", detection_model=DetectionModel.DETECTION_03, recognition_model="recognition_04",
        return_face_id=True, return_face_attributes=[FaceAttributeType.HEAD_POSE, "qualityForRecognition"],
        face_id_time_to_live=120, capture=CaptureContext.live(camera=Camera.BODY_WORN))
    request = call.calls[0].request
    assert request.body == b"\xff\xd8jpeg"
    assert request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["Ocp-Apim-Subscription-Key"] == KEY
    assert request.headers["x-visage-capture-mode"] == "live"
    assert request.headers["x-visage-camera"] == "body-worn"
    assert "x-visage-captured-at" not in request.headers
    assert request.headers["User-Agent"].startswith("visage-sdk/")
    assert faces[0].face_id == FACE["faceId"]
    assert faces[0].recognition_model is RecognitionModel.RECOGNITION_04
    assert faces[0].face_rectangle.width == 78


def test_detect_reads_a_path_a_str_path_and_a_binary_file(client: FaceClient, http: responses.RequestsMock,
                                                          tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"image-bytes")
    call = http.post(f"{BASE}/detect", json=[])
    assert client.detect(photo) == []
    assert client.detect(str(photo)) == []
    with photo.open("rb") as handle:
        assert client.detect(handle) == []
    assert client.detect(io.BytesIO(b"image-bytes")) == []
    assert [c.request.body for c in call.calls] == [b"image-bytes"] * 4
    assert all(c.request.url == f"{BASE}/detect" for c in call.calls)  # no query when no options


def test_detect_refuses_a_url_string_and_a_text_file(client: FaceClient, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="detect_from_url"):
        client.detect("https://example.com/a.jpg")
    (tmp_path / "a.txt").write_text("x")
    with open(tmp_path / "a.txt") as text, pytest.raises(TypeError, match="binary mode"):
        client.detect(text)  # type: ignore[arg-type]


def test_detect_from_url_sends_json(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/detect", json=[FACE], match=[matchers.query_param_matcher({"returnFaceId": "false"})])
    recorded = CaptureContext.recorded(captured_at=datetime(2026, 1, 31, 9, 30, tzinfo=UTC), camera=Camera.FIXED)
    client.detect_from_url("https://example.com/a.jpg", return_face_id=False, capture=recorded)
    request = call.calls[0].request
    assert body_of(call.calls[0]) == {"url": "https://example.com/a.jpg"}
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["x-visage-capture-mode"] == "recorded"
    assert request.headers["x-visage-captured-at"] == "2026-01-31T09:30:00Z"
    assert request.headers["x-visage-camera"] == "fixed"


def test_detect_parses_landmarks_and_attributes(client: FaceClient, http: responses.RequestsMock) -> None:
    landmarks = {name: {"x": float(i), "y": i + 0.5} for i, name in enumerate(POINTS)}
    attributes = {"headPose": {"pitch": 1.6, "roll": 2.1, "yaw": 3}, "blur": {"blurLevel": "medium", "value": 0.51},
                  "exposure": {"exposureLevel": "goodExposure", "value": 0.55},
                  "noise": {"noiseLevel": "low", "value": 0.12}, "qualityForRecognition": "high"}
    http.post(f"{BASE}/detect", json=[{**FACE, "faceLandmarks": landmarks, "faceAttributes": attributes}])
    face = client.detect(b"x", return_face_landmarks=True)[0]
    assert face.face_landmarks is not None and face.face_attributes is not None
    assert face.face_landmarks.pupil_left.x == 0.0
    assert face.face_landmarks.under_lip_bottom.y == 26.5
    assert face.face_attributes.head_pose is not None and face.face_attributes.head_pose.yaw == 3.0
    assert face.face_attributes.blur is not None and face.face_attributes.blur.blur_level is BlurLevel.MEDIUM
    assert face.face_attributes.quality_for_recognition is QualityForRecognition.HIGH


def test_verify_face_to_face(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/verify", json={"isIdentical": True, "confidence": 0.91})
    result = client.verify_face_to_face("a", "b", capture=CaptureContext.live())
    assert body_of(call.calls[0]) == {"faceId1": "a", "faceId2": "b"}
    assert call.calls[0].request.headers["x-visage-capture-mode"] == "live"
    assert result.is_identical and result.confidence == 0.91


@pytest.mark.parametrize(("method", "key"), [("verify_from_large_person_group", "largePersonGroupId"),
                                             ("verify_from_person_group", "personGroupId")])
def test_verify_against_a_person(client: FaceClient, http: responses.RequestsMock, method: str, key: str) -> None:
    call = http.post(f"{BASE}/verify", json={"isIdentical": False, "confidence": 0.2})
    result = getattr(client, method)("face", "staff", "person")
    assert body_of(call.calls[0]) == {"faceId": "face", "personId": "person", key: "staff"}
    assert not result.is_identical


def test_identify_from_large_person_group(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/identify", json=[
        {"faceId": "f1", "candidates": [{"personId": "p1", "confidence": 0.8}]}, {"faceId": "f2", "candidates": []}])
    results = client.identify_from_large_person_group(["f1", "f2"], "staff", max_num_of_candidates_returned=3,
                                                      confidence_threshold=0.6)
    assert body_of(call.calls[0]) == {"faceIds": ["f1", "f2"], "largePersonGroupId": "staff",
                                      "maxNumOfCandidatesReturned": 3, "confidenceThreshold": 0.6}
    assert results[0].candidates[0].person_id == "p1"
    assert results[1].candidates == ()


def test_identify_from_person_group_and_face_ids_must_be_a_list(client: FaceClient,
                                                                http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/identify", json=[])
    client.identify_from_person_group(("f1",), "group")
    assert body_of(call.calls[0]) == {"faceIds": ["f1"], "personGroupId": "group"}
    with pytest.raises(TypeError, match="list of faceIds"):
        client.identify_from_person_group("f1", "group")


@pytest.mark.parametrize(("method", "target", "scope"), [
    ("find_similar", ["a", "b"], {"faceIds": ["a", "b"]}),
    ("find_similar_from_face_list", "list-1", {"faceListId": "list-1"}),
    ("find_similar_from_large_face_list", "big-1", {"largeFaceListId": "big-1"}),
])
def test_find_similar_scopes(client: FaceClient, http: responses.RequestsMock, method: str, target: object,
                             scope: dict[str, object]) -> None:
    call = http.post(f"{BASE}/findsimilars", json=[{"persistedFaceId": "pf", "confidence": 0.7}])
    results = getattr(client, method)("q", target, mode=FindSimilarMatchMode.MATCH_FACE,
                                      max_num_of_candidates_returned=5)
    assert body_of(call.calls[0]) == {"faceId": "q", **scope, "mode": "matchFace", "maxNumOfCandidatesReturned": 5}
    assert results[0].persisted_face_id == "pf" and results[0].face_id is None


def test_group(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/group", json={"groups": [["a", "b"], ["c"]], "messyGroup": ["d"]})
    result = client.group(["a", "b", "c", "d"])
    assert body_of(call.calls[0]) == {"faceIds": ["a", "b", "c", "d"]}
    assert result.groups == (("a", "b"), ("c",)) and result.messy_group == ("d",)


def test_get_operation_quotes_the_id(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/operations/op%2F1", json={"operationId": "op/1", "status": "running",
                                                  "createdTime": "2026-01-31T09:30:00.000Z"})
    operation = client.get_operation("op/1")
    assert operation.status == "running"
    assert operation.created_time == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def test_api_version_and_key_credential_rotation(http: responses.RequestsMock) -> None:
    credential = KeyCredential("old-key")
    call = http.post(f"{ENDPOINT}/face/v1.0/detect", json=[])
    with FaceClient(ENDPOINT + "/", credential, api_version="v1.0") as client:
        client.detect(b"x")
        credential.update("new-key")
        client.detect(b"x")
    assert [c.request.headers["Ocp-Apim-Subscription-Key"] for c in call.calls] == ["old-key", "new-key"]
    assert "old-key" not in repr(credential)


@pytest.mark.parametrize("endpoint", ["", "visage.test", "ftp://visage.test", "http://", "http://h/?q=1"])
def test_endpoint_must_be_an_http_url(endpoint: str) -> None:
    with pytest.raises(ValueError, match="endpoint"):
        FaceClient(endpoint, "key")


def test_key_and_api_version_are_checked() -> None:
    with pytest.raises(ValueError, match="key"):
        FaceClient(ENDPOINT, " ")
    with pytest.raises(ValueError, match="api_version"):
        FaceClient(ENDPOINT, "key", api_version="v1/../x")


def test_misspelt_options_are_type_errors(client: FaceClient) -> None:
    """Options are typed keyword arguments (ClientOptions, DetectOptions): a misspelt one fails loudly."""
    with pytest.raises(TypeError, match="timout"):
        FaceClient(ENDPOINT, "key", timout=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timout"):
        ManagementClient(ENDPOINT, "token", timout=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="return_face_idd"):
        client.detect(b"img", return_face_idd=True)  # type: ignore[call-arg]


def test_capture_context_headers_keep_the_offset() -> None:
    moment = datetime(2026, 1, 31, 9, 30, 15, tzinfo=timezone(timedelta(hours=2)))
    headers = CaptureContext.recorded(captured_at=moment).to_headers()
    assert headers == {"x-visage-capture-mode": "recorded", "x-visage-captured-at": "2026-01-31T09:30:15+02:00"}
    assert CaptureContext().to_headers() == {}


def test_capture_context_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="time zone"):
        CaptureContext.recorded(captured_at=datetime(2026, 1, 31, 9, 30))
