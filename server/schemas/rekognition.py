"""What each Rekognition operation reads: the bodies botocore sends, with the model's names and limits.

Names are exact (AWS's JSON protocol is case-sensitive) and members Visage does not know are
ignored. Each schema loads into a request record for the service; a violated constraint becomes
InvalidParameterException in `server/api/rekognition_errors.py`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from server.domain import rekognition as rules
from server.domain.collections import REKOGNITION_ID_PATTERN
from server.domain.rekognition import ImageRequest, S3ObjectRequest

COLLECTION_ID: dict[str, Any] = {"required": True, "validate": validate.Regexp(REKOGNITION_ID_PATTERN),
                 "metadata": {"description": "1 to 255 letters, digits, '_', '.' or '-'."}}
TOKEN: dict[str, Any] = {"validate": validate.Length(1, rules.MAX_TOKEN_LENGTH),
         "metadata": {"description": "The NextToken of the previous page."}}
JOB_ID: dict[str, Any] = {"required": True, "validate": validate.Regexp(r"^[a-zA-Z0-9-_]{1,64}$")}
ATTRIBUTE_NAMES = ["DEFAULT", "ALL", *rules.SENSITIVE_ATTRIBUTES, *rules.UNAVAILABLE_ATTRIBUTES]
QUALITY: dict[str, Any] = {"validate": validate.OneOf([level.value for level in rules.QualityFilter])}


class RequestSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class Base64Bytes(fields.Field):
    """A blob: base64 in JSON, bytes once loaded."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bytes:
        if not isinstance(value, str):
            raise ValidationError("Must be base64 text.")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Is not valid base64.") from None

    def _jsonschema_type_mapping(self) -> dict[str, str]:
        return {"type": "string", "contentEncoding": "base64"}


class S3ObjectSchema(RequestSchema):
    Bucket = fields.String(required=True, metadata={"description": "3 to 255 letters, digits, '.', '-' or '_'."})
    Name = fields.String(required=True, validate=validate.Length(1, 1024))
    Version = fields.String(validate=validate.Length(1, 1024))

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> S3ObjectRequest:
        return S3ObjectRequest(data["Bucket"], data["Name"], data.get("Version"))


class ImageSchema(RequestSchema):
    """Exactly one of Bytes (base64, up to 5 MB) and S3Object."""

    Bytes = Base64Bytes(metadata={"description": "The image, PNG or JPEG, up to 5 MB."})
    S3Object = fields.Nested(S3ObjectSchema)

    @validates_schema
    def _one_source(self, data: dict[str, Any], **_: Any) -> None:
        if ("Bytes" in data) == ("S3Object" in data):
            raise ValidationError("Give the image as exactly one of Bytes and S3Object.")

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> ImageRequest:
        return ImageRequest(data.get("Bytes"), data.get("S3Object"))


class VideoSchema(RequestSchema):
    S3Object = fields.Nested(S3ObjectSchema, required=True)

    @post_load
    def _record(self, data: dict[str, Any], **_: Any) -> S3ObjectRequest:
        found: S3ObjectRequest = data["S3Object"]
        return found


class NotificationChannelSchema(RequestSchema):
    SNSTopicArn = fields.String(required=True)
    RoleArn = fields.String(required=True)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


class OperationRequest(RequestSchema):
    """Loads into a dict of snake_case names: CollectionId -> collection_id, MaxResults -> max_results."""

    @post_load
    def _snake_names(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {_snake(name): value for name, value in data.items()}


class CreateCollectionRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    Tags = fields.Dict(keys=fields.String(validate=validate.Length(1, 128)),
                       values=fields.String(validate=validate.Length(0, 256)), validate=validate.Length(0, 200))


class CollectionRequestSchema(OperationRequest):
    """DeleteCollection and DescribeCollection."""

    CollectionId = fields.String(**COLLECTION_ID)


class ListCollectionsRequestSchema(OperationRequest):
    NextToken = fields.String(**TOKEN)
    MaxResults = fields.Integer(validate=validate.Range(0, rules.MAX_RESULTS))


class IndexFacesRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    Image = fields.Nested(ImageSchema, required=True)
    ExternalImageId = fields.String(validate=[validate.Length(1, rules.MAX_EXTERNAL_ID),
                                              validate.Regexp(rules.EXTERNAL_ID_PATTERN)])
    DetectionAttributes = fields.List(fields.String(validate=validate.OneOf(ATTRIBUTE_NAMES)))
    MaxFaces = fields.Integer(validate=validate.Range(min=1))
    QualityFilter = fields.String(**QUALITY)


class ListFacesRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    NextToken = fields.String(**TOKEN)
    MaxResults = fields.Integer(validate=validate.Range(0, rules.MAX_RESULTS))
    UserId = fields.String(validate=validate.Length(1, 128))
    FaceIds = fields.List(fields.String(), validate=validate.Length(1, 4096))


class DeleteFacesRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    FaceIds = fields.List(fields.String(), required=True, validate=validate.Length(1, 4096))


class SearchFacesRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    FaceId = fields.String(required=True)
    MaxFaces = fields.Integer(validate=validate.Range(1, rules.MAX_RESULTS))
    FaceMatchThreshold = fields.Float(validate=validate.Range(0, 100))


class SearchFacesByImageRequestSchema(OperationRequest):
    CollectionId = fields.String(**COLLECTION_ID)
    Image = fields.Nested(ImageSchema, required=True)
    MaxFaces = fields.Integer(validate=validate.Range(1, rules.MAX_RESULTS))
    FaceMatchThreshold = fields.Float(validate=validate.Range(0, 100))
    QualityFilter = fields.String(**QUALITY)


class CompareFacesRequestSchema(OperationRequest):
    SourceImage = fields.Nested(ImageSchema, required=True)
    TargetImage = fields.Nested(ImageSchema, required=True)
    SimilarityThreshold = fields.Float(validate=validate.Range(0, 100))
    QualityFilter = fields.String(**QUALITY)


class DetectFacesRequestSchema(OperationRequest):
    Image = fields.Nested(ImageSchema, required=True)
    Attributes = fields.List(fields.String(validate=validate.OneOf(ATTRIBUTE_NAMES)))


class StartVideoRequestSchema(OperationRequest):
    Video = fields.Nested(VideoSchema, required=True)
    ClientRequestToken = fields.String(validate=validate.Regexp(r"^[a-zA-Z0-9-_]{1,64}$"))
    NotificationChannel = fields.Nested(NotificationChannelSchema, metadata={
        "description": "Not supported: Visage cannot publish to Amazon SNS (poll the Get operation)."})
    JobTag = fields.String(validate=[validate.Length(1, 1024), validate.Regexp(r"^[a-zA-Z0-9_.\-:]+$")])


class StartFaceDetectionRequestSchema(StartVideoRequestSchema):
    FaceAttributes = fields.String(validate=validate.OneOf(["DEFAULT", "ALL"]))


class StartFaceSearchRequestSchema(StartVideoRequestSchema):
    CollectionId = fields.String(**COLLECTION_ID)
    FaceMatchThreshold = fields.Float(validate=validate.Range(0, 100))


class GetFaceDetectionRequestSchema(OperationRequest):
    JobId = fields.String(**JOB_ID)
    MaxResults = fields.Integer(validate=validate.Range(min=1))
    NextToken = fields.String(**TOKEN)


class GetFaceSearchRequestSchema(GetFaceDetectionRequestSchema):
    SortBy = fields.String(validate=validate.OneOf(["INDEX", "TIMESTAMP"]))
