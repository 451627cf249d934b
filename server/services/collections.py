"""Collection operations (PersonGroup, LargePersonGroup, FaceList, LargeFaceList), one function each.

Every function acts for a caller (a tenant through one of its deployments) on one kind of
collection; the kind's rules say which codes, messages and limits apply.
"""

from __future__ import annotations

import dataclasses
import uuid

import numpy as np
from redis import Redis

from server.domain import collections as rules_of
from server.domain.callers import Caller
from server.domain.clock import format_time, now
from server.domain.collections import (
    RULES,
    Collection,
    CollectionKind,
    KindRules,
    PersistedFace,
    PersistedFaceNotFound,
    Person,
    PersonNotFound,
)
from server.domain.deployments import Sku
from server.domain.detection import DetectionModel, RecognitionModel
from server.errors import InvalidImage
from server.services.provenance import ImageEvidence
from server.store.collections import CollectionStore
from server.store.snapshots import SnapshotStore
from server.store.training import TrainingStore
from server.vision import detector


@dataclasses.dataclass(frozen=True)
class Scope:
    """Where a collection call runs: one deployment's collections of one kind."""

    redis: Redis
    deployment_id: str
    sku: Sku
    rules: KindRules

    @classmethod
    def of(cls, redis: Redis, caller: Caller, kind: CollectionKind) -> Scope:
        return cls(redis, caller.deployment_id, caller.deployment.sku, RULES[kind])

    @property
    def store(self) -> CollectionStore:
        return CollectionStore(self.redis, self.deployment_id, self.rules)

    @property
    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.redis, self.deployment_id, self.rules.kind.value)

    @property
    def trainings(self) -> TrainingStore:
        return TrainingStore(self.redis, self.deployment_id, self.rules.kind.value)

    @property
    def limits(self) -> rules_of.Limits:
        return self.rules.limits[self.sku]


# collections --------------------------------------------------------------------------------

def create_collection(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, name: object,
                      user_data: object, recognition_model: RecognitionModel) -> Collection:
    scope = Scope.of(redis, caller, kind)
    record = Collection(
        collection_id=rules_of.check_collection_id(scope.rules, collection_id),
        name=str(rules_of.check_name(name, required=True)),
        user_data=rules_of.check_user_data(user_data),
        recognition_model=recognition_model.value,
        created=format_time(now()),
    )
    scope.store.create(record, max_collections=scope.limits.collections)
    return record


def get_collection(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str) -> Collection:
    """The collection; a FaceList comes with its persisted faces, as Azure's GET answers them."""
    scope = Scope.of(redis, caller, kind)
    record = _existing(scope, collection_id)
    if kind is CollectionKind.FACE_LIST:
        record = dataclasses.replace(record, persisted_faces=tuple(scope.store.all_faces(collection_id)))
    return record


def _existing(scope: Scope, collection_id: str) -> Collection:
    rules_of.check_collection_id(scope.rules, collection_id)
    record = scope.store.get(collection_id)
    if record is None:
        raise scope.rules.not_found()
    return record


def list_collections(redis: Redis, caller: Caller, kind: CollectionKind, start: str | None,
                     top: str | None) -> list[Collection]:
    scope = Scope.of(redis, caller, kind)
    after, count = rules_of.check_page(start, top) if scope.rules.paged else (None, rules_of.PAGE_SIZE_MAX)
    return scope.store.list_collections(after, count)


def update_collection(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, name: object,
                      user_data: object) -> Collection:
    scope = Scope.of(redis, caller, kind)
    rules_of.check_collection_id(scope.rules, collection_id)
    if not scope.store.update(collection_id, rules_of.name_and_user_data_changes(name, user_data)):
        raise scope.rules.not_found()
    return _existing(scope, collection_id)


def delete_collection(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str) -> None:
    scope = Scope.of(redis, caller, kind)
    rules_of.check_collection_id(scope.rules, collection_id)
    blocks = scope.snapshots.block_keys(collection_id, scope.snapshots.pointer(collection_id))
    if not scope.store.delete(collection_id, blocks + scope.trainings.operation_keys(collection_id)):
        raise scope.rules.not_found()


# persons ------------------------------------------------------------------------------------

def create_person(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, name: object,
                  user_data: object) -> Person:
    scope = Scope.of(redis, caller, kind)
    _existing(scope, collection_id)
    person = Person(str(uuid.uuid4()), str(rules_of.check_name(name, required=True)),
                    rules_of.check_user_data(user_data))
    scope.store.create_person(
        collection_id, person.person_id, person.name, person.user_data,
        max_persons=scope.limits.members_per_collection,
        max_persons_in_deployment=scope.limits.members_per_deployment,
    )
    return person


