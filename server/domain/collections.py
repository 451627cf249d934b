"""Collections: PersonGroup, LargePersonGroup, FaceList and LargeFaceList, and Rekognition's
collections.

The kinds differ only in data (names, error codes and messages, limits, whether they hold
persons, train, or page), so one table describes them and every layer reads it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import uuid

from server.domain.deployments import Sku
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.errors import BadArgument, Conflict, Forbidden, Kind, NotFound

ID_PATTERN = re.compile(r"^[a-z0-9-_]{1,64}$")
"""Azure: collection ids are 1 to 64 lower-case letters, digits, '-' or '_'."""

REKOGNITION_ID_PATTERN = re.compile(r"^[a-zA-Z0-9_.\-]{1,255}$")
"""Rekognition: a CollectionId is 1 to 255 letters, digits, '_', '.' or '-'."""

NAME_MAX = 128
COLLECTION_USER_DATA_MAX = 16_384
FACE_USER_DATA_MAX = 1_024
FACES_PER_PERSON = 248
"""Azure: at most 248 persisted faces per person."""

PAGE_SIZE_MAX = 1000
"""Azure: `top` is 1 to 1000, default 1000."""

START_MAX = 64
"""Azure: 'start' "contains no more than 64 characters"."""


class CollectionKind(enum.Enum):
    PERSON_GROUP = "persongroups"
    LARGE_PERSON_GROUP = "largepersongroups"
    FACE_LIST = "facelists"
    LARGE_FACE_LIST = "largefacelists"
    REKOGNITION_COLLECTION = "rekognitioncollections"


@dataclasses.dataclass(frozen=True)
class Limits:
    collections: int
    members_per_collection: int
    members_per_deployment: int | None


@dataclasses.dataclass(frozen=True)
class ErrorCodes:
    """Azure's error codes for one kind, written out so that a search for any of them finds it."""

    not_found: str
    exists: str
    training_not_finished: str
    not_trained: str


@dataclasses.dataclass(frozen=True)
class KindRules:
    kind: CollectionKind
    id_field: str  # the wire name of its id: personGroupId, largeFaceListId, ...
    type_name: str  # PersonGroup, LargeFaceList, ...: its name in the OpenAPI document
    noun: str  # "Person group", "Large face list", ...: start of the error messages
    codes: ErrorCodes
    has_persons: bool
    trainable: bool
    paged: bool
    limits: dict[Sku, Limits]
    id_pattern: re.Pattern[str] = ID_PATTERN

    @property
    def invalid_id_message(self) -> str:
        return f"{self.noun} ID is invalid."

    def not_found(self, kind: Kind = Kind.NOT_FOUND) -> NotFound:
        return NotFound(f"{self.noun} is not found.", code=self.codes.not_found, kind=kind)

    def exists(self) -> Conflict:
        return Conflict(f"{self.noun} already exists.", code=self.codes.exists)

    def under_training(self) -> Conflict:
        return Conflict(f"{self.noun} is under training.", code=self.codes.training_not_finished)

    def not_trained(self, kind: Kind) -> NotFound:
        return NotFound(f"{self.noun} not trained.", code=self.codes.not_trained, kind=kind)


RULES: dict[CollectionKind, KindRules] = {
    CollectionKind.PERSON_GROUP: KindRules(
        CollectionKind.PERSON_GROUP, "personGroupId", "PersonGroup", "Person group",
        ErrorCodes("PersonGroupNotFound", "PersonGroupExists", "PersonGroupTrainingNotFinished",
                   "PersonGroupNotTrained"),
        has_persons=True, trainable=True, paged=True,
        limits={Sku.F0: Limits(1000, 1000, 1000), Sku.S0: Limits(1_000_000, 10_000, 100_000_000)},
    ),
    CollectionKind.LARGE_PERSON_GROUP: KindRules(
        CollectionKind.LARGE_PERSON_GROUP, "largePersonGroupId", "LargePersonGroup", "Large person group",
        ErrorCodes("LargePersonGroupNotFound", "LargePersonGroupExists", "LargePersonGroupTrainingNotFinished",
                   "LargePersonGroupNotTrained"),
        has_persons=True, trainable=True, paged=True,
        limits={Sku.F0: Limits(1000, 1000, 1000), Sku.S0: Limits(1_000_000, 1_000_000, 1_000_000_000)},
    ),
    CollectionKind.FACE_LIST: KindRules(
        CollectionKind.FACE_LIST, "faceListId", "FaceList", "Face list",
        ErrorCodes("FaceListNotFound", "FaceListExists", "FaceListTrainingNotFinished", "FaceListNotTrained"),
        has_persons=False, trainable=False, paged=False,
        limits={Sku.F0: Limits(64, 1000, None), Sku.S0: Limits(64, 1000, None)},
    ),
    CollectionKind.LARGE_FACE_LIST: KindRules(
        CollectionKind.LARGE_FACE_LIST, "largeFaceListId", "LargeFaceList", "Large face list",
        ErrorCodes("LargeFaceListNotFound", "LargeFaceListExists", "LargeFaceListTrainingNotFinished",
                   "LargeFaceListNotTrained"),
        has_persons=False, trainable=True, paged=True,
        limits={Sku.F0: Limits(64, 1000, None), Sku.S0: Limits(1_000_000, 1_000_000, None)},
    ),
    CollectionKind.REKOGNITION_COLLECTION: KindRules(
        CollectionKind.REKOGNITION_COLLECTION, "CollectionId", "RekognitionCollection", "Collection",
        ErrorCodes("ResourceNotFoundException", "ResourceAlreadyExistsException", "ResourceInUseException",
                   "ResourceNotReadyException"),
        has_persons=False, trainable=False, paged=True,
        limits={Sku.F0: Limits(64, 1000, None), Sku.S0: Limits(1000, 100_000, None)},
        id_pattern=REKOGNITION_ID_PATTERN,
    ),
}
"""Azure's quotas per SKU (identity-quotas-limits): collections per resource, members (persons or
faces) per collection, and persons per resource where Azure counts them.

Rekognition collections have no training step, so every search reads the whole collection's
embeddings (about 50 MB at 100,000 faces): Visage caps them at 100,000 faces (AWS allows 20
million) and a deployment at 1,000 of them; F0 keeps the face lists' limits."""


