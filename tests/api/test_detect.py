"""POST /face/{v}/detect through the Flask app, on the real photos."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest
from flask.testing import FlaskClient
from PIL import Image
from redis import Redis

from server import defaults
from tests.support import images
from tests.support.faces import Photo, photo, photos
from tests.support.http import serve_bytes
from tests.support.tenants import Account, sign_up

OBAMA = "people/obama/obama.jpg"
LANDMARK_NAMES = {
    "pupilLeft", "pupilRight", "noseTip", "mouthLeft", "mouthRight", "eyebrowLeftOuter", "eyebrowLeftInner",
    "eyeLeftOuter", "eyeLeftTop", "eyeLeftBottom", "eyeLeftInner", "eyebrowRightInner", "eyebrowRightOuter",
    "eyeRightInner", "eyeRightTop", "eyeRightBottom", "eyeRightOuter", "noseRootLeft", "noseRootRight",
    "noseLeftAlarTop", "noseRightAlarTop", "noseLeftAlarOutTip", "noseRightAlarOutTip", "upperLipTop",
    "upperLipBottom", "underLipTop", "underLipBottom",
}


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def detect(client: FlaskClient, account: Account, data: bytes, version: str = "v1.2", **params: Any) -> Any:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return client.post(f"/face/{version}/detect?{query}", data=data,
                       headers={**account.key_header, "Content-Type": "application/octet-stream"})


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    assert response.headers["x-ms-error-code"] == body["error"]["code"]
    return response.status_code, body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize("fixture", photos(), ids=lambda p: p.path)
def test_face_count_matches_the_manifest(client: FlaskClient, account: Account, fixture: Photo) -> None:
    version = defaults.API_VERSIONS[sum(map(ord, fixture.path)) % len(defaults.API_VERSIONS)]
    response = detect(client, account, fixture.read(), version=version)
    assert response.status_code == 200, response.get_json()
    faces = response.get_json()
    assert len(faces) == fixture.faces
    areas = [f["faceRectangle"]["width"] * f["faceRectangle"]["height"] for f in faces]
    assert areas == sorted(areas, reverse=True)
    for face in faces:
        uuid.UUID(face["faceId"])
        rect = face["faceRectangle"]
        assert set(rect) == {"top", "left", "width", "height"}
        assert 0 <= rect["left"] and rect["left"] + rect["width"] <= fixture.width
        assert 0 <= rect["top"] and rect["top"] + rect["height"] <= fixture.height


@pytest.mark.parametrize("version", defaults.API_VERSIONS)
def test_every_api_version_serves_detect(client: FlaskClient, account: Account, version: str) -> None:
    response = detect(client, account, photo(OBAMA).read(), version=version, returnFaceId="false")
    assert response.status_code == 200 and len(response.get_json()) == 1


def test_unknown_api_version_is_404(client: FlaskClient, account: Account) -> None:
    assert error_of(detect(client, account, photo(OBAMA).read(), version="v9.9"))[:2] == (404, "404")


def test_face_ids_live_in_redis_with_their_ttl_and_context(client: FlaskClient, account: Account,
                                                           redis_db: Redis) -> None:
    response = client.post("/face/v1.2/detect?faceIdTimeToLive=120&recognitionModel=recognition_04"
                           "&returnRecognitionModel=true", data=photo(OBAMA).read(),
                           headers={**account.key_header, "Content-Type": "application/octet-stream",
                                    "x-visage-capture-mode": "recorded", "x-visage-camera": "fixed",
                                    "x-visage-captured-at": "2026-01-02T03:04:05Z"})
    face = response.get_json()[0]
    assert face["recognitionModel"] == "recognition_04"
    key = f"visage:face:{face['faceId']}"
    assert 110 <= redis_db.ttl(key) <= 120
    record = redis_db.hgetall(key)
    assert len(record[b"embedding"]) == 128 * 4
    assert record[b"tenant_id"].decode() == account.tenant_id
    assert record[b"recognition_model"] == b"recognition_04"
    assert (record[b"capture_mode"], record[b"camera"]) == (b"recorded", b"fixed")
    assert record[b"captured_at"] == b"2026-01-02T03:04:05.000Z"


def test_return_face_id_false_stores_nothing(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    faces = detect(client, account, photo(OBAMA).read(), returnFaceId="false").get_json()
    assert "faceId" not in faces[0]
    assert list(redis_db.scan_iter("visage:face:*")) == []


def test_landmarks_are_azures_27_points_inside_the_face(client: FlaskClient, account: Account) -> None:
    face = detect(client, account, photo(OBAMA).read(), returnFaceLandmarks="true").get_json()[0]
    landmarks, rect = face["faceLandmarks"], face["faceRectangle"]
    assert set(landmarks) == LANDMARK_NAMES
    margin = rect["width"] * 0.25
    for point in landmarks.values():
        assert rect["left"] - margin <= point["x"] <= rect["left"] + rect["width"] + margin
        assert rect["top"] - margin <= point["y"] <= rect["top"] + rect["height"] + margin
    assert landmarks["pupilLeft"]["x"] < landmarks["pupilRight"]["x"]
    assert landmarks["pupilLeft"]["y"] < landmarks["noseTip"]["y"] < landmarks["upperLipTop"]["y"]


def test_attributes_come_in_azures_shapes(client: FlaskClient, account: Account) -> None:
    face = detect(client, account, photo(OBAMA).read(), recognitionModel="recognition_04",
                  returnFaceAttributes="headPose,blur,exposure,noise,qualityForRecognition").get_json()[0]
    attributes = face["faceAttributes"]
    assert set(attributes["headPose"]) == {"pitch", "roll", "yaw"}
    assert attributes["blur"]["blurLevel"] in ("low", "medium", "high")
    assert attributes["exposure"]["exposureLevel"] in ("underExposure", "goodExposure", "overExposure")
    assert attributes["noise"]["noiseLevel"] in ("low", "medium", "high")
    assert attributes["qualityForRecognition"] in ("low", "medium", "high")
    for name in ("blur", "exposure", "noise"):
        assert 0.0 <= attributes[name]["value"] <= 1.0


@pytest.mark.parametrize("retired", ["age", "gender", "emotion", "smile", "facialHair", "hair", "makeup"])
def test_retired_attributes_are_403_unsupported_feature(client: FlaskClient, account: Account, retired: str) -> None:
    status, code, message = error_of(detect(client, account, photo(OBAMA).read(), returnFaceAttributes=retired))
    assert (status, code) == (403, "UnsupportedFeature")
    assert message.startswith("Return Attributes (emotion, gender, age, smile, facial hair, hair and makeup)")


@pytest.mark.parametrize(("params", "fragment"), [
    ({"detectionModel": "detection_09"}, "'detectionModel' is invalid."),
    ({"recognitionModel": "recognition_9"}, "'recognitionModel' is invalid."),
    ({"returnFaceId": "maybe"}, "Invalid argument returnFaceId."),
    ({"faceIdTimeToLive": "59"}, "faceIdTimeToLive"),
    ({"faceIdTimeToLive": "86401"}, "faceIdTimeToLive"),
    ({"faceIdTimeToLive": "soon"}, "faceIdTimeToLive"),
    ({"returnFaceAttributes": "headPose,glasses"}, "does not invent"),
    ({"returnFaceAttributes": "blurry"}, "Invalid argument returnFaceAttributes."),
    ({"detectionModel": "detection_02", "returnFaceLandmarks": "true"}, "not supported by detection_02"),
    ({"detectionModel": "detection_02", "returnFaceAttributes": "blur"}, "not supported by detection_02"),
])
def test_bad_parameters_are_bad_arguments(client: FlaskClient, account: Account, params: dict[str, str],
                                          fragment: str) -> None:
    status, code, message = error_of(detect(client, account, photo(OBAMA).read(), **params))
    assert (status, code) == (400, "BadArgument")
    assert fragment in message


def test_bytes_that_are_not_an_image_are_invalid_image(client: FlaskClient, account: Account) -> None:
    assert error_of(detect(client, account, b"this is not an image" * 100)) == (
        400, "InvalidImage", "Decoding error, image format unsupported.")


def test_a_truncated_jpeg_is_invalid_image(client: FlaskClient, account: Account) -> None:
    data = photo(OBAMA).read()
    assert error_of(detect(client, account, data[:2000]))[:2] == (400, "InvalidImage")


def test_formats_azure_does_not_accept_are_invalid_image(client: FlaskClient, account: Account) -> None:
    webp = images.encode(images.load_rgb(photo(OBAMA).read()), "WEBP")
    assert error_of(detect(client, account, webp))[:2] == (400, "InvalidImage")


def test_images_under_1kb_and_over_6mb_are_invalid_image_size(client: FlaskClient, account: Account) -> None:
    assert error_of(detect(client, account, photo(OBAMA).read()[:1023])) == (
        400, "InvalidImageSize", "Image size is too small.")
    assert error_of(detect(client, account, b"\xff" * (6 * 1024 * 1024 + 1))) == (
        400, "InvalidImageSize", "Image size is too big.")


def test_a_decompression_bomb_is_refused_before_decoding(client: FlaskClient, account: Account) -> None:
    status, code, message = error_of(detect(client, account, images.png_bomb()))
    assert (status, code) == (400, "InvalidImageSize")
    assert "pixels" in message


@pytest.mark.parametrize("convert", [images.as_png_rgba, images.as_png_16bit, images.as_gif_with_blank_second_frame,
                                     images.as_bmp], ids=lambda f: f.__name__)
def test_other_formats_find_the_same_face(client: FlaskClient, account: Account, convert: Any) -> None:
    source = photo("people/obama/obama2.jpg").read()
    original = detect(client, account, source).get_json()[0]["faceRectangle"]
    converted = detect(client, account, convert(source))
    assert converted.status_code == 200, converted.get_json()
    faces = converted.get_json()
    assert len(faces) == 1
    assert abs(faces[0]["faceRectangle"]["left"] - original["left"]) <= 8


def test_the_rgba_fixture_is_detected(client: FlaskClient, account: Account) -> None:
    assert len(detect(client, account, photo("hard/32bit.png").read()).get_json()) == 1


def test_exif_orientation_is_honoured(client: FlaskClient, account: Account) -> None:
    source = photo("people/obama/obama2.jpg")
    faces = detect(client, account, images.as_exif_rotated_jpeg(source.read())).get_json()
    assert len(faces) == 1
    rect = faces[0]["faceRectangle"]
    upright = detect(client, account, source.read()).get_json()[0]["faceRectangle"]
    assert abs(rect["left"] - upright["left"]) <= 10 and abs(rect["top"] - upright["top"]) <= 10


def test_an_image_without_faces_answers_an_empty_list(client: FlaskClient, account: Account) -> None:
    blank = images.encode(images.load_rgb(photo(OBAMA).read()).resize((400, 300)).point(lambda _: 90), "PNG")
    response = detect(client, account, blank)
    assert response.status_code == 200 and response.get_json() == []


@pytest.mark.parametrize("shape", [(1, 20_000), (20_000, 1), (3, 9_000)], ids=str)
def test_a_sliver_of_an_image_answers_an_empty_list_not_500(client: FlaskClient, account: Account,
                                                              shape: tuple[int, int]) -> None:
    """Scaled to the detector's working side, one side would round to 0 pixels."""
    noise = Image.fromarray(np.random.default_rng(3).integers(0, 255, (*shape, 3), dtype=np.uint8))
    response = detect(client, account, images.encode(noise, "JPEG"))
    assert response.status_code == 200 and response.get_json() == []


