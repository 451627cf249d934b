"""PersonDirectory: persons with faces per recognition model, and dynamic person groups that
reference them, with Azure's ids, limits, codes and messages.

A deployment has one directory. Its persons need no collection and no training: their faces are
searched as they are. A dynamic person group holds no data of its own, only references to persons.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Generic, TypeVar

from server.domain.collections import ID_PATTERN, PersonNotFound
from server.domain.deployments import Sku
from server.domain.detection import RecognitionModel
from server.errors import BadArgument, Conflict, Kind, NotFound

API_VERSIONS = ("v1.1-preview.1", "v1.2-preview.1")
"""Azure serves the PersonDirectory in the previews only: its routes are 404 under v1.0 and v1.2."""

RECOGNITION_MODELS = (RecognitionModel.RECOGNITION_02, RecognitionModel.RECOGNITION_03,
                      RecognitionModel.RECOGNITION_04)
"""Azure: "PersonDirectory supports recognition_02, recognition_03 and recognition_04"."""

PERSONS_PER_DEPLOYMENT = {Sku.F0: 1_000, Sku.S0: 75_000_000}
"""Azure's quota: 1,000 persons on F0, 75 million on S0 (identity-quotas-limits)."""

FACES_PER_PERSON_PER_MODEL = 248
"""Azure: up to 248 faces per person per recognition model."""

PERSON_IDS_MAX = 30
"""Azure: identify against 1 to 30 personIds, or ["*"] for the whole directory."""

ALL_PERSONS = "*"

UNSUPPORTED_MODEL = "Recognition model is not supported for this feature."


class DynamicPersonGroupNotFound(NotFound):
    code = "DynamicPersonGroupNotFound"
    message = "Dynamic person group was not found."


def group_not_found_for_identify() -> DynamicPersonGroupNotFound:
    """Identify answers 400 with its own wording, as it does for person groups."""
    return DynamicPersonGroupNotFound("Dynamic person group is not found.", kind=Kind.INVALID)


def group_exists(group_id: str) -> Conflict:
    return Conflict(f"Dynamic person group ID {group_id} already exists.", code="DynamicPersonGroupExists")


def reference_not_found(group_id: str, person_id: str) -> DynamicPersonGroupNotFound:
    """Removing a person the group does not reference."""
    return DynamicPersonGroupNotFound(f"DynamicPersonGroupPersonReference {group_id} is not found: "
                                      f"it does not reference person {person_id}.")


def person_not_found(person_id: str) -> PersonNotFound:
    return PersonNotFound(f"Person {person_id} is not found.")


def check_group_id(group_id: str, *, code: str = DynamicPersonGroupNotFound.code) -> str:
    """Group ids follow collection ids' rules. Azure answers a bad one in a path with 400
    DynamicPersonGroupNotFound, and in an identify body with BadArgument."""
    if not ID_PATTERN.fullmatch(group_id):
        raise BadArgument("Dynamic person group ID is invalid.", code=code)
    return group_id


def check_model(text: str) -> RecognitionModel:
    """A recognition model of the directory: the path names it, exactly as Azure spells it."""
    try:
        model = RecognitionModel(text.lower())
    except ValueError:
        raise BadArgument("'recognitionModel' is invalid.") from None
    if model not in RECOGNITION_MODELS:
        raise BadArgument(UNSUPPORTED_MODEL)
    return model


def check_start_person(start: str | None) -> str | None:
    """Paging persons starts after a person id; anything else is Azure's BadArgument."""
    if start is None or start == "":
        return None
    try:
        return str(uuid.UUID(start))
    except ValueError:
        raise BadArgument("'start' is not valid person ID.") from None


def check_person_ids(values: object, *, field: str) -> tuple[str, ...]:
    """A list of person ids in a body (addPersonIds, removePersonIds), each once, in its order."""
    if not isinstance(values, list) or not values:
        raise BadArgument(f"The argument {field} is not valid: it must be a non-empty list of person IDs.")
    checked: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise BadArgument("Person ID is invalid.")
        try:
            checked.append(str(uuid.UUID(value)))
        except ValueError:
            raise BadArgument("Person ID is invalid.") from None
    return tuple(dict.fromkeys(checked))


@dataclasses.dataclass(frozen=True)
class DirectoryPerson:
    person_id: str
    name: str
    user_data: str | None


@dataclasses.dataclass(frozen=True)
class PersonFaces:
    """A person's persisted faces of one recognition model (Azure's ListFaceResult)."""

    person_id: str
    face_ids: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class DynamicPersonGroup:
    group_id: str
    name: str
    user_data: str | None
    created: str


@dataclasses.dataclass(frozen=True)
class PersonIds:
    """The persons a dynamic person group references (Azure's ListPersonResult)."""

    person_ids: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class GroupReferences:
    """The dynamic person groups that reference a person (Azure's ListGroupReferenceResult)."""

    group_ids: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MembershipChange:
    """Persons to add to and remove from a dynamic person group; one person cannot be in both."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if set(self.add) & set(self.remove):
            raise BadArgument("A person ID cannot be in both addPersonIds and removePersonIds.")

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove


@dataclasses.dataclass(frozen=True)
class DirectoryScope:
    """Whom an identify call searches in the directory: the persons named (None: every person), or
    the persons a dynamic person group references."""

    person_ids: tuple[str, ...] | None = None
    group_id: str | None = None


T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Accepted(Generic[T]):
    """A directory write that Azure answers with 202: what it made, and the long-running operation
    clients poll. Visage completes the write before answering, so the operation has succeeded."""

    value: T
    operation_id: str | None
    """None where Azure answers at once (200): a group created or renamed without person changes."""


def distinct_models(models: Sequence[RecognitionModel]) -> RecognitionModel:
    """The one recognition model of the probe faces of a directory call."""
    found = set(models)
    if len(found) != 1:
        raise BadArgument("'recognitionModel' is incompatible.")
    (model,) = found
    if model not in RECOGNITION_MODELS:
        raise BadArgument(UNSUPPORTED_MODEL)
    return model
