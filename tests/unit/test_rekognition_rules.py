"""Rekognition's rules without Redis or HTTP: attributes, the quality bar, which faces IndexFaces
keeps, paging tokens, stored faces, video job records, a frame's capture time and the error map."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from server.api.rekognition_errors import to_aws, validation_message
from server.domain import rekognition
from server.domain.aws_errors import (
    AccessDeniedException,
    ImageTooLargeException,
    InternalServerError,
    InvalidImageFormatException,
    InvalidPaginationTokenException,
    InvalidParameterException,
    InvalidS3ObjectException,
    ProvisionedThroughputExceededException,
)
from server.domain.provenance import DeviceClass, Provenance, ProvenanceStatus
from server.domain.provenance_policy import frame_provenance
from server.domain.rekognition import QualityFilter, parse_attributes, quality_reasons, select_for_index
from server.domain.rekognition_results import S3ObjectLocation
from server.domain.rekognition_shapes import BoundingBox, Face, FaceDetail, ImageQuality, Pose, VideoMetadata
from server.domain.video_jobs import JobKind, JobStatus, VideoJob
from server.errors import InvalidImage, RateLimited, S3ObjectNotFound, S3ObjectTooLarge, UnsupportedFeature


def face(side: float = 0.2, *, confidence: float = 99.0, sharpness: float = 80.0, brightness: float = 50.0,
         yaw: float = 0.0) -> FaceDetail:
    return FaceDetail(BoundingBox(side, side, 0.1, 0.1), confidence, pose=Pose(0.0, yaw, 0.0),
                      quality=ImageQuality(brightness, sharpness))


def test_all_asks_for_every_sensitive_attribute_and_the_ones_visage_cannot_measure() -> None:
    asked = parse_attributes(["ALL"])
    assert asked.sensitive == ("AgeRange", "Beard", "Emotions", "Gender", "Mustache", "Smile") and asked.asked_all
    assert parse_attributes(["DEFAULT"]).sensitive == () and parse_attributes([]).unavailable == ()
    assert parse_attributes(["SMILE", "EYEGLASSES", "SMILE"]) == rekognition.AttributeRequest(
        ("Smile",), ("Eyeglasses",), False)
    with pytest.raises(InvalidParameterException, match="unknown value 'FACE_SHAPE'"):
        parse_attributes(["FACE_SHAPE"])
    with pytest.raises(InvalidParameterException, match="does not compute EyesOpen"):
        rekognition.check_measurable(parse_attributes(["EYES_OPEN"]))


def test_the_quality_bar_names_every_reason_a_face_fails() -> None:
    assert quality_reasons(face(0.001, confidence=10, sharpness=0, brightness=0, yaw=90), 640, 480,
                           QualityFilter.NONE) == ()
    assert quality_reasons(face(0.01, confidence=60, sharpness=20, brightness=99, yaw=70), 1920, 1080,
                           QualityFilter.AUTO) == ("SMALL_BOUNDING_BOX", "LOW_CONFIDENCE", "EXTREME_POSE",
                                                   "LOW_SHARPNESS", "LOW_BRIGHTNESS")
    assert quality_reasons(face(), 1920, 1080, QualityFilter.HIGH) == ()
    side = 45 / 1080  # 45 px high in a 1080p frame, 45 / 1920 of its width: over MEDIUM's 40 px, under HIGH's 60
    medium = FaceDetail(BoundingBox(45 / 1920, side, 0, 0), 99.0)
    assert quality_reasons(medium, 1920, 1080, QualityFilter.MEDIUM) == ()
    assert quality_reasons(medium, 1920, 1080, QualityFilter.HIGH) == ("SMALL_BOUNDING_BOX",)
    at_4k = FaceDetail(BoundingBox(60 / 3840, 60 / 2160, 0, 0), 99.0)  # 60 px: a 4K frame asks for 80
    assert quality_reasons(at_4k, 3840, 2160, QualityFilter.MEDIUM) == ("SMALL_BOUNDING_BOX",)


def test_index_faces_drops_the_lowest_quality_then_the_smallest_and_keeps_the_largest_first() -> None:
    faces = [face(0.1, sharpness=90), face(0.3, sharpness=40), face(0.2, sharpness=90), face(0.002)]
    chosen = select_for_index(faces, 1920, 1080, max_faces=2, level=QualityFilter.AUTO)
    assert chosen.indexed == (2, 0)
    assert chosen.unindexed == ((1, ("EXCEEDS_MAX_FACES",)), (3, ("SMALL_BOUNDING_BOX",)))
    assert select_for_index(faces, 1920, 1080, max_faces=10, level=QualityFilter.NONE).indexed == (1, 2, 0, 3)


def test_tokens_go_back_to_their_position_and_garbage_is_an_invalid_token() -> None:
    for position in ("a", "collection.with-255-chars" * 10, "job/TIMESTAMP/1000", "é"):
        assert rekognition.token_position(rekognition.next_token(position)) == position
    assert rekognition.token_position(None) is None
    for garbage in ("!!!", "", "x" * 2000, "//8"):
        with pytest.raises(InvalidPaginationTokenException):
            rekognition.token_position(garbage)


def test_a_stored_face_comes_back_as_it_was_indexed() -> None:
    indexed = Face("0d1f5a9e-0000-4000-8000-000000000001", BoundingBox(0.2, 0.3, 0.1, 0.05), "image-1",
                   "staff:42", 99.5, rekognition.FACE_MODEL_VERSION)
    assert rekognition.stored_face(indexed.face_id, rekognition.stored_details(indexed)) == indexed
    assert rekognition.stored_face("f", None) == Face("f", index_faces_model_version=rekognition.FACE_MODEL_VERSION)


def test_names_and_parameters() -> None:
    assert rekognition.account_id("tenant-a") == rekognition.account_id("tenant-a")
    assert len(rekognition.account_id("tenant-a")) == 12 and rekognition.account_id("tenant-b").isdigit()
    assert rekognition.collection_arn("eu-west-1", "t", "c").startswith("arn:aws:rekognition:eu-west-1:")
    assert rekognition.check_count(None, "MaxFaces", low=1, high=10, default=4) == 4
    with pytest.raises(InvalidParameterException, match="MaxFaces must be from 1 to 10, not 11"):
        rekognition.check_count(11, "MaxFaces", low=1, high=10, default=4)
    with pytest.raises(InvalidParameterException):
        rekognition.check_external_image_id("has space")
    with pytest.raises(InvalidImageFormatException):
        rekognition.check_image(b"GIF89a" + bytes(100))
    with pytest.raises(ImageTooLargeException):
        rekognition.check_image(b"\x89PNG\r\n\x1a\n" + bytes(rekognition.MAX_IMAGE_BYTES))


def test_a_video_job_record_survives_redis_and_a_lapsed_heartbeat_reads_as_failed() -> None:
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    job = VideoJob("a" * 64, JobKind.FACE_SEARCH, "t", "d", S3ObjectLocation("b", "k", "v1"), moment, moment,
                   collection_id="c", threshold=92.5, job_tag="case",
                   video_metadata=VideoMetadata("h264", 9176, "QuickTime / MOV", 29.97, 360, 640))
    assert VideoJob.from_record(job.to_record()) == job
    assert job.as_of(moment + timedelta(seconds=60)).status is JobStatus.IN_PROGRESS
    lapsed = job.as_of(moment + timedelta(minutes=5))
    assert lapsed.status is JobStatus.FAILED and "interrupted" in (lapsed.status_message or "")
    other = dataclasses.replace(job, threshold=80.0)
    assert other.fingerprint() != job.fingerprint() and dataclasses.replace(job).fingerprint() == job.fingerprint()
    assert JobKind.FACE_SEARCH.operation_class.value == "identification"


def test_a_frame_of_trusted_footage_was_captured_at_the_footages_time_plus_its_timestamp() -> None:
    began = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    footage = Provenance(ProvenanceStatus.TRUSTED, began, DeviceClass.BODY_WORN, "anchor")
    assert frame_provenance(footage, 90_000).captured_at == began + timedelta(seconds=90)
    unknown_time = Provenance(ProvenanceStatus.TRUSTED, None, DeviceClass.BODY_WORN, "anchor")
    assert frame_provenance(unknown_time, 90_000) == unknown_time
    assert frame_provenance(Provenance(), 5) == Provenance()


@pytest.mark.parametrize(("error", "aws"), [
    (InvalidImage(), InvalidImageFormatException),
    (S3ObjectNotFound("gone"), InvalidS3ObjectException),
    (S3ObjectTooLarge("big"), ImageTooLargeException),
    (RateLimited(3), ProvisionedThroughputExceededException),
    (UnsupportedFeature("no"), AccessDeniedException),
    (ValidationError({"Image": {"Bytes": ["Is not valid base64."]}}), InvalidParameterException),
    (KeyError("a bug"), InternalServerError),
])
def test_every_error_leaves_in_aws_words(error: Exception, aws: type[Exception]) -> None:
    mapped = to_aws(error)
    assert type(mapped) is aws
    if isinstance(error, RateLimited):
        assert mapped.headers == {"Retry-After": "3"}


def test_validation_messages_name_the_value_that_failed() -> None:
    message = validation_message({"Image": {"Bytes": ["Is not valid base64."]}})
    assert message == "1 validation error detected: Value at 'Image.Bytes' failed to satisfy constraint: " \
                      "Is not valid base64."