def test_other_media_types_are_415(client: FlaskClient, account: Account) -> None:
    response = client.post("/face/v1.2/detect", data=photo(OBAMA).read(),
                           headers={**account.key_header, "Content-Type": "text/plain"})
    assert error_of(response) == (415, "BadArgument", "Invalid Media Type.")


def test_a_missing_key_is_401(client: FlaskClient) -> None:
    response = client.post("/face/v1.2/detect", data=photo(OBAMA).read(),
                           headers={"Content-Type": "application/octet-stream"})
    status, code, message = error_of(response)
    assert (status, code) == (401, "401") and "missing subscription key" in message


def test_a_wrong_key_is_401(client: FlaskClient, account: Account) -> None:
    response = client.post("/face/v1.2/detect", data=photo(OBAMA).read(),
                           headers={"Ocp-Apim-Subscription-Key": "0" * 64, "Content-Type": "application/octet-stream"})
    status, code, message = error_of(response)
    assert (status, code) == (401, "401") and "invalid subscription key" in message


def test_malformed_capture_headers_are_bad_arguments(client: FlaskClient, account: Account) -> None:
    response = client.post("/face/v1.2/detect", data=photo(OBAMA).read(),
                           headers={**account.key_header, "Content-Type": "application/octet-stream",
                                    "x-visage-capture-mode": "sometimes"})
    assert error_of(response)[:2] == (400, "BadArgument")


def test_url_detection_refuses_loopback_by_default(client: FlaskClient, account: Account) -> None:
    response = client.post("/face/v1.2/detect", json={"url": "http://127.0.0.1:9/photo.jpg"},
                           headers=account.key_header)
    assert error_of(response)[:2] == (400, "InvalidURL")


@pytest.mark.parametrize("body", [{}, {"url": ""}, {"url": 42}, {"url": "ftp://example.com/a.jpg"}])
def test_url_bodies_without_a_usable_url_are_invalid_url(client: FlaskClient, account: Account,
                                                          body: dict[str, Any]) -> None:
    response = client.post("/face/v1.2/detect", json=body, headers=account.key_header)
    assert error_of(response)[:2] == (400, "InvalidURL")


def test_url_detection_fetches_from_an_allow_listed_host(app: Any, account: Account) -> None:
    source = photo(OBAMA)
    with serve_bytes(source.read()) as url:
        app.config["URL_ALLOWLIST"] = ["127.0.0.1/32"]
        response = app.test_client().post("/face/v1.2/detect", json={"url": url}, headers=account.key_header)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()) == source.faces
