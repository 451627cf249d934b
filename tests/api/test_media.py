"""The media API's redactions through HTTP: uploads (raw and multipart), URLs and S3 objects in,
progress and face tracks, the redacted file out, deletion, tenant isolation, the terms of use and
the audit; and bad input refused with nothing left behind. Jobs run on an in-process RQ worker."""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue

from server import defaults
from server.api import uploads
from server.api.dataplane import operation_class_of
from server.domain.detection import DetectionModel
from server.domain.operations import OperationClass
from server.services.media import MEDIA_QUEUE
from server.vision import detector
from server.vision.images import decode_image
from tests.support.faces import photo
from tests.support.http import serve_bytes
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server
from tests.support.tenants import Account, sign_up
from tests.support.terms import ADMIN, SMALL_PHOTO, live, snapshot
from tests.support.video import CLIP, check_faces_hidden, frames, write_video
from tests.support.workers import run_queued_jobs

REDACTIONS = "/media/v1/redactions"
OCTET = {"Content-Type": "application/octet-stream"}
PORTRAIT = "people/obama/obama.jpg"
SEGMENT = slice(125, 155)
"""30 frames of the clip with a face on each: enough for a track, quick to redact."""


@pytest.fixture
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "media"
    monkeypatch.setenv("VISAGE_MEDIA_DIR", str(directory))
    return directory


@pytest.fixture
def account(client: FlaskClient, media_dir: Path) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


