"""What each Rekognition operation answers, dumped from server/domain/rekognition_results.py and
rekognition_shapes.py with botocore's names. Members without a value are left out, as AWS leaves
them out (never written as null)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, post_dump, validate


class AwsReplySchema(Schema):
    """Drops members whose value is None."""

    @post_dump
    def _omit_absent(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {name: value for name, value in data.items() if value is not None}


class EpochSeconds(fields.Field):
    """A timestamp as AWS's JSON protocol writes it: seconds since the epoch, a number."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | None:
        return None if value is None else round(value.timestamp() if isinstance(value, datetime) else value, 3)

    def _jsonschema_type_mapping(self) -> dict[str, str]:
        return {"type": "number"}


def Ratio(**kwargs: Any) -> fields.Float:  # noqa: N802 - reads as a field type
    return fields.Float(metadata={"description": "A ratio of the image's width or height."}, **kwargs)


class BoundingBoxSchema(AwsReplySchema):
    Width = Ratio(attribute="width")
    Height = Ratio(attribute="height")
    Left = Ratio(attribute="left")
    Top = Ratio(attribute="top")


class LandmarkSchema(AwsReplySchema):
    Type = fields.String(attribute="type")
    X = Ratio(attribute="x")
    Y = Ratio(attribute="y")


class PoseSchema(AwsReplySchema):
    Roll = fields.Float(attribute="roll")
    Yaw = fields.Float(attribute="yaw")
    Pitch = fields.Float(attribute="pitch")


class ImageQualitySchema(AwsReplySchema):
    Brightness = fields.Float(attribute="brightness", validate=validate.Range(0, 100))
    Sharpness = fields.Float(attribute="sharpness", validate=validate.Range(0, 100))


class FaceDetailSchema(AwsReplySchema):
    """Rekognition's default attributes, measured; the sensitive ones are never present."""

    BoundingBox = fields.Nested(BoundingBoxSchema, attribute="bounding_box")
    Confidence = fields.Float(attribute="confidence")
    Landmarks = fields.List(fields.Nested(LandmarkSchema), attribute="landmarks")
    Pose = fields.Nested(PoseSchema, attribute="pose")
    Quality = fields.Nested(ImageQualitySchema, attribute="quality")


class FaceSchema(AwsReplySchema):
    """A face stored in a collection."""

    FaceId = fields.String(attribute="face_id")
    BoundingBox = fields.Nested(BoundingBoxSchema, attribute="bounding_box")
    ImageId = fields.String(attribute="image_id")
    ExternalImageId = fields.String(attribute="external_image_id")
    Confidence = fields.Float(attribute="confidence")
    IndexFacesModelVersion = fields.String(attribute="index_faces_model_version")
    UserId = fields.String(attribute="user_id")


class FaceMatchSchema(AwsReplySchema):
    Similarity = fields.Float(attribute="similarity")
    Face = fields.Nested(FaceSchema, attribute="face")


class CreateCollectionResponseSchema(AwsReplySchema):
    StatusCode = fields.Integer(attribute="status_code")
    CollectionArn = fields.String(attribute="collection_arn")
    FaceModelVersion = fields.String(attribute="face_model_version")


class DeleteCollectionResponseSchema(AwsReplySchema):
    StatusCode = fields.Integer(attribute="status_code")


class ListCollectionsResponseSchema(AwsReplySchema):
    CollectionIds = fields.List(fields.String(), attribute="collection_ids")
    NextToken = fields.String(attribute="next_token")
    FaceModelVersions = fields.List(fields.String(), attribute="face_model_versions")


class DescribeCollectionResponseSchema(AwsReplySchema):
    FaceCount = fields.Integer(attribute="face_count")
    FaceModelVersion = fields.String(attribute="face_model_version")
    CollectionARN = fields.String(attribute="collection_arn")
    CreationTimestamp = EpochSeconds(attribute="creation_timestamp")
    UserCount = fields.Integer(attribute="user_count")


class FaceRecordSchema(AwsReplySchema):
    Face = fields.Nested(FaceSchema, attribute="face")
    FaceDetail = fields.Nested(FaceDetailSchema, attribute="face_detail")


class UnindexedFaceSchema(AwsReplySchema):
    Reasons = fields.List(fields.String(), attribute="reasons")
    FaceDetail = fields.Nested(FaceDetailSchema, attribute="face_detail")


class IndexFacesResponseSchema(AwsReplySchema):
    FaceRecords = fields.List(fields.Nested(FaceRecordSchema), attribute="face_records")
    FaceModelVersion = fields.String(attribute="face_model_version")
    UnindexedFaces = fields.List(fields.Nested(UnindexedFaceSchema), attribute="unindexed_faces")


class ListFacesResponseSchema(AwsReplySchema):
    Faces = fields.List(fields.Nested(FaceSchema), attribute="faces")
    NextToken = fields.String(attribute="next_token")
    FaceModelVersion = fields.String(attribute="face_model_version")


