"""Bodies of the recognition calls, with Azure's messages for each way they can be wrong.

Fields are read loosely by marshmallow (names case-insensitive, unknown ones ignored) and then
checked here, in Azure's order and words.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from marshmallow import fields, post_load, validate

from server.domain.collections import RULES, CollectionKind, check_collection_id
from server.domain.person_directory import DirectoryScope
from server.errors import BadArgument
from server.schemas.base import ReplySchema, WireSchema, required
from server.schemas.person_directory import (
    IDENTIFY_GROUP_ID,
    IDENTIFY_PERSON_IDS,
    directory_scope,
    incompatible_scopes,
)

DEFAULT_IDENTIFY_THRESHOLD = 0.5
"""Azure leaves the default "specified by algorithm"; Visage uses its isIdentical threshold."""


def face_id(value: Any, message: str = "Face ID is invalid.") -> str:
    if not isinstance(value, str):
        raise BadArgument(message)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadArgument(message) from None


def face_ids(value: Any, low: int, high: int) -> list[str]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise BadArgument("The length of faceIds is not in a valid range.")
    return [face_id(item) for item in value]


def bounded_int(value: Any, default: int, low: int, high: int, message: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadArgument(message)
    return value


def collection_id(value: Any, kind: CollectionKind) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadArgument(RULES[kind].invalid_id_message)
    return check_collection_id(RULES[kind], value)


FACE_ID = {"type": "string", "format": "uuid", "example": "c5c24a82-6845-4031-9d5d-978df9175426"}
COLLECTION_ID = {"type": "string", "pattern": "^[a-z0-9-_]{1,64}$", "example": "staff"}


def face_id_list(low: int, high: int) -> dict[str, Any]:
    return {"type": "array", "items": FACE_ID, "minItems": low, "maxItems": high}


def person_group_scope(data: dict[str, Any]) -> tuple[CollectionKind, str]:
    """Exactly one of personGroupId and largePersonGroupId, in Azure's words when not."""
    group = collection_id(data["personGroupId"], CollectionKind.PERSON_GROUP)
    large = collection_id(data["largePersonGroupId"], CollectionKind.LARGE_PERSON_GROUP)
    if group is not None and large is not None:
        raise BadArgument("Large person group ID and person group ID are both not null.",
                          code="PersonGroupIdAndLargePersonGroupIdBothNotNull")
    if group is not None:
        return CollectionKind.PERSON_GROUP, group
    if large is not None:
        return CollectionKind.LARGE_PERSON_GROUP, large
    raise BadArgument("Large person group ID and person group ID are both null.",
                      code="PersonGroupIdAndLargePersonGroupIdBothNull")


class _Loose(WireSchema):
    """Every declared field as raw JSON, typed for the OpenAPI document; Azure's checks and
    messages are applied in post_load."""


@dataclasses.dataclass(frozen=True)
class VerifyRequest:
    face_id1: str | None
    face_id2: str | None
    face_id: str | None
    person_id: str | None
    kind: CollectionKind | None
    collection_id: str | None
    """With faceId and personId: the (large) person group, or None for the PersonDirectory."""


class VerifySchema(_Loose):
    """Either faceId1 and faceId2, or faceId and personId, with at most one of personGroupId and
    largePersonGroupId (neither: a PersonDirectory person)."""

    faceId1 = fields.Raw(load_default=None, metadata=FACE_ID)
    faceId2 = fields.Raw(load_default=None, metadata=FACE_ID)
    faceId = fields.Raw(load_default=None, metadata=FACE_ID)
    personId = fields.Raw(load_default=None, metadata=FACE_ID)
    personGroupId = fields.Raw(load_default=None, metadata=COLLECTION_ID)
    largePersonGroupId = fields.Raw(load_default=None, metadata=COLLECTION_ID)

    @post_load
    def _check(self, data: dict[str, Any], **_: Any) -> VerifyRequest:
        if data["faceId1"] is not None or data["faceId2"] is not None:
            return VerifyRequest(face_id(data["faceId1"]), face_id(data["faceId2"]), None, None, None, None)
        probe = face_id(data["faceId"])
        person = face_id(data["personId"], "Person ID is invalid.")
        if data["personGroupId"] is None and data["largePersonGroupId"] is None:
            return VerifyRequest(None, None, probe, person, None, None)
        kind, group = person_group_scope(data)
        return VerifyRequest(None, None, probe, person, kind, group)


@dataclasses.dataclass(frozen=True)
class IdentifyRequest:
    face_ids: list[str]
    kind: CollectionKind | None
    collection_id: str | None
    max_candidates: int
    threshold: float
    directory: DirectoryScope | None = None
    """PersonDirectory persons (personIds) or a dynamic person group, instead of a (large) person group."""


