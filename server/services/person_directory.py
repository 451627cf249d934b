"""PersonDirectory operations, one function each, for a caller (a tenant through one deployment).

Azure answers some directory writes with 202 and an operation to poll: creating and deleting a
person, adding and deleting a face, and creating, changing the persons of, or deleting a dynamic
person group. Visage makes each of these writes before it answers, and keeps an operation record
that has already succeeded, at the same /operations URL as training:
- every check that can fail (the body, the image, the face, the quota, the terms of use) answers
  on the call itself, with Azure's code, and nothing is changed; what is left is one atomic Redis
  script, so there is no state in between for a poller to see or for a worker to lose;
- a client that polls, as the official clients do, sees `succeeded` on its first poll; a client
  that does not (and identifies at once) is right too, which Azure only promises once it succeeded;
- the terms of use decide once, on the call, with the image in hand: a queued job would have to
  carry the image through Redis and decide again on nothing new.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np
from redis import Redis

from server.domain import collections as collection_rules
from server.domain import matching
from server.domain import person_directory as rules
from server.domain.callers import Caller
from server.domain.clock import format_time, now
from server.domain.collections import PersistedFace, PersistedFaceNotFound, PersonNotFound, QuotaExceeded
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.domain.person_directory import (
    Accepted,
    DirectoryPerson,
    DirectoryScope,
    DynamicPersonGroup,
    GroupReferences,
    MembershipChange,
    PersonFaces,
    PersonIds,
)
from server.domain.recognition import Candidate, Identification, Verification
from server.domain.training import TrainingRun
from server.errors import Kind
from server.services.collections import enrolment_embedding
from server.services.provenance import ImageEvidence
from server.services.recognition import owned_faces, verify_against
from server.store.person_directory import DirectoryStore
from server.store.training import keep_operation

OPERATION_KIND = "persondirectory"
"""What a directory operation record says it changed (training records name a collection kind)."""

T = TypeVar("T")


def _store(redis: Redis, caller: Caller) -> DirectoryStore:
    return DirectoryStore(redis, caller.deployment_id)


def _accepted(redis: Redis, caller: Caller, value: T, subject: str) -> Accepted[T]:
    """`value`, with the record of an operation that succeeded now, for clients to poll."""
    run = TrainingRun.completed(str(uuid.uuid4()), now())
    keep_operation(redis, caller.deployment_id, run.to_record(), kind=OPERATION_KIND, subject=subject)
    return Accepted(value, run.operation_id)


# persons ------------------------------------------------------------------------------------

def create_person(redis: Redis, caller: Caller, name: object, user_data: object) -> Accepted[DirectoryPerson]:
    person = DirectoryPerson(str(uuid.uuid4()), str(collection_rules.check_name(name, required=True)),
                             collection_rules.check_user_data(user_data))
    if not _store(redis, caller).create_person(person, max_persons=rules.PERSONS_PER_DEPLOYMENT[
            caller.deployment.sku]):
        raise QuotaExceeded("Person number reached subscription level limit.")
    return _accepted(redis, caller, person, f"persons/{person.person_id}")


def get_person(redis: Redis, caller: Caller, person_id: str) -> DirectoryPerson:
    person = _store(redis, caller).get_person(collection_rules.check_person_id(person_id))
    if person is None:
        raise PersonNotFound()
    return person


def list_persons(redis: Redis, caller: Caller, start: str | None, top: str | None) -> list[DirectoryPerson]:
    after, count = collection_rules.check_page(start, top)
    return _store(redis, caller).list_persons(rules.check_start_person(after), count)


def update_person(redis: Redis, caller: Caller, person_id: str, name: object, user_data: object) -> None:
    person = get_person(redis, caller, person_id)
    if not _store(redis, caller).update_person(person.person_id,
                                                collection_rules.name_and_user_data_changes(name, user_data)):
        raise PersonNotFound()


def delete_person(redis: Redis, caller: Caller, person_id: str) -> Accepted[None]:
    """The person, its faces of every model, and its place in every dynamic person group."""
    person_id = collection_rules.check_person_id(person_id)
    if not _store(redis, caller).delete_person(person_id):
        raise PersonNotFound()
    return _accepted(redis, caller, None, f"persons/{person_id}")


def list_group_references(redis: Redis, caller: Caller, person_id: str, start: str | None,
                          top: str | None) -> GroupReferences:
    person = get_person(redis, caller, person_id)
    after, count = collection_rules.check_page(start, top)
    return GroupReferences(tuple(_store(redis, caller).person_groups(person.person_id, after, count)))


# faces --------------------------------------------------------------------------------------

def add_person_face(redis: Redis, caller: Caller, person_id: str, recognition_model: str, image: ImageEvidence, *,
                    target_face: str | None, detection_model: DetectionModel,
                    user_data: object) -> Accepted[PersistedFace]:
    """Embed the image's one face (or `targetFace`) and keep it, with its provenance, among the
    person's faces of that recognition model."""
    model = rules.check_model(recognition_model)
    person = get_person(redis, caller, person_id)
    checked_user_data = collection_rules.check_user_data(user_data, collection_rules.FACE_USER_DATA_MAX)
    embedding = enrolment_embedding(image, target_face, detection_model)
    face = PersistedFace(str(uuid.uuid4()), person.person_id, checked_user_data, image.provenance)
    outcome = _store(redis, caller).add_face(model, face, embedding, max_faces=rules.FACES_PER_PERSON_PER_MODEL)
    if outcome == "no-person":
        raise PersonNotFound()  # deleted while its face was being embedded
    if outcome == "quota":
        raise QuotaExceeded("Persisted face number reached limit.")
    return _accepted(redis, caller, face, f"persons/{person.person_id}/{model.value}/{face.face_id}")


