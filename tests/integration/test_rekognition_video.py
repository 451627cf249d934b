"""Rekognition's stored-video jobs and S3 images end to end inside one process: boto3's client against
the app, videos and images in a real S3 endpoint over HTTP (moto's server), the jobs on an RQ
worker, real models on the test clip, and the terms of use deciding on the footage's content
credentials, per job and per sampled frame."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient
from redis import Redis

from server.store.audit import AuditLog
from tests.support.c2pa import pki
from tests.support.faces import photo
from tests.support.rekognition import rekognition_client
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server
from tests.support.tenants import Account, sign_up
from tests.support.terms import list_test_cameras, sign_up_police
from tests.support.video import CLIP, frames, write_video
from tests.support.workers import run_queued_jobs

pytestmark = pytest.mark.slow

BUCKET = "footage"
SINGER = (82, 122)
"""Frames of the clip where Lin-Manuel Miranda sings to the camera (1.3 s: a few samples are enough,
and each analysis stays short)."""


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


@pytest.fixture(scope="module")
def singer(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("clips") / "singer.mp4"
    write_video(path, frames(CLIP)[SINGER[0]:SINGER[1]], "mp4v", 29.97)
    return path.read_bytes()


@pytest.fixture
def s3(moto: MotoS3, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    moto.reset()
    for name, value in aws_environment(moto.endpoint).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VISAGE_MEDIA_DIR", str(tmp_path / "media"))
    client = moto.client()
    client.create_bucket(Bucket=BUCKET)
    return client


def put(s3: Any, name: str, data: bytes) -> dict[str, dict[str, str]]:
    s3.put_object(Bucket=BUCKET, Key=name, Body=data)
    return {"S3Object": {"Bucket": BUCKET, "Name": name}}


def enrolled(rekognition: Any, s3: Any) -> None:
    """A collection of Lin-Manuel Miranda and two people not in the clip, indexed from S3."""
    rekognition.create_collection(CollectionId="cast")
    for identity, path in (("lin", "people/lin_manuel_miranda/lin-manuel-miranda.png"),
                           ("obama", "people/obama/obama.jpg"), ("biden", "people/biden/biden.jpg")):
        answer = rekognition.index_faces(CollectionId="cast", Image=put(s3, f"photos/{identity}", photo(path).read()),
                                         ExternalImageId=identity)
        assert len(answer["FaceRecords"]) == 1


def every_page(get: Any, job_id: str, **options: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    first = get(JobId=job_id, **options)
    results = list(first.get("Persons", first.get("Faces", [])))
    page = first
    while "NextToken" in page:
        page = get(JobId=job_id, NextToken=page["NextToken"], **options)
        results += page.get("Persons", page.get("Faces", []))
    return first, results


def test_a_face_search_job_finds_the_singer_and_pages_its_results(client: FlaskClient, s3: Any, singer: bytes,
                                                                  redis_db: Redis) -> None:
    rekognition = rekognition_client(client, sign_up(client))
    enrolled(rekognition, s3)
    video = put(s3, "clips/singer.mp4", singer)
    started = rekognition.start_face_search(Video=video, CollectionId="cast", ClientRequestToken="search-1",
                                            JobTag="case-41")
    job_id = started["JobId"]
    assert re.fullmatch(r"[0-9a-f]{64}", job_id)
    assert rekognition.start_face_search(Video=video, CollectionId="cast", ClientRequestToken="search-1",
                                         JobTag="case-41")["JobId"] == job_id
    with pytest.raises(rekognition.exceptions.IdempotentParameterMismatchException):
        rekognition.start_face_search(Video=video, CollectionId="cast", ClientRequestToken="search-1",
                                      FaceMatchThreshold=95)
    waiting = rekognition.get_face_search(JobId=job_id)
    assert waiting["JobStatus"] == "IN_PROGRESS" and "Persons" not in waiting
    assert waiting["Video"] == {"S3Object": {"Bucket": BUCKET, "Name": "clips/singer.mp4"}}
    assert waiting["JobTag"] == "case-41"

    run_queued_jobs(redis_db)
    done, persons = every_page(rekognition.get_face_search, job_id, MaxResults=3)
    assert done["JobStatus"] == "SUCCEEDED" and len(done["Persons"]) <= 3
    metadata = done["VideoMetadata"]
    assert (metadata["Codec"], metadata["FrameWidth"], metadata["FrameHeight"]) == ("mpeg4", 640, 360)
    assert metadata["DurationMillis"] == pytest.approx(40 / 29.97 * 1000, abs=40)
    assert len(persons) >= 5, "he sings to the camera for 1.3 s; a sample every 200 ms"
    assert {person["FaceMatches"][0]["Face"]["ExternalImageId"] for person in persons} == {"lin"}
    assert all(match["Similarity"] >= 80 for person in persons for match in person["FaceMatches"])
    stamps = [person["Timestamp"] for person in persons]
    assert stamps == sorted(stamps) and stamps[-1] < metadata["DurationMillis"]
    box = persons[0]["Person"]["Face"]["BoundingBox"]
    assert 0 <= box["Left"] < 1 and 0 < box["Width"] < 1
    by_index = every_page(rekognition.get_face_search, job_id, SortBy="INDEX")[1]
    assert sorted(by_index, key=lambda p: (p["Person"]["Index"], p["Timestamp"])) == by_index
    assert len(by_index) == len(persons)
    with pytest.raises(rekognition.exceptions.InvalidPaginationTokenException):
        rekognition.get_face_search(JobId=job_id, NextToken=done["NextToken"], SortBy="INDEX")
    position = base64.urlsafe_b64decode(done["NextToken"] + "==").decode()
    for offset in ("\u00b2", "\u0665", "1_0", "-1"):  # digits to str.isdigit() that int() refuses or reads
        forged = base64.urlsafe_b64encode(f"{position.rpartition('/')[0]}/{offset}".encode()).decode()
        with pytest.raises(rekognition.exceptions.InvalidPaginationTokenException):
            rekognition.get_face_search(JobId=job_id, NextToken=forged)


def test_a_face_detection_job_times_every_face(client: FlaskClient, s3: Any, singer: bytes, redis_db: Redis) -> None:
    rekognition = rekognition_client(client, sign_up(client))
    job_id = rekognition.start_face_detection(Video=put(s3, "clips/singer.mp4", singer))["JobId"]
    run_queued_jobs(redis_db)
    done, faces = every_page(rekognition.get_face_detection, job_id)
    assert done["JobStatus"] == "SUCCEEDED" and len(faces) >= 5
    assert [face["Timestamp"] for face in faces] == sorted(face["Timestamp"] for face in faces)
    assert all(set(face["Face"]) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"} for face in faces)
    with pytest.raises(rekognition.exceptions.ResourceNotFoundException):
        rekognition.get_face_search(JobId=job_id)  # a detection job is not a search job


@pytest.fixture
def police(client: FlaskClient) -> Account:
    account = sign_up_police(client)
    list_test_cameras(client)
    return account


def refused_frames(redis: Redis, account: Account) -> list[dict[str, Any]]:
    return [entry for entry in AuditLog(redis).newest_of_tenant(account.tenant_id, 100)
            if entry["kind"] == "policy_decision" and entry["decision"] == "refused"]


def test_police_search_footage_only_when_its_credentials_show_it_is_older_than_a_day(
        client: FlaskClient, s3: Any, singer: bytes, police: Account, redis_db: Redis) -> None:
    rekognition = rekognition_client(client, police)
    rekognition.create_collection(CollectionId="suspects")
    unsigned = rekognition.start_face_search(Video=put(s3, "bodycam/unsigned.mp4", singer),
                                             CollectionId="suspects")["JobId"]
    signed = pki().body_cam.sign(singer, captured_at=datetime.now(UTC) - timedelta(days=3), mime_type="video/mp4")
    old = rekognition.start_face_search(Video=put(s3, "bodycam/signed.mp4", signed), CollectionId="suspects")["JobId"]
    detection = rekognition.start_face_detection(Video=put(s3, "bodycam/unsigned.mp4", singer))["JobId"]
    run_queued_jobs(redis_db)

    refused = rekognition.get_face_search(JobId=unsigned)
    assert refused["JobStatus"] == "FAILED" and "Persons" not in refused
    assert refused["StatusMessage"].startswith("AccessDeniedException:")
    assert "clause le-realtime-identification" in refused["StatusMessage"]
    assert rekognition.get_face_search(JobId=old)["JobStatus"] == "SUCCEEDED"
    assert rekognition.get_face_detection(JobId=detection)["JobStatus"] == "SUCCEEDED"  # redaction-style work
    assert [entry["request_id"] for entry in refused_frames(redis_db, police)] == [f"job:{unsigned}"]


def test_each_sampled_frame_is_decided_on_its_own_capture_time(client: FlaskClient, s3: Any, singer: bytes,
                                                               police: Account, redis_db: Redis,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Footage whose recording began just over a day ago: its first frames are older than a day, its
    later ones are not, so the job is allowed and then refused at the first fresh frame."""
    began = datetime.now(UTC) - timedelta(days=1, milliseconds=500)
    signed = pki().body_cam.sign(singer, captured_at=began, mime_type="video/mp4")
    decided_at = began + timedelta(days=1, milliseconds=500)  # the clock of the terms of use, held still
    monkeypatch.setattr("server.services.policy.now", lambda: decided_at)
    rekognition = rekognition_client(client, police)
    rekognition.create_collection(CollectionId="suspects")
    job_id = rekognition.start_face_search(Video=put(s3, "bodycam/yesterday.mp4", signed),
                                           CollectionId="suspects")["JobId"]
    run_queued_jobs(redis_db)
    failed = rekognition.get_face_search(JobId=job_id)
    assert failed["JobStatus"] == "FAILED" and "clause le-realtime-identification" in failed["StatusMessage"]
    assert "body-worn camera" in failed["StatusMessage"]
    [entry] = refused_frames(redis_db, police)
    job_entries = [e for e in AuditLog(redis_db).newest_of_tenant(police.tenant_id, 100)
                   if e.get("request_id") == f"job:{job_id}"]
    assert [e["decision"] for e in job_entries] == ["refused", "allowed"]  # the frame, after the job
    assert entry["request_id"] == f"job:{job_id}"


