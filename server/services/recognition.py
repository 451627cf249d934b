"""Recognition: verify, identify, find similar, group. Same confidence map everywhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from redis import Redis

from server.domain import face_index, matching, similarity
from server.domain.clock import now
from server.domain.collections import RULES, CollectionKind, KindRules, PersistedFaceNotFound, PersonNotFound
from server.domain.deployments import Sku
from server.domain.faces import FaceRecord, owned_face
from server.errors import BadArgument, Kind, NotFound
from server.services.collections import Scope
from server.store.faces import FaceRepository
from server.store.snapshots import Snapshot
from server.store.training import TrainingStore

INCOMPATIBLE = "'recognitionModel' is incompatible."


@dataclasses.dataclass(frozen=True)
class Caller:
    redis: Redis
    tenant_id: str
    deployment_id: str
    sku: Sku
    faces: FaceRepository

    def scope(self, kind: CollectionKind) -> Scope:
        return Scope(self.redis, self.deployment_id, self.sku, RULES[kind])


def load_faces(caller: Caller, face_ids: Sequence[str], *, kind: Kind) -> list[FaceRecord]:
    """This tenant's faceIds, in order; FaceNotFound (404 or 400, as the operation says) otherwise."""
    return [owned_face(record, caller.tenant_id, kind=kind) for record in caller.faces.get_many(list(face_ids))]


def same_model(faces: Sequence[FaceRecord], recognition_model: str | None = None) -> None:
    models = {face.recognition_model.value for face in faces}
    if recognition_model is not None:
        models.add(recognition_model)
    if len(models) > 1:
        raise BadArgument(INCOMPATIBLE)


def compatible_collection(scope: Scope, collection_id: str, faces: Sequence[FaceRecord]) -> None:
    """The collection a recognition call names exists (400 ...NotFound, as Azure answers there) and
    shares the faces' recognition model."""
    collection = scope.store.get(collection_id)
    if collection is None:
        raise scope.rules.not_found(Kind.INVALID)
    same_model(faces, collection.recognition_model)


def verify_face_to_face(caller: Caller, face_id1: str, face_id2: str) -> dict[str, Any]:
    first, second = load_faces(caller, [face_id1, face_id2], kind=Kind.NOT_FOUND)
    same_model([first, second])
    return _verification(similarity.distance(first.embedding, second.embedding))


def verify_face_to_person(caller: Caller, face_id: str, kind: CollectionKind, collection_id: str,
                          person_id: str) -> dict[str, Any]:
    """Against the person's current faces: no training needed, as on Azure."""
    (face,) = load_faces(caller, [face_id], kind=Kind.NOT_FOUND)
    scope = caller.scope(kind)
    compatible_collection(scope, collection_id, [face])
    person = scope.store.get_person(collection_id, person_id)
    if person is None:
        raise PersonNotFound(kind=Kind.NOT_FOUND)
    vectors = [v for v in scope.store.embeddings(collection_id, list(person.face_ids)) if v is not None]
    if not vectors:
        raise PersistedFaceNotFound("No persisted face of the person is found.")
    nearest = float(matching.distances(face.embedding, np.stack(vectors)).min())
    return _verification(nearest)


def _verification(distance: float) -> dict[str, Any]:
    confidence = similarity.confidence_from_distance(distance)
    return {"isIdentical": similarity.is_identical(confidence), "confidence": confidence}


def _trained_snapshot(scope: Scope, collection_id: str, faces: Sequence[FaceRecord]) -> Snapshot:
    """The last successful snapshot; 400 not trained, or 409 when the first training still runs."""
    compatible_collection(scope, collection_id, faces)
    snapshot = scope.snapshots.load(collection_id)
    if snapshot is not None:
        return snapshot
    run = TrainingStore(scope.redis, scope.deployment_id, scope.rules.kind.value).latest(collection_id)
    if run is not None and run.blocks_new_training(now()):
        raise scope.rules.under_training()
    raise _not_trained(scope.rules)


def _not_trained(rules: KindRules) -> NotFound:
    if rules.kind is CollectionKind.LARGE_FACE_LIST:
        return NotFound("Large face list is not trained.", code="LargeFaceListNotTrained", kind=Kind.INVALID)
    return rules.not_trained(Kind.INVALID)


def identify(caller: Caller, face_ids: Sequence[str], kind: CollectionKind, collection_id: str, *,
             max_candidates: int, threshold: float) -> list[dict[str, Any]]:
    faces = load_faces(caller, face_ids, kind=Kind.INVALID)
    scope = caller.scope(kind)
    snapshot = _trained_snapshot(scope, collection_id, faces)
    queries = np.stack([face.embedding for face in faces])
    results = face_index.identify(snapshot, queries, max_candidates=max_candidates, threshold=threshold)
    return [
        {"faceId": face.face_id,
         "candidates": [{"personId": snapshot.person_id(m.index), "confidence": m.confidence} for m in matches]}
        for face, matches in zip(faces, results, strict=True)
    ]


def find_similar_in_faces(caller: Caller, face_id: str, candidate_ids: Sequence[str], *, max_candidates: int,
                          match_person: bool) -> list[dict[str, Any]]:
    query, *candidates = load_faces(caller, [face_id, *candidate_ids], kind=Kind.INVALID)
    same_model([query, *candidates])
    matrix = np.stack([c.embedding for c in candidates]).astype(np.float32)
    matches = matching.find_similar(query.embedding, matrix, None, max_candidates=max_candidates,
                                    match_person=match_person)
    return [{"faceId": candidates[m.index].face_id, "confidence": m.confidence} for m in matches]


def find_similar_in_list(caller: Caller, face_id: str, kind: CollectionKind, collection_id: str, *,
                         max_candidates: int, match_person: bool) -> list[dict[str, Any]]:
    (query,) = load_faces(caller, [face_id], kind=Kind.INVALID)
    scope = caller.scope(kind)
    if kind is CollectionKind.LARGE_FACE_LIST:
        snapshot = _trained_snapshot(scope, collection_id, [query])
        matches = matching.find_similar(query.embedding, snapshot.matrix, snapshot.squared_norms,
                                        max_candidates=max_candidates, match_person=match_person)
        return [{"persistedFaceId": snapshot.face_id(m.index), "confidence": m.confidence} for m in matches]
    compatible_collection(scope, collection_id, [query])
    faces = scope.store.all_faces(collection_id)
    vectors = scope.store.embeddings(collection_id, [face.face_id for face in faces])
    present = [(face.face_id, vector) for face, vector in zip(faces, vectors, strict=True) if vector is not None]
    if not present:
        raise BadArgument("Face list is empty.", code="FaceListNotReady")
    matches = matching.find_similar(query.embedding, np.stack([v for _, v in present]), None,
                                    max_candidates=max_candidates, match_person=match_person)
    return [{"persistedFaceId": present[m.index][0], "confidence": m.confidence} for m in matches]


def group(caller: Caller, face_ids: Sequence[str]) -> dict[str, Any]:
    unique = list(dict.fromkeys(face_ids))
    faces = load_faces(caller, unique, kind=Kind.INVALID)
    same_model(faces)
    groups, messy = matching.group(np.stack([face.embedding for face in faces]))
    return {"groups": [[unique[i] for i in members] for members in groups], "messyGroup": [unique[i] for i in messy]}