def list_person_faces(redis: Redis, caller: Caller, person_id: str, recognition_model: str) -> PersonFaces:
    model = rules.check_model(recognition_model)
    person = get_person(redis, caller, person_id)
    return PersonFaces(person.person_id, _store(redis, caller).face_ids(model, person.person_id))


def get_person_face(redis: Redis, caller: Caller, person_id: str, recognition_model: str,
                    face_id: str) -> PersistedFace:
    model = rules.check_model(recognition_model)
    person = get_person(redis, caller, person_id)
    face = _store(redis, caller).get_face(model, collection_rules.check_persisted_face_id(face_id))
    if face is None or face.person_id != person.person_id:
        raise PersistedFaceNotFound()
    return face


def update_person_face(redis: Redis, caller: Caller, person_id: str, recognition_model: str, face_id: str,
                       user_data: object) -> None:
    face = get_person_face(redis, caller, person_id, recognition_model, face_id)
    if not _store(redis, caller).update_face(rules.check_model(recognition_model), face.face_id,
                                              collection_rules.check_user_data(user_data,
                                                                               collection_rules.FACE_USER_DATA_MAX)):
        raise PersistedFaceNotFound()


def delete_person_face(redis: Redis, caller: Caller, person_id: str, recognition_model: str,
                       face_id: str) -> Accepted[None]:
    model = rules.check_model(recognition_model)
    person_id = collection_rules.check_person_id(person_id)
    outcome = _store(redis, caller).delete_face(model, person_id, collection_rules.check_persisted_face_id(face_id))
    if outcome == "no-person":
        raise PersonNotFound()
    if outcome == "no-face":
        raise PersistedFaceNotFound()
    return _accepted(redis, caller, None, f"persons/{person_id}/{model.value}/{face_id}")


# dynamic person groups ----------------------------------------------------------------------

def create_dynamic_person_group(redis: Redis, caller: Caller, group_id: str, name: object, user_data: object,
                                add_person_ids: object) -> Accepted[DynamicPersonGroup]:
    """A group, referencing the persons named when any are (Azure then answers 202)."""
    group = DynamicPersonGroup(rules.check_group_id(group_id), str(collection_rules.check_name(name, required=True)),
                               collection_rules.check_user_data(user_data), format_time(now()))
    members = () if add_person_ids is None else rules.check_person_ids(add_person_ids, field="addPersonIds")
    outcome = _store(redis, caller).create_group(group, members)
    if outcome == "exists":
        raise rules.group_exists(group.group_id)
    _refuse_missing_person(outcome)
    if add_person_ids is None:
        return Accepted(group, None)
    return _accepted(redis, caller, group, f"dynamicpersongroups/{group.group_id}")


def _refuse_missing_person(outcome: str) -> None:
    if outcome.startswith("no-person:"):
        raise rules.person_not_found(outcome.removeprefix("no-person:"))


def get_dynamic_person_group(redis: Redis, caller: Caller, group_id: str) -> DynamicPersonGroup:
    group = _store(redis, caller).get_group(rules.check_group_id(group_id))
    if group is None:
        raise rules.DynamicPersonGroupNotFound()
    return group


def list_dynamic_person_groups(redis: Redis, caller: Caller, start: str | None,
                               top: str | None) -> list[DynamicPersonGroup]:
    after, count = collection_rules.check_page(start, top)
    return _store(redis, caller).list_groups(after, count)


