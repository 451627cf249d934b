"""Collection operations (PersonGroup, LargePersonGroup, FaceList, LargeFaceList), one function each,
named as Azure names them; the kind's rules say which codes, messages and limits apply."""

from __future__ import annotations

import dataclasses
import uuid

from redis import Redis

from server.domain import collections as rules_of
from server.domain.clock import format_time, now
from server.domain.collections import KindRules, PersistedFaceNotFound, PersonNotFound
from server.domain.deployments import Sku
from server.domain.detection import DetectionModel, RecognitionModel
from server.errors import BadArgument, InvalidImage
from server.store.collections import CollectionRecord, CollectionStore, FaceRecordInCollection, PersonRecord
from server.store.snapshots import SnapshotStore
from server.store.training import TrainingStore
from server.vision import detector
from server.vision.images import decode_image


@dataclasses.dataclass(frozen=True)
class Scope:
    """Where a collection call runs: one deployment of one tenant, and which kind of collection."""

    redis: Redis
    deployment_id: str
    sku: Sku
    rules: KindRules

    @property
    def store(self) -> CollectionStore:
        return CollectionStore(self.redis, self.deployment_id, self.rules)

    @property
    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.redis, self.deployment_id, self.rules.kind.value)

    @property
    def limits(self) -> rules_of.Limits:
        return self.rules.limits[self.sku]


# collections --------------------------------------------------------------------------------

def create_collection(scope: Scope, collection_id: str, name: object, user_data: object,
                      recognition_model: RecognitionModel) -> None:
    record = CollectionRecord(
        collection_id=rules_of.check_collection_id(scope.rules, collection_id),
        name=str(rules_of.check_name(name, required=True)),
        user_data=rules_of.check_user_data(user_data),
        recognition_model=recognition_model.value,
        created=format_time(now()),
    )
    scope.store.create(record, max_collections=scope.limits.collections)


def get_collection(scope: Scope, collection_id: str) -> CollectionRecord:
    rules_of.check_collection_id(scope.rules, collection_id)
    record = scope.store.get(collection_id)
    if record is None:
        raise scope.rules.not_found()
    return record


def list_collections(scope: Scope, start: str | None, top: str | None) -> list[CollectionRecord]:
    after, count = rules_of.check_page(start, top) if scope.rules.paged else (None, rules_of.PAGE_SIZE_MAX)
    return scope.store.list_collections(after, count)


def update_collection(scope: Scope, collection_id: str, name: object, user_data: object) -> None:
    rules_of.check_collection_id(scope.rules, collection_id)
    if name is None and user_data is None:
        raise BadArgument("Both 'name' and 'userData' are empty.")
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = str(rules_of.check_name(name, required=True))
    if (checked := rules_of.check_user_data(user_data)) is not None:
        changes["userData"] = checked
    if not scope.store.update(collection_id, changes):
        raise scope.rules.not_found()


def delete_collection(scope: Scope, collection_id: str) -> None:
    rules_of.check_collection_id(scope.rules, collection_id)
    blocks = scope.snapshots.block_keys(collection_id, scope.snapshots.pointer(collection_id))
    operations = TrainingStore(scope.redis, scope.deployment_id, scope.rules.kind.value).operation_keys(collection_id)
    if not scope.store.delete(collection_id, blocks + operations):
        raise scope.rules.not_found()


# persons ------------------------------------------------------------------------------------

def create_person(scope: Scope, collection_id: str, name: object, user_data: object) -> str:
    get_collection(scope, collection_id)
    person_id = str(uuid.uuid4())
    scope.store.create_person(
        collection_id, person_id, str(rules_of.check_name(name, required=True)), rules_of.check_user_data(user_data),
        max_persons=scope.limits.members_per_collection,
        max_persons_in_deployment=scope.limits.members_per_deployment,
    )
    return person_id


def get_person(scope: Scope, collection_id: str, person_id: str) -> PersonRecord:
    get_collection(scope, collection_id)
    person = scope.store.get_person(collection_id, rules_of.check_person_id(person_id))
    if person is None:
        raise PersonNotFound()
    return person