class IdentifySchema(_Loose):
    faceIds = fields.Raw(load_default=None, metadata=required(face_id_list(1, 10)))
    personGroupId = fields.Raw(load_default=None, metadata=COLLECTION_ID)
    largePersonGroupId = fields.Raw(load_default=None, metadata=COLLECTION_ID)
    personIds = fields.Raw(load_default=None, metadata=IDENTIFY_PERSON_IDS)
    dynamicPersonGroupId = fields.Raw(load_default=None, metadata=IDENTIFY_GROUP_ID)
    maxNumOfCandidatesReturned = fields.Raw(load_default=None, metadata={"type": "integer", "minimum": 1,
                                                                         "maximum": 100, "default": 10})
    confidenceThreshold = fields.Raw(load_default=None, metadata={"type": "number", "minimum": 0, "maximum": 1})

    @post_load
    def _check(self, data: dict[str, Any], **_: Any) -> IdentifyRequest:
        ids = face_ids(data["faceIds"], 1, 10)
        directory = directory_scope(data["personIds"], data["dynamicPersonGroupId"])
        kind: CollectionKind | None = None
        group: str | None = None
        if directory is None:
            kind, group = person_group_scope(data)
        elif data["personGroupId"] is not None or data["largePersonGroupId"] is not None:
            raise incompatible_scopes()
        candidates = bounded_int(data["maxNumOfCandidatesReturned"], 10, 1, 100,
                                 "The argument maxNumOfCandidatesReturned is not valid.")
        threshold = data["confidenceThreshold"]
        if threshold is None:
            threshold = DEFAULT_IDENTIFY_THRESHOLD
        elif isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            raise BadArgument("The argument confidenceThreshold is not valid.")
        return IdentifyRequest(ids, kind, group, candidates, float(threshold), directory)


@dataclasses.dataclass(frozen=True)
class FindSimilarRequest:
    face_id: str
    face_ids: list[str] | None
    kind: CollectionKind | None
    collection_id: str | None
    max_candidates: int
    match_person: bool


class FindSimilarSchema(_Loose):
    """faceId, and exactly one of faceIds, faceListId, largeFaceListId."""

    faceId = fields.Raw(load_default=None, metadata=required(FACE_ID))
    faceIds = fields.Raw(load_default=None, metadata=face_id_list(1, 1000))
    faceListId = fields.Raw(load_default=None, metadata=COLLECTION_ID)
    largeFaceListId = fields.Raw(load_default=None, metadata=COLLECTION_ID)
    maxNumOfCandidatesReturned = fields.Raw(load_default=None, metadata={"type": "integer", "minimum": 1,
                                                                         "maximum": 1000, "default": 20})
    mode = fields.Raw(load_default=None, metadata={"type": "string", "enum": ["matchPerson", "matchFace"],
                                                   "default": "matchPerson"})

    @post_load
    def _check(self, data: dict[str, Any], **_: Any) -> FindSimilarRequest:
        probe = face_id(data["faceId"])
        given = [name for name in ("faceIds", "faceListId", "largeFaceListId") if data[name] is not None]
        if not given:
            raise BadArgument("LargeFaceListId, faceListId and faceIds are all null.")
        if len(given) > 1:
            raise BadArgument("2 or more of largeFaceListId, faceListId and faceIds are not null.")
        candidates = bounded_int(data["maxNumOfCandidatesReturned"], 20, 1, 1000,
                                 "The argument maxNumOfCandidatesReturned is not valid.")
        mode = data["mode"] if data["mode"] is not None else "matchPerson"
        if not isinstance(mode, str) or mode.lower() not in ("matchperson", "matchface"):
            raise BadArgument("Mode is invalid.")
        match_person = mode.lower() == "matchperson"
        if data["faceIds"] is not None:
            return FindSimilarRequest(probe, face_ids(data["faceIds"], 1, 1000), None, None, candidates,
                                      match_person)
        if data["faceListId"] is not None:
            return FindSimilarRequest(probe, None, CollectionKind.FACE_LIST,
                                      collection_id(data["faceListId"], CollectionKind.FACE_LIST), candidates,
                                      match_person)
        return FindSimilarRequest(probe, None, CollectionKind.LARGE_FACE_LIST,
                                  collection_id(data["largeFaceListId"], CollectionKind.LARGE_FACE_LIST), candidates,
                                  match_person)


class GroupSchema(_Loose):
    faceIds = fields.Raw(load_default=None, metadata=required(face_id_list(2, 1000)))

    @post_load
    def _check(self, data: dict[str, Any], **_: Any) -> list[str]:
        return face_ids(data["faceIds"], 2, 1000)


class CandidateSchema(ReplySchema):
    personId = fields.UUID(required=True, attribute="person_id")
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))


class IdentifyResultSchema(ReplySchema):
    faceId = fields.UUID(required=True, attribute="face_id")
    candidates = fields.List(fields.Nested(CandidateSchema), required=True)


class VerificationResultSchema(ReplySchema):
    isIdentical = fields.Boolean(required=True, attribute="is_identical")
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))


class SimilarFaceSchema(ReplySchema):
    omit_when_none = frozenset({"faceId", "persistedFaceId"})

    faceId = fields.UUID(attribute="face_id", metadata={"description": "When searching among faceIds."})
    persistedFaceId = fields.UUID(attribute="persisted_face_id", metadata={
        "description": "When searching a face list or large face list."})
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))


class GroupResultSchema(ReplySchema):
    groups = fields.List(fields.List(fields.UUID()), required=True)
    messyGroup = fields.List(fields.UUID(), required=True, attribute="messy_group")