def update_dynamic_person_group(redis: Redis, caller: Caller, group_id: str, name: object, user_data: object,
                                add_person_ids: object, remove_person_ids: object) -> Accepted[DynamicPersonGroup]:
    """Rename it, change its userData, add and remove persons (Azure answers 202 when persons change)."""
    rules.check_group_id(group_id)
    change = MembershipChange(
        () if add_person_ids is None else rules.check_person_ids(add_person_ids, field="addPersonIds"),
        () if remove_person_ids is None else rules.check_person_ids(remove_person_ids, field="removePersonIds"))
    changes = {}
    if change.empty or name is not None or user_data is not None:
        changes = collection_rules.name_and_user_data_changes(name, user_data)
    outcome = _store(redis, caller).update_group(group_id, changes, change.add, change.remove)
    if outcome == "no-group":
        raise rules.DynamicPersonGroupNotFound()
    _refuse_missing_person(outcome)
    if outcome.startswith("no-reference:"):
        raise rules.reference_not_found(group_id, outcome.removeprefix("no-reference:"))
    group = get_dynamic_person_group(redis, caller, group_id)
    if change.empty:
        return Accepted(group, None)
    return _accepted(redis, caller, group, f"dynamicpersongroups/{group_id}")


def delete_dynamic_person_group(redis: Redis, caller: Caller, group_id: str) -> Accepted[None]:
    """The group and its references; the persons stay in the directory."""
    if not _store(redis, caller).delete_group(rules.check_group_id(group_id)):
        raise rules.DynamicPersonGroupNotFound()
    return _accepted(redis, caller, None, f"dynamicpersongroups/{group_id}")


def list_dynamic_person_group_persons(redis: Redis, caller: Caller, group_id: str, start: str | None,
                                      top: str | None) -> PersonIds:
    group = get_dynamic_person_group(redis, caller, group_id)
    after, count = collection_rules.check_page(start, top)
    return PersonIds(tuple(_store(redis, caller).group_persons(group.group_id, rules.check_start_person(after),
                                                               count)))


# recognition --------------------------------------------------------------------------------

def identify(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], scope: DirectoryScope, *,
             max_candidates: int, threshold: float) -> list[Identification]:
    """Identify against the persons named, those a dynamic person group references, or the whole
    directory; no training is needed (Visage's writes are done when they answer)."""
    probes = owned_faces(caller, faces, kind=Kind.INVALID)
    model = rules.distinct_models([probe.recognition_model for probe in probes])
    store = _store(redis, caller)
    candidates: Sequence[str] | None = None
    if scope.group_id is not None:
        if store.get_group(scope.group_id) is None:
            raise rules.group_not_found_for_identify()
        candidates = store.group_persons(scope.group_id)
    elif scope.person_ids is not None:
        missing = set(scope.person_ids) - set(store.existing_persons(scope.person_ids))
        if missing:
            raise PersonNotFound(f"Person {min(missing)} is not found.", kind=Kind.INVALID)
        candidates = scope.person_ids
    return identify_among(store, probes, model, candidates, max_candidates=max_candidates, threshold=threshold)


def identify_among(store: DirectoryStore, probes: Sequence[FaceRecord], model: RecognitionModel,
                   person_ids: Sequence[str] | None, *, max_candidates: int,
                   threshold: float) -> list[Identification]:
    """The persons among `person_ids` (None: every person of the directory) whose closest face of
    `model` is most like each probe: an exact search over their faces as they are now. This is the
    one place a search index for large directories would answer instead."""
    batches = store.scan_faces(model) if person_ids is None else store.faces_of(model, person_ids)
    persons, starts, rows = _gather(store, model, batches)
    if not persons:
        return [Identification(probe.face_id, ()) for probe in probes]
    matrix = np.stack(rows)
    results = matching.identify(np.stack([probe.embedding for probe in probes]), matrix,
                                np.einsum("ij,ij->i", matrix, matrix), np.asarray(starts, dtype=np.int64),
                                max_candidates=max_candidates, threshold=threshold)
    return [Identification(probe.face_id, tuple(Candidate(persons[match.index], match.confidence)
                                                for match in matches))
            for probe, matches in zip(probes, results, strict=True)]


def _gather(store: DirectoryStore, model: RecognitionModel, batches: Iterable[list[tuple[str, tuple[str, ...]]]],
            ) -> tuple[list[str], list[int], list[np.ndarray]]:
    """Persons with at least one stored face, the first row of each, and the rows grouped by person."""
    persons: list[str] = []
    starts: list[int] = []
    rows: list[np.ndarray] = []
    for batch in batches:
        vectors = iter(store.embeddings(model, [face_id for _, face_ids in batch for face_id in face_ids]))
        for person_id, face_ids in batch:
            present = [vector for vector in (next(vectors) for _ in face_ids) if vector is not None]
            if present:
                persons.append(person_id)
                starts.append(len(rows))
                rows.extend(present)
    return persons, starts, rows


def verify(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], person_id: str) -> Verification:
    """A face against a directory person's faces of the face's recognition model, as they are now."""
    (face,) = owned_faces(caller, faces, kind=Kind.NOT_FOUND)
    model = rules.distinct_models([face.recognition_model])
    person = get_person(redis, caller, person_id)
    store = _store(redis, caller)
    return verify_against(face, store.embeddings(model, store.face_ids(model, person.person_id)))