def list_persons(scope: Scope, collection_id: str, start: str | None, top: str | None) -> list[PersonRecord]:
    get_collection(scope, collection_id)
    after, count = rules_of.check_page(start, top)
    return scope.store.list_persons(collection_id, after, count)


def update_person(scope: Scope, collection_id: str, person_id: str, name: object, user_data: object) -> None:
    person = get_person(scope, collection_id, person_id)
    if name is None and user_data is None:
        raise BadArgument("Both 'name' and 'userData' are empty.")
    updated = dataclasses.replace(
        person,
        name=person.name if name is None else str(rules_of.check_name(name, required=True)),
        user_data=person.user_data if user_data is None else rules_of.check_user_data(user_data),
    )
    scope.store.update_person(collection_id, updated)


def delete_person(scope: Scope, collection_id: str, person_id: str) -> None:
    get_collection(scope, collection_id)
    scope.store.delete_person(collection_id, rules_of.check_person_id(person_id))


# persisted faces ----------------------------------------------------------------------------

def add_face(scope: Scope, collection_id: str, person_id: str | None, image: bytes, *, target_face: str | None,
             detection_model: DetectionModel, user_data: object) -> str:
    """Detect the one face (or take `targetFace`), embed it and keep it; Azure refuses images with
    no face or with more than one when no target is given."""
    get_collection(scope, collection_id)
    if person_id is not None:
        person_id = rules_of.check_person_id(person_id)
        if scope.store.get_person(collection_id, person_id) is None:
            raise PersonNotFound()
    checked_user_data = rules_of.check_user_data(user_data, rules_of.FACE_USER_DATA_MAX)
    pixels = decode_image(image).pixels
    target = rules_of.parse_target_face(target_face, pixels.shape[1], pixels.shape[0])
    if target is not None:
        box = detector.FaceBox(*target)
    else:
        boxes = detector.detect_faces(pixels, detection_model)
        if not boxes:
            raise InvalidImage("No face detected in the image.")
        if len(boxes) > 1:
            raise InvalidImage("There is more than 1 face in the image.")
        box = boxes[0]
    face_id = str(uuid.uuid4())
    scope.store.add_face(collection_id, face_id, detector.embed(pixels, box), person_id=person_id,
                         user_data=checked_user_data, max_faces=_faces_limit(scope))
    return face_id


def _faces_limit(scope: Scope) -> int:
    if scope.rules.has_persons:
        return rules_of.FACES_PER_PERSON
    return scope.limits.members_per_collection


def get_face(scope: Scope, collection_id: str, person_id: str | None, face_id: str) -> FaceRecordInCollection:
    if person_id is not None:
        person = get_person(scope, collection_id, person_id)
    else:
        get_collection(scope, collection_id)
    face = scope.store.get_face(collection_id, rules_of.check_persisted_face_id(face_id))
    if face is None or (person_id is not None and face.person_id != person.person_id):
        raise PersistedFaceNotFound()
    return face


def list_faces(scope: Scope, collection_id: str, start: str | None, top: str | None) -> list[FaceRecordInCollection]:
    get_collection(scope, collection_id)
    if not scope.rules.paged:
        return scope.store.all_faces(collection_id)
    after, count = rules_of.check_page(start, top)
    return scope.store.list_faces(collection_id, after, count)


def update_face(scope: Scope, collection_id: str, person_id: str | None, face_id: str, user_data: object) -> None:
    face = get_face(scope, collection_id, person_id, face_id)
    checked = rules_of.check_user_data(user_data, rules_of.FACE_USER_DATA_MAX)
    scope.store.update_face(collection_id, dataclasses.replace(face, user_data=checked))


def delete_face(scope: Scope, collection_id: str, person_id: str | None, face_id: str) -> None:
    if person_id is not None:
        person_id = get_person(scope, collection_id, person_id).person_id
    else:
        get_collection(scope, collection_id)
    scope.store.delete_face(collection_id, rules_of.check_persisted_face_id(face_id), person_id=person_id)
