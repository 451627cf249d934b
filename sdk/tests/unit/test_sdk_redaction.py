"""begin_redact and its poller against mocked HTTP: what is sent for each kind of input, progress
reported once per change at the server's Retry-After, typed face tracks, failures, downloads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import responses
from visage import (
    CaptureContext,
    FaceClient,
    InvalidRequestError,
    NotFoundError,
    OperationFailedError,
    OperationStatus,
    RedactionMethod,
    RedactionPoller,
    S3Object,
)
from visage.models import FaceTrack, RedactionJob
from visage_fakes import ENDPOINT, FakeClock, body_of, error_body

REDACTIONS = f"{ENDPOINT}/media/v1/redactions"
JOB_ID = "5b0d6a4e-8a8f-4d0b-9d7e-0c1f2a3b4c5d"
JOB_URL = f"{REDACTIONS}/{JOB_ID}"
TRACK = {"index": 0, "startMs": 0, "endMs": 400, "coveredFrames": [0, 14], "faces": [
    {"frame": 0, "timestampMs": 0, "faceRectangle": {"top": 40, "left": 300, "width": 90, "height": 90},
     "boundingBox": {"width": 0.140625, "height": 0.25, "left": 0.46875, "top": 0.111}}]}


def job(status: str = "notStarted", percent: int = 0, **extra: Any) -> dict[str, Any]:
    return {"id": JOB_ID, "status": status, "percentComplete": percent, "method": "blur",
            "input": {"kind": "upload"}, "createdDateTime": "2026-01-31T09:30:00.000Z",
            "lastActionDateTime": "2026-01-31T09:30:01.000Z", "finishedDateTime": None, **extra}


VIDEO_RESULT = {"mediaType": "video/mp4", "width": 640, "height": 360, "frames": 30, "fps": 29.97,
                "durationMs": 1001, "codec": "mpeg4", "sourceCodec": "h264", "faceTrackCount": 1,
                "output": {"kind": "file", "fileName": "redacted.mp4"}}


def accepted(http: responses.RequestsMock, location: str = JOB_URL, retry_after: str = "2") -> None:
    http.post(REDACTIONS, status=202, json=job(), headers={"Operation-Location": location,
                                                          "Retry-After": retry_after})


def polled(http: responses.RequestsMock, body: dict[str, Any], retry_after: str | None = "2",
           url: str = JOB_URL) -> None:
    http.get(url, json=body, headers={"Retry-After": retry_after} if retry_after else {})


def finished(http: responses.RequestsMock) -> None:
    polled(http, job("succeeded", 100, result=VIDEO_RESULT, faceTracks=[TRACK],
                     resultLocation=f"{JOB_URL}/result", finishedDateTime="2026-01-31T09:31:00.000Z"), None)


def test_a_file_by_path_is_streamed_and_progress_is_reported_once_per_change(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock, tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x20ftypisom" + bytes(100))
    accepted(http)
    polled(http, job("running", 40))
    polled(http, job("running", 40))
    polled(http, job("running", 80), "3")
    finished(http)
    seen: list[tuple[str, int]] = []
    poller = client.begin_redact(video, method=RedactionMethod.PIXELATE,
                                 progress=lambda current: seen.append((current.status.value, current.percent_complete)),
                                 capture=CaptureContext.live())
    assert isinstance(poller, RedactionPoller) and poller.redaction_id == JOB_ID
    done = poller.result()
    sent = http.calls[0].request
    assert sent.headers["Content-Type"] == "application/octet-stream" and "method=pixelate" in (sent.url or "")
    assert sent.headers["x-visage-capture-mode"] == "live"
    assert seen == [("notStarted", 0), ("running", 40), ("running", 80), ("succeeded", 100)]
    assert clock.sleeps == [2.0, 2.0, 2.0, 3.0]
    assert done.status is OperationStatus.SUCCEEDED and done.result is not None
    assert (done.result.frames, done.result.face_track_count, done.result.output.kind) == (30, 1, "file")
    [track] = done.face_tracks
    assert isinstance(track, FaceTrack) and track.covered_frames == (0, 14)
    assert track.faces[0].face_rectangle.width == 90 and track.faces[0].bounding_box.left == 0.46875


def test_the_uploaded_file_is_sent_whole(client: FaceClient, http: responses.RequestsMock, tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    payload = b"\x00\x00\x00\x20ftypisom" + bytes(range(256)) * 40
    video.write_bytes(payload)
    accepted(http)
    client.begin_redact(str(video))
    body = http.calls[0].request.body
    assert (body.read() if hasattr(body, "read") else body) == payload


@pytest.mark.parametrize(("kwargs", "sent"), [
    ({"url": "https://example.com/clip.mp4", "method": "box"}, {"url": "https://example.com/clip.mp4",
                                                                 "method": "box"}),
    ({"s3": S3Object("bodycam", "shift/1.mp4", "v2"), "output": "s3://bodycam/out/1.mp4"},
     {"s3": {"bucket": "bodycam", "key": "shift/1.mp4", "version": "v2"}, "output": "s3://bodycam/out/1.mp4"}),
    ({"s3": "s3://bodycam/shift/1.mp4"}, {"s3": "s3://bodycam/shift/1.mp4"}),
])
def test_media_named_by_url_or_s3_goes_as_json(client: FaceClient, http: responses.RequestsMock,
                                               kwargs: dict[str, Any], sent: dict[str, Any]) -> None:
    accepted(http)
    client.begin_redact(**kwargs)
    assert body_of(http.calls[0]) == sent


@pytest.mark.parametrize(("args", "kwargs", "error"), [
    ((), {}, ValueError),
    ((b"bytes",), {"url": "https://example.com/a.mp4"}, ValueError),
    ((b"bytes",), {"output": "https://example.com/out.mp4"}, ValueError),
    (("https://example.com/a.mp4",), {}, ValueError),
    (("/no/such/clip.mp4",), {}, FileNotFoundError),
    ((), {"s3": "https://example.com/a.mp4"}, ValueError),
    ((io.StringIO("text"),), {}, TypeError),
])
def test_wrong_arguments_fail_before_anything_is_sent(client: FaceClient, http: responses.RequestsMock,
                                                      args: tuple[Any, ...], kwargs: dict[str, Any],
                                                      error: type[Exception]) -> None:
    with pytest.raises(error):
        client.begin_redact(*args, **kwargs)
    assert len(http.calls) == 0


def test_a_failed_redaction_raises_with_the_job(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, retry_after="0")
    polled(http, job("failed", 12, error={"code": "InvalidVideo", "message": "No frame could be decoded."}), None)
    poller = client.begin_redact(b"video")
    with pytest.raises(OperationFailedError, match="InvalidVideo: No frame could be decoded") as caught:
        poller.result()
    assert isinstance(caught.value.operation, RedactionJob) and caught.value.operation.percent_complete == 12


def test_result_times_out_saying_how_far_it_got(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, retry_after="1")
    polled(http, job("running", 35), "10")
    poller = client.begin_redact(b"video")
    with pytest.raises(TimeoutError, match="35% done"):
        poller.result(timeout=5)


def test_download_writes_the_file_only_once_complete(client: FaceClient, http: responses.RequestsMock,
                                                     tmp_path: Path) -> None:
    accepted(http, retry_after="0")
    finished(http)
    http.get(f"{JOB_URL}/result", body=b"redacted video bytes", content_type="video/mp4")
    target = tmp_path / "out.mp4"
    assert client.begin_redact(b"video").download(target) == target
    assert target.read_bytes() == b"redacted video bytes" and list(tmp_path.iterdir()) == [target]
    http.get(f"{JOB_URL}/result", body=b"again", content_type="video/mp4")
    buffer = io.BytesIO()
    assert client.download_redaction(JOB_ID, buffer) is None and buffer.getvalue() == b"again"


def test_a_refused_download_leaves_no_file(client: FaceClient, http: responses.RequestsMock, tmp_path: Path) -> None:
    http.get(f"{JOB_URL}/result", status=404, json=error_body("RedactedFileNotFound", "Written to s3://b/k."))
    with pytest.raises(NotFoundError, match="s3://b/k"):
        client.download_redaction(JOB_ID, tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


def test_an_operation_location_elsewhere_is_not_sent_the_key(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, location=f"https://proxy.example/media/v1/redactions/{JOB_ID}", retry_after="0")
    finished(http)
    assert client.begin_redact(b"video").result().status is OperationStatus.SUCCEEDED
    assert http.calls[1].request.url == JOB_URL


def test_get_and_delete(client: FaceClient, http: responses.RequestsMock) -> None:
    polled(http, job("running", 50))
    assert client.get_redaction(JOB_ID).percent_complete == 50
    http.delete(JOB_URL, status=204)
    client.delete_redaction(JOB_ID)
    http.get(f"{REDACTIONS}/nope", status=400, json=error_body("BadArgument"))
    with pytest.raises(InvalidRequestError):
        client.get_redaction("nope")
    assert S3Object("b", "k").uri == "s3://b/k"
