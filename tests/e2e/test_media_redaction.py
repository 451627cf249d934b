"""Redaction against `visage up`, as a user runs it: the whole test clip through Visage's SDK (the
acceptance check: a playable video of the same duration and frame size in which the detector finds
no face on any frame where the input had one, with progress reported on the way), and a short
segment in and out of S3 (moto's server over HTTP, VISAGE_S3_ENDPOINT_URL) through plain HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest
import requests
from visage import FaceClient, OperationStatus
from visage.models import RedactionJob

from tests.support.live import LiveVisage, visage_up
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server
from tests.support.video import CLIP, check_faces_hidden, frames, write_video

pytestmark = pytest.mark.slow

REDACTION_TIMEOUT = 900


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, moto: MotoS3) -> Iterator[LiveVisage]:
    with visage_up(tmp_path_factory.mktemp("visage-media"), extra_env=aws_environment(moto.endpoint)) as server:
        yield server


@pytest.fixture(scope="module")
def key(live: LiveVisage) -> str:
    return live.sign_up(customer_type="law_enforcement", organization="Kent Police", country="GB",
                        use_cases=["investigative_identification"])["key1"]


def video_properties(path: Path) -> tuple[int, float, int, int]:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    assert capture.isOpened(), f"{path} does not open"
    try:
        return (int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), capture.get(cv2.CAP_PROP_FPS),
                int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    finally:
        capture.release()


def test_police_redact_the_clip_through_the_sdk_with_no_face_left(live: LiveVisage, key: str,
                                                                  tmp_path: Path) -> None:
    seen: list[tuple[OperationStatus, int]] = []

    def progress(job: RedactionJob) -> None:
        seen.append((job.status, job.percent_complete))

    output = tmp_path / "clip-redacted.mp4"
    with FaceClient(live.endpoint, key) as client:
        poller = client.begin_redact(CLIP, progress=progress)
        job = poller.result(timeout=REDACTION_TIMEOUT)
        assert poller.download(output) == output
    assert any(status is OperationStatus.RUNNING and 0 < percent < 100 for status, percent in seen), seen
    assert seen[-1] == (OperationStatus.SUCCEEDED, 100)
    assert [percent for _, percent in seen] == sorted(percent for _, percent in seen)

    frame_count, fps, width, height = video_properties(CLIP)
    assert video_properties(output) == (frame_count, pytest.approx(fps, abs=0.01), width, height)
    assert job.result is not None and job.result.duration_ms == pytest.approx(frame_count * 1000 / fps,
                                                                              abs=1000 / fps)
    assert len(job.face_tracks) == job.result.face_track_count >= 4
    before, after = frames(CLIP), frames(output)
    assert len(after) == len(before) == frame_count  # every frame decodes: the file plays to its end
    check = check_faces_hidden(before, after)
    assert check.frames_with_faces > 150
    assert check.found == [], f"faces found on redacted frames: {check.found[:5]}"


def test_a_segment_in_s3_is_redacted_into_s3_over_plain_http(live: LiveVisage, key: str, moto: MotoS3,
                                                             tmp_path: Path) -> None:
    s3 = moto.client()
    s3.create_bucket(Bucket="bodycam")
    segment = tmp_path / "segment.mp4"
    write_video(segment, frames(CLIP)[125:155], "mp4v", 29.97)
    s3.put_object(Bucket="bodycam", Key="shift/0001.mp4", Body=segment.read_bytes())
    headers = {"Ocp-Apim-Subscription-Key": key}

    created = requests.post(live.url("/media/v1/redactions"), headers=headers, timeout=60, json={
        "s3": {"bucket": "bodycam", "key": "shift/0001.mp4"}, "output": "s3://bodycam/released/0001.mp4",
        "method": "pixelate"})
    assert created.status_code == 202, created.text
    job = poll(created.headers["Operation-Location"], headers)
    assert job["status"] == "succeeded", job
    assert job["result"]["output"] == {"kind": "s3", "uri": "s3://bodycam/released/0001.mp4",
                                       "versionId": None}
    released = tmp_path / "released.mp4"
    stored = s3.get_object(Bucket="bodycam", Key="released/0001.mp4")
    assert stored["ContentType"] == "video/mp4"
    released.write_bytes(stored["Body"].read())
    assert video_properties(released)[0] == 30
    check = check_faces_hidden(frames(segment), frames(released))
    assert check.frames_with_faces == 30 and check.found == []

    missing = requests.post(live.url("/media/v1/redactions"), headers=headers, timeout=60,
                            json={"s3": "s3://bodycam/shift/9999.mp4"})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "S3ObjectNotFound"


def poll(location: str, headers: dict[str, str]) -> Any:
    deadline = time.monotonic() + REDACTION_TIMEOUT
    while time.monotonic() < deadline:
        answer = requests.get(location, headers=headers, timeout=60)
        answer.raise_for_status()
        job = answer.json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    raise AssertionError(f"the redaction did not end in {REDACTION_TIMEOUT} s")