@pytest.fixture
def s3(moto: MotoS3, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in aws_environment(moto.endpoint).items():
        monkeypatch.setenv(name, value)
    moto.reset()
    client = moto.client()
    client.create_bucket(Bucket="bodycam")
    return client


@pytest.fixture(scope="module")
def segment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "segment.mp4"
    write_video(path, frames(CLIP)[SEGMENT], "mp4v", 29.97)
    return path


def create(client: FlaskClient, account: Account, **kwargs: Any) -> Any:
    response = client.post(REDACTIONS, headers={**account.key_header, **kwargs.pop("headers", OCTET)}, **kwargs)
    assert response.status_code == 202, response.get_json()
    return response


def job_path(response: Any) -> str:
    return urlparse(response.headers["Operation-Location"]).path


def succeeded(client: FlaskClient, account: Account, path: str) -> Any:
    body = client.get(path, headers=account.key_header).get_json()
    assert body["status"] == "succeeded", body
    return body


def faces_in(image: bytes) -> int:
    return len(detector.detect_faces(decode_image(image).pixels, DetectionModel.DETECTION_03))


def uploads_left(media_dir: Path) -> list[Path]:
    return list(media_dir.glob("*/uploads/*"))


def test_an_uploaded_photo_is_redacted_and_downloaded(client: FlaskClient, account: Account, redis_db: Redis,
                                                      media_dir: Path) -> None:
    original = photo(PORTRAIT).read()
    assert faces_in(original) == 1
    response = create(client, account, data=original, query_string={"method": "pixelate"})
    queued = response.get_json()
    assert job_path(response) == f"{REDACTIONS}/{queued['id']}"
    assert (queued["status"], queued["percentComplete"], queued["method"]) == ("notStarted", 0, "pixelate")
    assert queued["input"] == {"kind": "upload"}
    waiting = client.get(job_path(response), headers=account.key_header)
    assert waiting.get_json()["status"] == "notStarted" and waiting.headers["Retry-After"] == "2"

    run_queued_jobs(redis_db)
    done = succeeded(client, account, job_path(response))
    assert done["percentComplete"] == 100 and "Retry-After" not in client.get(job_path(response),
                                                                              headers=account.key_header).headers
    assert done["result"]["mediaType"] == "image/jpeg" and len(done["result"]["faces"]) == 1
    assert urlparse(done["resultLocation"]).path == f"{job_path(response)}/result"
    download = client.get(urlparse(done["resultLocation"]).path, headers=account.key_header)
    assert download.status_code == 200 and download.mimetype == "image/jpeg"
    assert "redacted.jpg" in download.headers["Content-Disposition"]
    assert faces_in(download.data) == 0
    assert uploads_left(media_dir) == [], "the unredacted upload is deleted once redacted"


@pytest.mark.slow
def test_a_video_uploaded_as_a_form_reports_progress_then_face_tracks(app: Flask, client: FlaskClient,
                                                                      account: Account, redis_db: Redis,
                                                                      segment: Path) -> None:
    response = create(client, account, headers={}, data={"file": (io.BytesIO(segment.read_bytes()), "segment.mp4"),
                                                          "method": "box"})
    assert response.get_json()["method"] == "box"
    seen: list[tuple[str, int]] = []
    finished = threading.Event()

    def watch() -> None:  # another client, as another caller polling while the worker runs
        watcher = app.test_client()
        while not finished.is_set():
            body = watcher.get(job_path(response), headers=account.key_header).get_json()
            seen.append((body["status"], body["percentComplete"]))
            finished.wait(0.05)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        run_queued_jobs(redis_db)
    finally:
        finished.set()
        thread.join()
    assert any(status == "running" and 0 < percent < 100 for status, percent in seen), seen
    done = succeeded(client, account, job_path(response))
    result = done["result"]
    assert (result["mediaType"], result["frames"], result["width"], result["height"]) == ("video/mp4", 30, 640, 360)
    assert result["faceTrackCount"] == len(done["faceTracks"]) > 0
    first = done["faceTracks"][0]["faces"][0]
    assert first["faceRectangle"]["width"] > 0 and 0 < first["boundingBox"]["width"] < 1
    download = client.get(urlparse(done["resultLocation"]).path, headers=account.key_header)
    assert download.mimetype == "video/mp4"
    redacted = segment.with_name("redacted.mp4")
    redacted.write_bytes(download.data)
    check = check_faces_hidden(frames(segment), frames(redacted))
    assert check.frames_with_faces == 30 and check.found == []


def test_a_photo_at_a_url_is_redacted(app: Flask, account: Account, redis_db: Redis,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["URL_ALLOWLIST"] = ["127.0.0.1/32"]
    monkeypatch.setenv("VISAGE_URL_ALLOWLIST", "127.0.0.1/32")  # the worker's own reading of it
    client = app.test_client()
    with serve_bytes(photo(PORTRAIT).read()) as url:
        response = create(client, account, json={"url": url}, headers={})
        assert response.get_json()["input"] == {"kind": "url", "url": url}
        run_queued_jobs(redis_db)
    done = succeeded(client, account, job_path(response))
    assert len(done["result"]["faces"]) == 1
    assert faces_in(client.get(f"{job_path(response)}/result", headers=account.key_header).data) == 0


def test_a_photo_in_s3_is_redacted_into_s3(client: FlaskClient, account: Account, redis_db: Redis, s3: Any) -> None:
    s3.put_object(Bucket="bodycam", Key="stills/0001.jpg", Body=photo(PORTRAIT).read())
    response = create(client, account, headers={}, json={"s3": {"bucket": "bodycam", "key": "stills/0001.jpg"},
                                                          "output": "s3://bodycam/released/0001.jpg"})
    assert response.get_json()["input"] == {"kind": "s3", "s3": {"bucket": "bodycam", "key": "stills/0001.jpg"}}
    run_queued_jobs(redis_db)
    done = succeeded(client, account, job_path(response))
    assert done["result"]["output"]["uri"] == "s3://bodycam/released/0001.jpg" and "resultLocation" not in done
    stored = s3.get_object(Bucket="bodycam", Key="released/0001.jpg")
    assert stored["ContentType"] == "image/jpeg" and faces_in(stored["Body"].read()) == 0
    kept = client.get(f"{job_path(response)}/result", headers=account.key_header)
    assert kept.status_code == 404 and kept.get_json()["error"]["code"] == "RedactedFileNotFound"
    assert "s3://bodycam/released/0001.jpg" in kept.get_json()["error"]["message"]


def test_an_s3_uri_names_the_input_too(client: FlaskClient, account: Account, s3: Any) -> None:
    s3.put_object(Bucket="bodycam", Key="stills/0002.jpg", Body=photo(SMALL_PHOTO).read())
    for body in ({"s3": "s3://bodycam/stills/0002.jpg"}, {"url": "s3://bodycam/stills/0002.jpg"}):
        queued = create(client, account, headers={}, json=body).get_json()
        assert queued["input"] == {"kind": "s3", "s3": {"bucket": "bodycam", "key": "stills/0002.jpg"}}


BROKEN_MP4 = b"\x00\x00\x00\x20ftypisom" + bytes(5000)


@pytest.mark.parametrize(("request_args", "status", "code"), [
    ({"data": b"hello " * 400, "headers": OCTET}, 415, "UnsupportedMediaType"),
    ({"data": b"hello", "headers": {"Content-Type": "text/plain"}}, 415, "BadArgument"),
    ({"data": BROKEN_MP4, "headers": OCTET}, 400, "InvalidVideo"),
    ({"data": b"\xff\xd8\xff\xe0" + bytes(4000), "headers": OCTET}, 400, "InvalidImage"),
    ({"data": b"", "headers": OCTET}, 400, "BadArgument"),
    ({"data": "photo", "headers": OCTET, "query_string": {"method": "smudge"}}, 400, "BadArgument"),
    ({"data": "photo", "headers": OCTET, "query_string": {"output": "https://example.com/x"}}, 400, "BadArgument"),
    ({"data": "photo", "headers": OCTET, "query_string": {"output": "s3://b/k"}}, 400, "BadArgument"),
    ({"data": {"file": "photo", "method": "box"}, "query_string": {"method": "blur"}}, 400, "BadArgument"),
    ({"data": {"upload": "photo"}}, 400, "BadArgument"),
    ({"json": {}}, 400, "BadArgument"),
    ({"json": {"url": "http://127.0.0.1:9/clip.mp4"}}, 400, "InvalidURL"),
    ({"json": {"url": "ftp://example.com/clip.mp4"}}, 400, "InvalidURL"),
    ({"json": {"url": "https://example.com/a.mp4", "s3": "s3://bodycam/a.mp4"}}, 400, "BadArgument"),
    ({"json": {"s3": {"bucket": "bodycam"}}}, 400, "BadArgument"),
    ({"json": {"s3": 42}}, 400, "BadArgument"),
])
def test_bad_input_is_refused_and_leaves_nothing(client: FlaskClient, account: Account, redis_db: Redis,
                                                 media_dir: Path, request_args: dict[str, Any], status: int,
                                                 code: str) -> None:
    args = dict(request_args)
    if args.get("data") == "photo":
        args["data"] = photo(SMALL_PHOTO).read()
    if isinstance(args.get("data"), dict):
        args["data"] = {name: (io.BytesIO(photo(SMALL_PHOTO).read()), "photo.jpg") if value == "photo" else value
                        for name, value in args["data"].items()}
    before = snapshot(redis_db)
    response = client.post(REDACTIONS, headers={**account.key_header, **args.pop("headers", {})}, **args)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code == response.headers["x-ms-error-code"]
    assert snapshot(redis_db) == before
    assert Queue(MEDIA_QUEUE, connection=redis_db).count == 0 and uploads_left(media_dir) == []


def test_an_upload_over_the_cap_is_413(client: FlaskClient, account: Account, redis_db: Redis, media_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10_000)
    before = snapshot(redis_db)
    for kwargs in ({"data": photo(SMALL_PHOTO).read() + bytes(20_000), "headers": OCTET},
                   {"data": {"file": (io.BytesIO(bytes(20_000)), "big.mp4")}, "headers": {}}):
        response = client.post(REDACTIONS, headers={**account.key_header, **kwargs.pop("headers")}, **kwargs)
        assert response.status_code == 413, response.get_json()
        assert response.get_json()["error"]["code"] == "VideoTooLarge"
    assert snapshot(redis_db) == before and uploads_left(media_dir) == []


def test_a_video_larger_than_any_image_is_accepted(client: FlaskClient, account: Account, tmp_path: Path,
                                                  media_dir: Path) -> None:
    large = tmp_path / "large.avi"
    noise = np.random.default_rng(7).integers(0, 256, (40, 360, 640, 3), dtype=np.uint8)  # compresses badly
    write_video(large, list(noise), "MJPG", 25.0)
    assert large.stat().st_size > client.application.config["MAX_CONTENT_LENGTH"] > defaults.MAX_IMAGE_BYTES
    queued = create(client, account, data=large.read_bytes())
    assert [path.stat().st_size for path in uploads_left(media_dir)] == [large.stat().st_size]
    assert client.delete(job_path(queued), headers=account.key_header).status_code == 204


def test_a_video_beyond_the_limits_is_413(client: FlaskClient, account: Account, redis_db: Redis, media_dir: Path,
                                          tmp_path: Path) -> None:
    fast = tmp_path / "fast.mp4"
    write_video(fast, frames(CLIP)[:5], "mp4v", 500.0)  # more frames a second than any camera
    before = snapshot(redis_db)
    response = client.post(REDACTIONS, data=fast.read_bytes(), headers={**account.key_header, **OCTET})
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "VideoTooLarge"
    assert "fps" in response.get_json()["error"]["message"]
    assert snapshot(redis_db) == before and uploads_left(media_dir) == []


def test_a_url_that_serves_no_media_is_415(app: Flask, account: Account, redis_db: Redis) -> None:
    app.config["URL_ALLOWLIST"] = ["127.0.0.1/32"]
    before = snapshot(redis_db)
    with serve_bytes(b"<html>not a video</html>" * 10, "text/html") as url:
        response = app.test_client().post(REDACTIONS, json={"url": url}, headers=account.key_header)
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "UnsupportedMediaType"
    assert snapshot(redis_db) == before


def test_a_missing_or_unreadable_s3_object_is_refused(client: FlaskClient, account: Account, redis_db: Redis,
                                                      s3: Any, moto: MotoS3) -> None:
    before = snapshot(redis_db)
    for body in ({"s3": {"bucket": "bodycam", "key": "nothing-here.mp4"}}, {"s3": "s3://no-such-bucket/a.mp4"},
                 {"s3": {"bucket": "bodycam", "key": "a.mp4", "version": "not-a-version"}}):
        response = client.post(REDACTIONS, json=body, headers=account.key_header)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "S3ObjectNotFound", body
    moto.enforce_auth(True)
    try:
        response = client.post(REDACTIONS, json={"s3": "s3://bodycam/a.mp4"}, headers=account.key_header)
    finally:
        moto.enforce_auth(False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "S3AccessDenied"
    assert snapshot(redis_db) == before


def test_an_output_bucket_that_does_not_exist_is_refused_before_anything_is_queued(
        client: FlaskClient, account: Account, redis_db: Redis, media_dir: Path, s3: Any) -> None:
    """Otherwise the worker redacts the whole video, then fails saying the output "does not exist"."""
    s3.put_object(Bucket="bodycam", Key="stills/0003.jpg", Body=photo(SMALL_PHOTO).read())
    before = snapshot(redis_db)
    for kwargs in ({"json": {"s3": "s3://bodycam/stills/0003.jpg", "output": "s3://no-such-bucket/out.jpg"}},
                   {"data": photo(SMALL_PHOTO).read(), "headers": {**account.key_header, **OCTET},
                    "query_string": {"output": "s3://no-such-bucket/out.jpg"}}):
        response = client.post(REDACTIONS, **{"headers": account.key_header, **kwargs})
        error = response.get_json()["error"]
        assert response.status_code == 400 and error["code"] == "S3ObjectNotFound", error
        assert "no-such-bucket" in error["message"] and "does not exist" in error["message"]
    assert snapshot(redis_db) == before and uploads_left(media_dir) == []


def test_another_tenants_job_is_not_found_and_left_alone(client: FlaskClient, account: Account, redis_db: Redis,
                                                         media_dir: Path) -> None:
    path = job_path(create(client, account, data=photo(SMALL_PHOTO).read()))
    run_queued_jobs(redis_db)
    stranger = sign_up(client)
    same_tenant_other_deployment = client.post("/mgmt/v1/deployments", headers=account.bearer, json={
        "name": "second", "sku": "S0", "region": "westeurope"}).get_json()["keys"]["key1"]
    before = snapshot(redis_db)
    for key in (stranger.key_header, {"Ocp-Apim-Subscription-Key": same_tenant_other_deployment}):
        for method, suffix in (("GET", ""), ("GET", "/result"), ("DELETE", "")):
            response = client.open(path + suffix, method=method, headers=key)
            assert response.status_code == 404 and response.get_json()["error"]["code"] == "MediaJobNotFound"
    assert snapshot(redis_db) == before
    succeeded(client, account, path)
    unknown = client.get(f"{REDACTIONS}/{uuid.uuid4()}", headers=account.key_header)
    assert unknown.status_code == 404


def test_delete_removes_the_job_and_its_files(client: FlaskClient, account: Account, redis_db: Redis,
                                              media_dir: Path) -> None:
    done_path = job_path(create(client, account, data=photo(SMALL_PHOTO).read()))
    run_queued_jobs(redis_db)
    kept = list(media_dir.glob("*/*/redacted.jpg"))
    assert len(kept) == 1
    assert client.delete(done_path, headers=account.key_header).status_code == 204
    assert not kept[0].exists() and client.get(done_path, headers=account.key_header).status_code == 404

    queued_path = job_path(create(client, account, data=photo(SMALL_PHOTO).read()))
    assert len(uploads_left(media_dir)) == 1
    assert client.delete(queued_path, headers=account.key_header).status_code == 204
    assert uploads_left(media_dir) == [], "the upload of a job deleted before it ran is deleted too"
    run_queued_jobs(redis_db)
    assert client.get(queued_path, headers=account.key_header).status_code == 404
    assert list(media_dir.glob("*/*/*")) == [], "no redacted file of a deleted job"


def test_the_result_of_an_unfinished_or_failed_job_is_409(client: FlaskClient, account: Account,
                                                          redis_db: Redis) -> None:
    path = job_path(create(client, account, data=photo(SMALL_PHOTO).read()))
    waiting = client.get(f"{path}/result", headers=account.key_header)
    assert waiting.status_code == 409 and waiting.get_json()["error"]["code"] == "RedactionNotFinished"
    # suspended after queueing, the worker refuses the job; reinstated, the tenant reads why
    for action in ("suspend", "reinstate"):
        if action == "reinstate":
            run_queued_jobs(redis_db)
        assert client.post(f"/admin/v1/tenants/{account.tenant_id}/{action}", json={"reason": "test"},
                           headers=ADMIN).status_code == 200
    failed = client.get(path, headers=account.key_header).get_json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "JobRefused"
    result = client.get(f"{path}/result", headers=account.key_header)
    assert result.status_code == 409 and result.get_json()["error"]["code"] == "RedactionFailed"


def test_police_redact_live_footage_and_every_step_is_audited(client: FlaskClient, redis_db: Redis,
                                                              media_dir: Path) -> None:
    police = sign_up(client, customer_type="law_enforcement", country="US", organization="Springfield Police",
                     use_cases=["investigative_identification"])
    path = job_path(create(client, police, data=photo(PORTRAIT).read(), headers={**OCTET, **live()}))
    run_queued_jobs(redis_db)
    job_id = succeeded(client, police, path)["id"]
    assert client.delete(path, headers=police.key_header).status_code == 204
    entries = [entry for entry in client.get("/mgmt/v1/audit", headers=police.bearer).get_json()
               if entry.get("kind") == "media_job"]
    assert sorted(entry["action"] for entry in entries) == ["deleted", "ended", "submitted"]
    assert all(entry["details"]["job_id"] == job_id and entry["customer_type"] == "law_enforcement"
               for entry in entries)
    submitted = next(entry for entry in entries if entry["action"] == "submitted")
    assert (submitted["capture_mode"], submitted["camera"], submitted["route"]) == ("live", "body-worn",
                                                                                     "createRedaction")
    ended = next(entry for entry in entries if entry["action"] == "ended")
    assert (ended["status"], ended["details"]["faces"]) == ("succeeded", 1)


def test_a_suspended_tenant_is_refused_before_anything_is_stored(client: FlaskClient, account: Account,
                                                                 redis_db: Redis, media_dir: Path) -> None:
    assert client.post(f"/admin/v1/tenants/{account.tenant_id}/suspend", json={"reason": "test"},
                       headers=ADMIN).status_code == 200
    before = snapshot(redis_db)
    response = client.post(REDACTIONS, data=photo(SMALL_PHOTO).read(), headers={**account.key_header, **OCTET})
    assert response.status_code == 403
    assert snapshot(redis_db) == before and uploads_left(media_dir) == []


def test_every_media_route_declares_an_operation_class(app: Flask) -> None:
    classes = {rule.rule + " " + ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})):
               operation_class_of(app.view_functions[rule.endpoint])
               for rule in app.url_map.iter_rules() if rule.rule.startswith("/media/")}
    assert classes[f"{REDACTIONS} POST"] is OperationClass.DETECTION
    assert len(classes) == 4 and None not in classes.values()
