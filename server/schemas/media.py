"""The media API's redactions: what a create call reads (query, JSON body, multipart form) and what
the redaction routes answer, dumped from server/services/redactions.py's records."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from server.domain.media_jobs import JobStatus, MediaSource, SourceKind
from server.domain.redaction import RedactionMethod
from server.schemas.base import ReplySchema, Time, WireSchema
from server.schemas.faces import FaceRectangleSchema

METHODS = [method.value for method in RedactionMethod]

S3_OBJECT = {"type": "object", "required": ["bucket", "key"], "properties": {
    "bucket": {"type": "string"}, "key": {"type": "string"},
    "version": {"type": "string", "description": "A version of a versioned bucket's object."}}}


class RedactionOptionsSchema(WireSchema):
    """The options of a redaction: in the query string, or in the JSON body or the form beside the
    media (the same option given twice must have one value)."""

    method = fields.String(metadata={
        "enum": METHODS, "description": "How faces are hidden (default blur)."})
    output = fields.String(metadata={
        "pattern": "^s3://", "description": "s3://bucket/key: write the redacted file to this S3 object instead of "
                                           "keeping it for download."})


class RedactionRequestSchema(RedactionOptionsSchema):
    """Media named by a URL or an S3 object, rather than sent as the body."""

    url = fields.String(metadata={
        "description": "An http(s) URL of the image or video (public addresses only, at most 256 MB), or an s3:// "
                       "URI."})
    s3 = fields.Raw(metadata={
        "oneOf": [S3_OBJECT, {"type": "string", "pattern": "^s3://"}],
        "description": "An S3 object, {bucket, key, version?} or s3://bucket/key, read with the server's AWS "
                       "credentials from VISAGE_S3_ENDPOINT_URL (AWS when unset)."})


class RedactionFormSchema(RedactionOptionsSchema):
    """A multipart upload: the file, and the options as form fields."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "The image or video."})


class RedactionOutputSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["file", "s3"]), metadata={
        "description": "file: kept for download at resultLocation; s3: written to `uri`."})
    fileName = fields.String()
    uri = fields.String()
    versionId = fields.String(allow_none=True)


class TrackBoundingBoxSchema(Schema):
    """Rekognition's convention: fractions of the frame's width and height."""

    width = fields.Float(required=True)
    height = fields.Float(required=True)
    left = fields.Float(required=True)
    top = fields.Float(required=True)


class TrackedFaceSchema(Schema):
    frame = fields.Integer(required=True)
    timestampMs = fields.Integer(required=True)
    faceRectangle = fields.Nested(FaceRectangleSchema, required=True)
    boundingBox = fields.Nested(TrackBoundingBoxSchema, required=True)


class FaceTrackSchema(Schema):
    """One face followed through the video: where it was detected, and the frames it was hidden on
    (`coveredFrames`, first and last, inclusive: between and around the detections)."""

    index = fields.Integer(required=True)
    startMs = fields.Integer(required=True)
    endMs = fields.Integer(required=True)
    coveredFrames = fields.List(fields.Integer(), required=True, validate=validate.Length(equal=2))
    faces = fields.List(fields.Nested(TrackedFaceSchema), required=True)


class RedactionResultSchema(Schema):
    """What was redacted: a video's frames, duration and codecs and how many faces were tracked, or
    an image's faces; and where the redacted file is."""

    mediaType = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    frames = fields.Integer()
    fps = fields.Float()
    durationMs = fields.Integer()
    codec = fields.String(metadata={"description": "FFmpeg's name of the output's video codec."})
    sourceCodec = fields.String()
    faceTrackCount = fields.Integer(attribute="faceTracks")
    faces = fields.List(fields.Nested(FaceRectangleSchema), metadata={"description": "An image's faces."})
    output = fields.Nested(RedactionOutputSchema, required=True)


class RedactionSchema(ReplySchema):
    """A redaction job. `percentComplete` grows while it runs; a video's `faceTracks` come with
    success."""

    omit_when_none = frozenset({"result", "resultLocation", "faceTracks", "error"})

    id = fields.UUID(required=True, attribute="job.job_id")
    status = fields.String(required=True, validate=validate.OneOf([status.value for status in JobStatus]),
                           attribute="job.status")
    percentComplete = fields.Integer(required=True, validate=validate.Range(0, 100), attribute="job.percent_complete")
    method = fields.String(required=True, validate=validate.OneOf(METHODS), attribute="job.method")
    input = fields.Method("_input", required=True, metadata={
        "type": "object", "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": ["upload", "url", "s3"]}, "url": {"type": "string"}, "s3": S3_OBJECT}})
    createdDateTime = Time(required=True, attribute="job.created")
    lastActionDateTime = Time(required=True, attribute="job.last_action")
    finishedDateTime = Time(required=True, allow_none=True, attribute="job.finished")
    result = fields.Nested(RedactionResultSchema, attribute="job.result", allow_none=True)
    resultLocation = fields.String(attribute="result_location", allow_none=True, metadata={
        "description": "Where to download the redacted file (GET, same key), once it is ready."})
    faceTracks = fields.List(fields.Nested(FaceTrackSchema), attribute="tracks", allow_none=True)
    error = fields.Method("_error", allow_none=True, metadata={"type": "object", "required": ["code", "message"],
                                                               "properties": {"code": {"type": "string"},
                                                                              "message": {"type": "string"}}})

    def _input(self, redaction: Any) -> dict[str, Any]:
        source: MediaSource = redaction.job.source
        if source.kind is SourceKind.URL:
            return {"kind": "url", "url": source.url}
        if source.kind is SourceKind.S3:
            s3 = {"bucket": source.bucket, "key": source.key}
            return {"kind": "s3", "s3": s3 | ({"version": source.version} if source.version else {})}
        return {"kind": "upload"}

    def _error(self, redaction: Any) -> dict[str, str] | None:
        error: dict[str, str] | None = redaction.job.to_public().get("error")
        return error
