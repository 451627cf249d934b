"""What detect answers, dumped from the detection service's DetectedFace records."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.domain.detection import RecognitionModel
from server.schemas.base import ReplySchema

LANDMARK_NAMES = (
    "pupilLeft", "pupilRight", "noseTip", "mouthLeft", "mouthRight", "eyebrowLeftOuter", "eyebrowLeftInner",
    "eyeLeftOuter", "eyeLeftTop", "eyeLeftBottom", "eyeLeftInner", "eyebrowRightInner", "eyebrowRightOuter",
    "eyeRightInner", "eyeRightTop", "eyeRightBottom", "eyeRightOuter", "noseRootLeft", "noseRootRight",
    "noseLeftAlarTop", "noseRightAlarTop", "noseLeftAlarOutTip", "noseRightAlarOutTip", "upperLipTop",
    "upperLipBottom", "underLipTop", "underLipBottom",
)

LEVELS = ["low", "medium", "high"]


class FaceRectangleSchema(Schema):
    top = fields.Integer(required=True)
    left = fields.Integer(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


class LandmarkCoordinateSchema(Schema):
    x = fields.Float(required=True)
    y = fields.Float(required=True)


FaceLandmarksSchema = Schema.from_dict(
    {name: fields.Nested(LandmarkCoordinateSchema, required=True) for name in LANDMARK_NAMES},
    name="FaceLandmarks",
)


class HeadPoseSchema(Schema):
    pitch = fields.Float(required=True)
    roll = fields.Float(required=True)
    yaw = fields.Float(required=True)


class BlurSchema(Schema):
    blurLevel = fields.String(required=True, validate=validate.OneOf(LEVELS))
    value = fields.Float(required=True, validate=validate.Range(0, 1))


class ExposureSchema(Schema):
    exposureLevel = fields.String(required=True, validate=validate.OneOf(
        ["underExposure", "goodExposure", "overExposure"]))
    value = fields.Float(required=True, validate=validate.Range(0, 1))


class NoiseSchema(Schema):
    noiseLevel = fields.String(required=True, validate=validate.OneOf(LEVELS))
    value = fields.Float(required=True, validate=validate.Range(0, 1))


class FaceAttributesSchema(Schema):
    headPose = fields.Nested(HeadPoseSchema)
    blur = fields.Nested(BlurSchema)
    exposure = fields.Nested(ExposureSchema)
    noise = fields.Nested(NoiseSchema)
    qualityForRecognition = fields.String(validate=validate.OneOf(LEVELS))


class DetectedFaceSchema(ReplySchema):
    omit_when_none = frozenset({"faceId", "recognitionModel", "faceLandmarks", "faceAttributes"})

    faceId = fields.UUID(attribute="face_id", metadata={
        "description": "Present unless returnFaceId=false; expires after faceIdTimeToLive seconds."})
    recognitionModel = fields.String(attribute="recognition_model",
                                     validate=validate.OneOf([m.value for m in RecognitionModel]))
    faceRectangle = fields.Nested(FaceRectangleSchema, required=True, attribute="face_rectangle")
    faceLandmarks = fields.Nested(FaceLandmarksSchema, attribute="face_landmarks")
    faceAttributes = fields.Nested(FaceAttributesSchema, attribute="face_attributes")


class ImageUrlSchema(Schema):
    url = fields.String(required=True, metadata={"format": "uri", "description": "A public http(s) URL of a "
                                                  "JPEG, PNG, GIF or BMP image between 1 KB and 6 MB."})
