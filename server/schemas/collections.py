"""Collections on the wire: bodies and query strings the routes read, and what they answer.

Bodies are read loosely (the service checks them with Azure's messages); the metadata types them
for the OpenAPI document. Answers are dumped from the domain's Collection, Person, PersistedFace
and TrainingRun records.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.domain.collections import RULES, CollectionKind, KindRules
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.training import TrainingStatus
from server.schemas.base import ReplySchema, Time, WireSchema, required

NAME = {"type": "string", "minLength": 1, "maxLength": 128}
USER_DATA = {"type": "string", "maxLength": 16384}
FACE_USER_DATA = {"type": "string", "maxLength": 1024}
RECOGNITION_MODELS = [model.value for model in RecognitionModel]


class CollectionCreateSchema(WireSchema):
    name = fields.Raw(load_default=None, metadata=required({**NAME, "example": "Staff"}))
    userData = fields.Raw(load_default=None, metadata={**USER_DATA, "example": "Everyone with a badge"})
    recognitionModel = fields.Raw(load_default=None, metadata={"type": "string", "enum": RECOGNITION_MODELS,
                                                               "default": "recognition_01",
                                                               "example": "recognition_04"})


class NameAndUserDataSchema(WireSchema):
    """Update of a collection or person: name, userData or both."""

    name = fields.Raw(load_default=None, metadata={**NAME, "example": "Front desk staff"})
    userData = fields.Raw(load_default=None, metadata={**USER_DATA, "example": "Updated after the reorganization"})


class PersonCreateSchema(WireSchema):
    name = fields.Raw(load_default=None, metadata=required({**NAME, "example": "Barack Obama"}))
    userData = fields.Raw(load_default=None, metadata={**USER_DATA, "example": "employee 1017"})


class FaceUserDataSchema(WireSchema):
    userData = fields.Raw(load_default=None, metadata={**FACE_USER_DATA, "example": "badge photo, 2024"})


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


class PersistedFaceSchema(ReplySchema):
    omit_when_none = frozenset({"userData"})

    persistedFaceId = fields.UUID(required=True, attribute="face_id")
    userData = fields.String(attribute="user_data")


class PersonSchema(ReplySchema):
    omit_when_none = frozenset({"userData"})

    personId = fields.UUID(required=True, attribute="person_id")
    name = fields.String(required=True)
    userData = fields.String(attribute="user_data")
    persistedFaceIds = fields.List(fields.UUID(), required=True, attribute="face_ids")


class CreatePersonResultSchema(ReplySchema):
    personId = fields.UUID(required=True, attribute="person_id")


class AddFaceResultSchema(ReplySchema):
    persistedFaceId = fields.UUID(required=True, attribute="face_id")


class TrainingResultSchema(ReplySchema):
    status = fields.String(required=True, metadata={"enum": [s.value for s in TrainingStatus] + ["notstarted"],
                                                    "description": "notstarted (v1.0) or notStarted."})
    createdDateTime = Time(required=True, attribute="created")
    lastActionDateTime = Time(required=True, attribute="last_action")
    lastSuccessfulTrainingDateTime = Time(required=True, allow_none=True, attribute="last_success")
    message = fields.String(required=True, allow_none=True)


class OperationResultSchema(ReplySchema):
    operationId = fields.UUID(required=True, attribute="operation_id")
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in TrainingStatus]))
    createdTime = Time(required=True, attribute="created")
    lastActionTime = Time(required=True, attribute="last_action")
    finishedTime = Time(required=True, allow_none=True, attribute="finished")
    message = fields.String(required=True, allow_none=True)


def _collection_schema(rules: KindRules) -> type[Schema]:
    shape: dict[str, fields.Field] = {
        rules.id_field: fields.String(required=True, attribute="collection_id"),
        "name": fields.String(required=True),
        "userData": fields.String(attribute="user_data"),
        "recognitionModel": fields.String(validate=validate.OneOf(RECOGNITION_MODELS), attribute="recognition_model",
                                          metadata={"description": "Present when returnRecognitionModel=true."}),
    }
    if rules.kind is CollectionKind.FACE_LIST:
        shape["persistedFaces"] = fields.List(fields.Nested(PersistedFaceSchema), attribute="persisted_faces")
    schema: type[Schema] = type(rules.type_name, (ReplySchema,), {
        **shape, "omit_when_none": frozenset({"userData"}), "__doc__": f"A {rules.noun.lower()}."})
    return schema


COLLECTION_SCHEMAS: dict[CollectionKind, type[Schema]] = {kind: _collection_schema(rules) for kind, rules in
                                                          RULES.items()}
