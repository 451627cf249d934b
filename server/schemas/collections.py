"""Collections on the wire: bodies and query strings the routes read, and what they answer.

Bodies are read loosely (the service checks them with Azure's messages); the metadata types them
for the OpenAPI document.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.training import TrainingStatus
from server.schemas.base import WireSchema, required

NAME = {"type": "string", "minLength": 1, "maxLength": 128}
USER_DATA = {"type": "string", "maxLength": 16384}
FACE_USER_DATA = {"type": "string", "maxLength": 1024}
RECOGNITION_MODELS = [model.value for model in RecognitionModel]


class CollectionCreateSchema(WireSchema):
    name = fields.Raw(load_default=None, metadata=required(NAME))
    userData = fields.Raw(load_default=None, metadata=USER_DATA)
    recognitionModel = fields.Raw(load_default=None, metadata={"type": "string", "enum": RECOGNITION_MODELS,
                                                               "default": "recognition_01"})


class NameAndUserDataSchema(WireSchema):
    """Update of a collection or person: name, userData or both."""

    name = fields.Raw(load_default=None, metadata=NAME)
    userData = fields.Raw(load_default=None, metadata=USER_DATA)


class PersonCreateSchema(WireSchema):
    name = fields.Raw(load_default=None, metadata=required(NAME))
    userData = fields.Raw(load_default=None, metadata=USER_DATA)


class FaceUserDataSchema(WireSchema):
    userData = fields.Raw(load_default=None, metadata=FACE_USER_DATA)


class ReturnRecognitionModelQuerySchema(WireSchema):
    returnRecognitionModel = fields.Boolean(load_default=False)


class PageQuerySchema(WireSchema):
    start = fields.String(load_default=None, metadata={"maxLength": 64, "description": "List items after this id."})
    top = fields.String(load_default=None, metadata={"type": "integer", "minimum": 1, "maximum": 1000,
                                                     "default": 1000})


class CollectionPageQuerySchema(PageQuerySchema):
    returnRecognitionModel = fields.Boolean(load_default=False)


class AddFaceQuerySchema(WireSchema):
    targetFace = fields.String(load_default=None, metadata={
        "description": "left,top,width,height of the face to add, when the image holds several."})
    detectionModel = fields.String(load_default=None, metadata={
        "enum": [model.value for model in DetectionModel], "default": "detection_01"})
    userData = fields.String(load_default=None, metadata=FACE_USER_DATA)


class PersistedFaceSchema(Schema):
    persistedFaceId = fields.UUID(required=True)
    userData = fields.String()


class PersonSchema(Schema):
    personId = fields.UUID(required=True)
    name = fields.String(required=True)
    userData = fields.String()
    persistedFaceIds = fields.List(fields.UUID(), required=True)


class CreatePersonResultSchema(Schema):
    personId = fields.UUID(required=True)


class AddFaceResultSchema(Schema):
    persistedFaceId = fields.UUID(required=True)


class TrainingResultSchema(Schema):
    status = fields.String(required=True, metadata={"enum": [s.value for s in TrainingStatus] + ["notstarted"],
                                                    "description": "notstarted (v1.0) or notStarted."})
    createdDateTime = fields.DateTime(required=True)
    lastActionDateTime = fields.DateTime(required=True)
    lastSuccessfulTrainingDateTime = fields.DateTime(required=True, allow_none=True)
    message = fields.String(required=True, allow_none=True)


class OperationResultSchema(Schema):
    operationId = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in TrainingStatus]))
    createdTime = fields.DateTime(required=True)
    lastActionTime = fields.DateTime(required=True)
    finishedTime = fields.DateTime(required=True, allow_none=True)
    message = fields.String(required=True, allow_none=True)


def _collection_schema(rules: KindRules) -> type[Schema]:
    shape: dict[str, fields.Field] = {
        rules.id_field: fields.String(required=True),
        "name": fields.String(required=True),
        "userData": fields.String(),
        "recognitionModel": fields.String(validate=validate.OneOf(RECOGNITION_MODELS), metadata={
            "description": "Present when returnRecognitionModel=true."}),
    }
    if rules.kind is CollectionKind.FACE_LIST:
        shape["persistedFaces"] = fields.List(fields.Nested(PersistedFaceSchema))
    return Schema.from_dict(shape, name=rules.code)


COLLECTION_SCHEMAS: dict[CollectionKind, type[Schema]] = {kind: _collection_schema(rules) for kind, rules in
                                                          RULES.items()}