@dataclasses.dataclass(frozen=True)
class PersistedFace:
    face_id: str
    person_id: str | None
    user_data: str | None
    provenance: Provenance = NO_PROVENANCE
    """The content credentials of the image the face was added from; faces added before Visage read
    them have none."""
    details: str | None = None
    """What a surface keeps with a face beyond Azure's fields, as JSON (a Rekognition face's
    ExternalImageId, ImageId, bounding box and confidence)."""

    def to_json(self) -> str:
        extra = {"details": self.details} if self.details is not None else {}
        return json.dumps({"personId": self.person_id, "userData": self.user_data, **self.provenance.to_json(),
                           **extra})


@dataclasses.dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    user_data: str | None
    face_ids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Collection:
    collection_id: str
    name: str
    user_data: str | None
    recognition_model: str
    created: str
    persisted_faces: tuple[PersistedFace, ...] = ()
    """Filled in only where a face list is read whole (GET of a FaceList answers its faces)."""


class PersonNotFound(NotFound):
    code = "PersonNotFound"
    message = "Person is not found."


class PersistedFaceNotFound(NotFound):
    code = "PersistedFaceNotFound"
    message = "Persisted face is not found."


class QuotaExceeded(Forbidden):
    code = "QuotaExceeded"


def check_collection_id(rules: KindRules, collection_id: str) -> str:
    if not rules.id_pattern.fullmatch(collection_id):
        raise BadArgument(rules.invalid_id_message)
    return collection_id


def check_person_id(person_id: str) -> str:
    """Person ids are UUIDs; anything else is a person that cannot exist."""
    try:
        return str(uuid.UUID(person_id))
    except ValueError:
        raise PersonNotFound("Person ID is invalid.") from None


def check_persisted_face_id(face_id: str) -> str:
    try:
        return str(uuid.UUID(face_id))
    except ValueError:
        raise PersistedFaceNotFound("Persisted face ID is invalid.") from None


def check_name(name: object, *, required: bool) -> str | None:
    if name is None and not required:
        return None
    if not isinstance(name, str) or name == "":
        raise BadArgument("'name' is empty.")
    if len(name) > NAME_MAX:
        raise BadArgument("'name' is too long.")
    return name


def check_user_data(user_data: object, limit: int = COLLECTION_USER_DATA_MAX) -> str | None:
    if user_data is None:
        return None
    if not isinstance(user_data, str):
        raise BadArgument("'userData' is invalid.")
    if len(user_data) > limit:
        raise BadArgument("'userData' is too long.")
    return user_data


def name_and_user_data_changes(name: object, user_data: object) -> dict[str, str]:
    """The fields an update of a collection or a person sets; Azure's BadArgument when it sets neither."""
    if name is None and user_data is None:
        raise BadArgument("Both 'name' and 'userData' are empty.")
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = str(check_name(name, required=True))
    if (checked := check_user_data(user_data)) is not None:
        changes["userData"] = checked
    return changes


INTEGER = re.compile(r"[ \t]*[+-]?[0-9]+[ \t]*")
"""An integer in a query string, as Azure's .NET service reads one: ASCII digits, a sign, spaces
around them. Python's int() also takes '1_0' and other scripts' digits."""


def parse_integer(text: str) -> int | None:
    return int(text) if INTEGER.fullmatch(text) else None


def check_page(start: str | None, top: str | None) -> tuple[str | None, int]:
    if start is not None and len(start) > START_MAX:
        raise BadArgument("'start' is too long.")
    if top is None or top == "":
        return start or None, PAGE_SIZE_MAX
    count = parse_integer(top)
    if count is None or not 1 <= count <= PAGE_SIZE_MAX:
        raise BadArgument("'top' is invalid.")
    return start or None, count


def parse_target_face(text: str | None, width: int, height: int) -> tuple[int, int, int, int] | None:
    """`targetFace=left,top,width,height` inside the image, or None when absent."""
    if text is None or text == "":
        return None
    parts = text.split(",")
    numbers = [number for part in parts if (number := parse_integer(part)) is not None]
    if len(parts) != 4 or len(numbers) != 4:
        raise BadArgument("Invalid argument targetFace.")
    left, top, box_width, box_height = numbers
    if left < 0 or top < 0 or box_width <= 0 or box_height <= 0 or left + box_width > width \
            or top + box_height > height:
        raise BadArgument("Argument targetFace out of range.")
    return left, top, box_width, box_height