class UnsuccessfulFaceDeletionSchema(AwsReplySchema):
    FaceId = fields.String(attribute="face_id")
    Reasons = fields.List(fields.String(), attribute="reasons")


class DeleteFacesResponseSchema(AwsReplySchema):
    DeletedFaces = fields.List(fields.String(), attribute="deleted_faces")
    UnsuccessfulFaceDeletions = fields.List(fields.Nested(UnsuccessfulFaceDeletionSchema),
                                            attribute="unsuccessful_face_deletions")


class SearchFacesResponseSchema(AwsReplySchema):
    SearchedFaceId = fields.String(attribute="searched_face_id")
    FaceMatches = fields.List(fields.Nested(FaceMatchSchema), attribute="face_matches")
    FaceModelVersion = fields.String(attribute="face_model_version")


class SearchFacesByImageResponseSchema(AwsReplySchema):
    SearchedFaceBoundingBox = fields.Nested(BoundingBoxSchema, attribute="searched_face_bounding_box")
    SearchedFaceConfidence = fields.Float(attribute="searched_face_confidence")
    FaceMatches = fields.List(fields.Nested(FaceMatchSchema), attribute="face_matches")
    FaceModelVersion = fields.String(attribute="face_model_version")


class ComparedSourceImageFaceSchema(AwsReplySchema):
    BoundingBox = fields.Nested(BoundingBoxSchema, attribute="bounding_box")
    Confidence = fields.Float(attribute="confidence")


class CompareFacesMatchSchema(AwsReplySchema):
    Similarity = fields.Float(attribute="similarity")
    Face = fields.Nested(FaceDetailSchema, attribute="face")


class CompareFacesResponseSchema(AwsReplySchema):
    SourceImageFace = fields.Nested(ComparedSourceImageFaceSchema, attribute="source_image_face")
    FaceMatches = fields.List(fields.Nested(CompareFacesMatchSchema), attribute="face_matches")
    UnmatchedFaces = fields.List(fields.Nested(FaceDetailSchema), attribute="unmatched_faces")


class DetectFacesResponseSchema(AwsReplySchema):
    FaceDetails = fields.List(fields.Nested(FaceDetailSchema), attribute="face_details")


class StartJobResponseSchema(AwsReplySchema):
    JobId = fields.String(attribute="job_id")


class VideoMetadataSchema(AwsReplySchema):
    Codec = fields.String(attribute="codec")
    DurationMillis = fields.Integer(attribute="duration_millis")
    Format = fields.String(attribute="format")
    FrameRate = fields.Float(attribute="frame_rate")
    FrameHeight = fields.Integer(attribute="frame_height")
    FrameWidth = fields.Integer(attribute="frame_width")
    ColorRange = fields.String(attribute="color_range")


class S3ObjectLocationSchema(AwsReplySchema):
    Bucket = fields.String(attribute="bucket")
    Name = fields.String(attribute="name")
    Version = fields.String(attribute="version")


class VideoLocationSchema(AwsReplySchema):
    S3Object = fields.Nested(S3ObjectLocationSchema, attribute="s3_object")


class FaceDetectionSchema(AwsReplySchema):
    Timestamp = fields.Integer(attribute="timestamp")
    Face = fields.Nested(FaceDetailSchema, attribute="face")


class PersonDetailSchema(AwsReplySchema):
    Index = fields.Integer(attribute="index")
    BoundingBox = fields.Nested(BoundingBoxSchema, attribute="bounding_box")
    Face = fields.Nested(FaceDetailSchema, attribute="face")


class PersonMatchSchema(AwsReplySchema):
    Timestamp = fields.Integer(attribute="timestamp")
    Person = fields.Nested(PersonDetailSchema, attribute="person")
    FaceMatches = fields.List(fields.Nested(FaceMatchSchema), attribute="face_matches")


class VideoJobResponseSchema(AwsReplySchema):
    JobStatus = fields.String(attribute="job_status", validate=validate.OneOf(["IN_PROGRESS", "SUCCEEDED", "FAILED"]))
    StatusMessage = fields.String(attribute="status_message")
    VideoMetadata = fields.Nested(VideoMetadataSchema, attribute="video_metadata")
    NextToken = fields.String(attribute="next_token")
    JobId = fields.String(attribute="job_id")
    Video = fields.Nested(VideoLocationSchema, attribute="video")
    JobTag = fields.String(attribute="job_tag")


class GetFaceDetectionResponseSchema(VideoJobResponseSchema):
    Faces = fields.List(fields.Nested(FaceDetectionSchema), attribute="faces")


class GetFaceSearchResponseSchema(VideoJobResponseSchema):
    Persons = fields.List(fields.Nested(PersonMatchSchema), attribute="persons")


class AwsErrorSchema(Schema):
    """AWS's error body: the exception's name and a message (botocore reads both)."""

    type_ = fields.String(data_key="__type", attribute="type", required=True)
    message = fields.String(required=True)