def test_starting_a_job_checks_the_video_and_the_collection_at_once(client: FlaskClient, s3: Any, singer: bytes,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rekognition = rekognition_client(client, sign_up(client))
    video = put(s3, "clips/singer.mp4", singer)
    missing = {"S3Object": {"Bucket": BUCKET, "Name": "clips/none.mp4"}}
    for start, error in (
        (lambda: rekognition.start_face_detection(Video=missing), "InvalidS3ObjectException"),
        (lambda: rekognition.start_face_detection(Video={"S3Object": {"Bucket": "no such bucket", "Name": "a"}}),
         "InvalidS3ObjectException"),
        (lambda: rekognition.start_face_search(Video=video, CollectionId="none"), "ResourceNotFoundException"),
        (lambda: rekognition.start_face_detection(Video=video, NotificationChannel={
            "SNSTopicArn": "arn:aws:sns:us-east-1:123456789012:done", "RoleArn": "arn:aws:iam::123456789012:role/r"}),
         "InvalidParameterException"),
        (lambda: rekognition.get_face_detection(JobId="0" * 64), "ResourceNotFoundException"),
    ):
        with pytest.raises(ClientError) as raised:
            start()
        assert raised.value.response["Error"]["Code"] == error
    with monkeypatch.context() as patched:
        patched.setattr("server.defaults.MAX_VIDEO_BYTES", len(singer) - 1)
        with pytest.raises(rekognition.exceptions.VideoTooLargeException):
            rekognition.start_face_detection(Video=video)
    monkeypatch.setattr("server.services.rekognition_video.MAX_ACTIVE_JOBS", 1)
    rekognition.start_face_detection(Video=video)
    with pytest.raises(rekognition.exceptions.LimitExceededException):
        rekognition.start_face_detection(Video=video)


def test_a_job_on_something_that_is_not_a_video_fails_with_the_reason(client: FlaskClient, s3: Any,
                                                                       redis_db: Redis) -> None:
    rekognition = rekognition_client(client, sign_up(client))
    job_id = rekognition.start_face_detection(Video=put(s3, "notes.mp4", b"not a video at all" * 100))["JobId"]
    run_queued_jobs(redis_db)
    failed = rekognition.get_face_detection(JobId=job_id)
    assert failed["JobStatus"] == "FAILED" and failed["StatusMessage"].startswith("InvalidVideo:")


def test_images_from_s3_are_read_with_aws_errors(client: FlaskClient, s3: Any) -> None:
    rekognition = rekognition_client(client, sign_up(client))
    assert len(rekognition.detect_faces(Image=put(s3, "group.jpg", photo("groups/two_people.jpg").read()))
               ["FaceDetails"]) == 2
    for image, error in (
        ({"S3Object": {"Bucket": BUCKET, "Name": "absent.jpg"}}, "InvalidS3ObjectException"),
        ({"S3Object": {"Bucket": "elsewhere", "Name": "group.jpg"}}, "InvalidS3ObjectException"),
        (put(s3, "huge.jpg", b"\xff\xd8\xff" + bytes(7 * 1024 * 1024)), "ImageTooLargeException"),
        (put(s3, "anim.gif", b"GIF89a" + bytes(4096)), "InvalidImageFormatException"),
    ):
        with pytest.raises(ClientError) as raised:
            rekognition.detect_faces(Image=image)
        assert raised.value.response["Error"]["Code"] == error
