"""PersonDirectory on the wire: the bodies its routes read, what they answer, and the directory
scope of identify (personIds, dynamicPersonGroupId).

Bodies are read loosely and checked by the service in Azure's words; the metadata types them for
the OpenAPI document. Person bodies, face queries and paging are the collections' own schemas.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from server.domain.person_directory import (
    ALL_PERSONS,
    PERSON_IDS_MAX,
    DirectoryScope,
    check_group_id,
    check_person_ids,
)
from server.errors import BadArgument
from server.schemas.base import ReplySchema, WireSchema, required
from server.schemas.collections import NAME, USER_DATA

PERSON_ID = {"type": "string", "format": "uuid"}
GROUP_ID = {"type": "string", "pattern": "^[a-z0-9-_]{1,64}$"}


def person_id_list(description: str) -> dict[str, Any]:
    return {"type": "array", "items": PERSON_ID, "minItems": 1, "description": description}


class DynamicPersonGroupCreateSchema(WireSchema):
    """Azure's CreateDynamicPersonGroup, and CreateDynamicPersonGroupWithPerson when addPersonIds is given."""

    name = fields.Raw(load_default=None, metadata=required(NAME))
    userData = fields.Raw(load_default=None, metadata=USER_DATA)
    addPersonIds = fields.Raw(load_default=None, metadata=person_id_list(
        "Persons the new group references; the answer is then 202 with an operation to poll."))


class DynamicPersonGroupUpdateSchema(WireSchema):
    """Azure's UpdateDynamicPersonGroup, and UpdateDynamicPersonGroupWithPersonChanges."""

    name = fields.Raw(load_default=None, metadata=NAME)
    userData = fields.Raw(load_default=None, metadata=USER_DATA)
    addPersonIds = fields.Raw(load_default=None, metadata=person_id_list("Persons to add (202 when any change)."))
    removePersonIds = fields.Raw(load_default=None, metadata=person_id_list("Persons to remove."))


class PersonDirectoryPersonSchema(ReplySchema):
    omit_when_none = frozenset({"userData"})

    personId = fields.UUID(required=True, attribute="person_id")
    name = fields.String(required=True)
    userData = fields.String(attribute="user_data")


class ListFaceResultSchema(ReplySchema):
    """A person's persisted faces of one recognition model."""

    personId = fields.UUID(required=True, attribute="person_id")
    persistedFaceIds = fields.List(fields.UUID(), required=True, attribute="face_ids")


class DynamicPersonGroupSchema(ReplySchema):
    omit_when_none = frozenset({"userData"})

    dynamicPersonGroupId = fields.String(required=True, attribute="group_id")
    name = fields.String(required=True)
    userData = fields.String(attribute="user_data")


class ListPersonResultSchema(ReplySchema):
    """The persons a dynamic person group references, in id order."""

    personIds = fields.List(fields.UUID(), required=True, attribute="person_ids")


class ListGroupReferenceResultSchema(ReplySchema):
    """The dynamic person groups that reference a person, in id order."""

    dynamicPersonGroupIds = fields.List(fields.String(), required=True, attribute="group_ids")


IDENTIFY_PERSON_IDS = {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": PERSON_IDS_MAX,
                       "description": 'PersonDirectory persons to search, or ["*"] for the whole directory.'}
IDENTIFY_GROUP_ID = {**GROUP_ID, "description": "A dynamic person group whose persons to search."}


def directory_scope(person_ids: Any, group_id: Any) -> DirectoryScope | None:
    """The PersonDirectory scope an identify body names, None when it names none; Azure's code when
    it names both."""
    if person_ids is None and group_id is None:
        return None
    if person_ids is not None and group_id is not None:
        raise incompatible_scopes()
    if group_id is not None:
        if not isinstance(group_id, str):
            raise BadArgument("Dynamic person group ID is invalid.")
        return DirectoryScope(group_id=check_group_id(group_id, code=BadArgument.code))
    if not isinstance(person_ids, list) or not 1 <= len(person_ids) <= PERSON_IDS_MAX:
        raise BadArgument("The length of personIds is not in a valid range.")
    if ALL_PERSONS in person_ids:
        if len(person_ids) > 1:
            raise BadArgument('personIds is ["*"] alone (the whole directory) or a list of person IDs.')
        return DirectoryScope()
    return DirectoryScope(person_ids=check_person_ids(person_ids, field="personIds"))


def incompatible_scopes() -> BadArgument:
    return BadArgument("Incompatible identification scope parameters are present in the request.",
                       code="IncompatibleIdentificationScopeParametersCombination")