def get_person(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str) -> Person:
    return _existing_person(Scope.of(redis, caller, kind), collection_id, person_id)


def _existing_person(scope: Scope, collection_id: str, person_id: str) -> Person:
    _existing(scope, collection_id)
    person = scope.store.get_person(collection_id, rules_of.check_person_id(person_id))
    if person is None:
        raise PersonNotFound()
    return person


def list_persons(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, start: str | None,
                 top: str | None) -> list[Person]:
    scope = Scope.of(redis, caller, kind)
    _existing(scope, collection_id)
    after, count = rules_of.check_page(start, top)
    return scope.store.list_persons(collection_id, after, count)


def update_person(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str,
                  name: object, user_data: object) -> None:
    scope = Scope.of(redis, caller, kind)
    person = _existing_person(scope, collection_id, person_id)
    scope.store.update_person(collection_id, person.person_id, rules_of.name_and_user_data_changes(name, user_data))


def delete_person(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str) -> None:
    scope = Scope.of(redis, caller, kind)
    _existing(scope, collection_id)
    scope.store.delete_person(collection_id, rules_of.check_person_id(person_id))


# persisted faces ----------------------------------------------------------------------------

def add_face(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str | None,
             image: ImageEvidence, *, target_face: str | None, detection_model: DetectionModel,
             user_data: object) -> PersistedFace:
    """Detect the one face (or take `targetFace`), embed it and keep it with its image's provenance;
    Azure refuses images with no face or with more than one when no target is given."""
    scope = Scope.of(redis, caller, kind)
    person_id = _owner(scope, collection_id, person_id)
    checked_user_data = rules_of.check_user_data(user_data, rules_of.FACE_USER_DATA_MAX)
    embedding = enrolment_embedding(image, target_face, detection_model)
    face = PersistedFace(str(uuid.uuid4()), person_id, checked_user_data, image.provenance)
    scope.store.add_face(collection_id, face.face_id, embedding, person_id=person_id,
                         user_data=checked_user_data, max_faces=_faces_limit(scope), provenance=image.provenance)
    return face


def enrolment_embedding(image: ImageEvidence, target_face: str | None, detection_model: DetectionModel) -> np.ndarray:
    """The embedding of the one face an add-face call enrols: the `targetFace` box, else the one face
    detected (Azure refuses an image with no face, or with more than one, when no target is given)."""
    pixels = image.pixels
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
    return detector.embed(pixels, box)


def _faces_limit(scope: Scope) -> int:
    if scope.rules.has_persons:
        return rules_of.FACES_PER_PERSON
    return scope.limits.members_per_collection


def get_face(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str | None,
             face_id: str) -> PersistedFace:
    return _existing_face(Scope.of(redis, caller, kind), collection_id, person_id, face_id)


def _owner(scope: Scope, collection_id: str, person_id: str | None) -> str | None:
    """Check that the collection, and the person when faces belong to persons, exist; the person's id."""
    if person_id is None:
        _existing(scope, collection_id)
        return None
    return _existing_person(scope, collection_id, person_id).person_id


def _existing_face(scope: Scope, collection_id: str, person_id: str | None, face_id: str) -> PersistedFace:
    person_id = _owner(scope, collection_id, person_id)
    face = scope.store.get_face(collection_id, rules_of.check_persisted_face_id(face_id))
    if face is None or (person_id is not None and face.person_id != person_id):
        raise PersistedFaceNotFound()
    return face


def list_faces(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, start: str | None,
               top: str | None) -> list[PersistedFace]:
    scope = Scope.of(redis, caller, kind)
    _existing(scope, collection_id)
    after, count = rules_of.check_page(start, top)
    return scope.store.list_faces(collection_id, after, count)


def list_person_faces(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str,
                      person_id: str) -> list[PersistedFace]:
    """The persisted faces of one person, in the order they were added (at most 248, so one page)."""
    scope = Scope.of(redis, caller, kind)
    person = _existing_person(scope, collection_id, person_id)
    return scope.store.faces(collection_id, list(person.face_ids))


def update_face(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str | None,
                face_id: str, user_data: object) -> None:
    scope = Scope.of(redis, caller, kind)
    face = _existing_face(scope, collection_id, person_id, face_id)
    scope.store.update_face(collection_id, face.face_id,
                            rules_of.check_user_data(user_data, rules_of.FACE_USER_DATA_MAX))


def delete_face(redis: Redis, caller: Caller, kind: CollectionKind, collection_id: str, person_id: str | None,
                face_id: str) -> None:
    scope = Scope.of(redis, caller, kind)
    person_id = _owner(scope, collection_id, person_id)
    scope.store.delete_face(collection_id, rules_of.check_persisted_face_id(face_id), person_id=person_id)
