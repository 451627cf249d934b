"""Rules of media redaction and video analysis that need no pixels: sampling, options, shapes,
job records, similarity in percent, container sniffing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from server.domain import similarity
from server.domain.clock import now
from server.domain.detection import DetectionModel
from server.domain.media_jobs import LEASE_SECONDS, JobStatus, MediaJob, MediaSource, MediaTarget, SourceKind
from server.domain.redaction import (
    FaceRectangle,
    FaceTrack,
    Padding,
    RedactionMethod,
    TrackedFace,
    parse_method,
    redaction_options,
)
from server.domain.rekognition_shapes import BoundingBox, detection_confidence
from server.domain.sampling import REDACTION_PLAN, DetectionPass, Schedule, check_plan
from server.domain.tracking import Box
from server.errors import BadArgument, InvalidVideo
from server.vision.video import Container, codec_name, sniff_container

HOG, CNN = DetectionModel.DETECTION_01, DetectionModel.DETECTION_02


def test_the_redaction_plan_at_30_fps_runs_hog_every_third_frame_and_the_cnn_every_thirtieth() -> None:
    schedule = Schedule.of(REDACTION_PLAN, 29.97)
    assert schedule.strides == {HOG: 3, CNN: 30}
    assert schedule.models_at(0) == [HOG, CNN]
    assert schedule.models_at(3) == [HOG] and schedule.models_at(4) == []
    assert [frame for frame in range(61) if CNN in schedule.models_at(frame)] == [0, 30, 60]
    assert Schedule.of([DetectionPass(HOG, 10)], 25).strides == {HOG: 1}  # never less than every frame


@pytest.mark.parametrize("plan", [(), (DetectionPass(HOG, 100), DetectionPass(HOG, 200)),
                                  (DetectionPass(HOG, -1),), (DetectionPass(HOG, 10_001),)])
def test_a_plan_without_models_with_a_model_twice_or_out_of_range_is_refused(plan: tuple[DetectionPass, ...]) -> None:
    with pytest.raises(BadArgument):
        check_plan(plan)


def test_methods_parse_case_insensitively_and_default_to_blur() -> None:
    assert parse_method(None) is RedactionMethod.BLUR
    assert parse_method("Pixelate") is RedactionMethod.PIXELATE
    assert redaction_options("box").method is RedactionMethod.BOX
    with pytest.raises(BadArgument, match="blur, pixelate or box"):
        parse_method("smudge")


def test_padding_grows_the_face_box_most_above() -> None:
    padded = Padding().apply(Box(100, 100, 80, 80))
    assert (padded.left, padded.right) == (80, 200)
    assert (padded.top, padded.bottom) == (64, 200)


def test_a_face_track_round_trips_through_its_record() -> None:
    track = FaceTrack(3, (TrackedFace(30, 1001, FaceRectangle(10, 20, 30, 31)),
                          TrackedFace(33, 1101, FaceRectangle(12, 20, 30, 31))), 27, 42)
    record = track.to_record(100, 62)
    assert (record["startMs"], record["endMs"], record["coveredFrames"]) == (1001, 1101, [27, 42])
    assert record["faces"][0]["faceRectangle"] == {"top": 20, "left": 10, "width": 30, "height": 31}
    assert record["faces"][0]["boundingBox"] == {"width": 0.3, "height": 0.5, "left": 0.1, "top": 20 / 62}
    assert FaceTrack.from_record(record) == track


def test_bounding_boxes_are_ratios_of_the_frame() -> None:
    assert BoundingBox.of(Box(320, 90, 64, 36), 640, 360) == BoundingBox(0.1, 0.1, 0.5, 0.25)


def test_detector_scores_map_to_confidences_above_50() -> None:
    assert detection_confidence(0.0) == 50.0
    assert 99.0 < detection_confidence(1.0) < 99.5
    assert detection_confidence(0.1) < detection_confidence(0.5) < detection_confidence(2.0) <= 100.0


def test_similarity_in_percent_puts_rekognitions_default_threshold_on_dlibs_operating_point() -> None:
    assert similarity.similarity_percent(similarity.SAME_PERSON_DISTANCE) == pytest.approx(80.0)
    values = [similarity.similarity_percent(d) for d in (0.0, 0.3, 0.5, 0.6, 0.7, 1.0, 2.0)]
    assert values == sorted(values, reverse=True)
    assert values[0] > 99.9 and values[-1] < 0.1
    # the same curve as Azure's confidence, shifted: equal steepness
    assert similarity.similarity_percent(0.5) / 100 == pytest.approx(
        similarity.confidence_from_distance(0.5 - (similarity.SIMILARITY_CENTRE - 0.6)), abs=1e-4)


def job(**changes: object) -> MediaJob:
    moment = now()
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # records keep milliseconds
    base = MediaJob("8d1c6c1e-0d5e-4b0b-9b1a-4c7d8a6f0f00", "tenant", "deployment", RedactionMethod.PIXELATE,
                    MediaSource(SourceKind.S3, bucket="footage", key="cam/1.mp4", version="v2"),
                    MediaTarget("redacted", "cam/1.mp4"), JobStatus.RUNNING, 42, moment, moment, moment)
    return dataclasses.replace(base, **changes)


def test_a_media_job_round_trips_through_its_record() -> None:
    running = job()
    assert MediaJob.from_record(running.to_record()) == running
    output = {"kind": "file", "fileName": "r.mp4"}
    done = job(status=JobStatus.SUCCEEDED, finished=running.created, result={"output": output})
    assert MediaJob.from_record(done.to_record()) == done


def test_a_running_job_whose_heartbeat_lapsed_reads_as_failed() -> None:
    stale = job(heartbeat=now() - timedelta(seconds=LEASE_SECONDS + 1))
    seen = stale.as_of(now())
    assert seen.status is JobStatus.FAILED and seen.to_public()["error"]["code"] == "JobInterrupted"
    assert job().as_of(now()).status is JobStatus.RUNNING


def test_public_view_of_a_job() -> None:
    public = job().to_public()
    assert public["status"] == "running" and public["percentComplete"] == 42 and "error" not in public
    failed = job(status=JobStatus.FAILED, error_code="InvalidVideo", message="broken").to_public()
    assert failed["error"] == {"code": "InvalidVideo", "message": "broken"}


@pytest.mark.parametrize("kind", list(SourceKind))
def test_a_source_needs_its_location(kind: SourceKind) -> None:
    with pytest.raises(BadArgument):
        MediaSource(kind)


@pytest.mark.parametrize("head, container", [
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", Container.MP4),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", Container.MOV),
    (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", Container.MOV),
    (b"RIFF\x00\x10\x00\x00AVI LIST", Container.AVI),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", Container.WEBM),
    (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", Container.MKV),
])
def test_containers_are_recognised_from_their_first_bytes(head: bytes, container: Container) -> None:
    assert sniff_container(head) is container


@pytest.mark.parametrize("head", [b"#EXTM3U\n#EXT-X-VERSION:3\n", b"ffconcat version 1.0\n", b"\x47\x40\x00\x10",
                                  b"FLV\x01\x05", b""])
def test_playlists_and_other_formats_are_refused(head: bytes) -> None:
    with pytest.raises(InvalidVideo, match="MP4, MOV, AVI, MKV or WebM"):
        sniff_container(head)


def test_codec_names_are_ffmpegs() -> None:
    assert codec_name(int.from_bytes(b"avc1", "little")) == "h264"
    assert codec_name(int.from_bytes(b"FMP4", "little")) == "mpeg4"
    assert codec_name(int.from_bytes(b"VP90", "little")) == "vp9"
    assert codec_name(0) == "unknown"
