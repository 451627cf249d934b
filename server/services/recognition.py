"""Recognition: verify, identify, find similar, group. Same confidence map everywhere.

The view reads the call's faceIds once (`find_faces`), the terms of use decide on them, and the
operation here uses the same records: a faceId that is unknown, expired or another tenant's is
FaceNotFound, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from redis import Redis

from server.domain import face_index, matching, similarity
from server.domain.callers import Caller
from server.domain.clock import now
from server.domain.collections import CollectionKind, KindRules, PersistedFaceNotFound, PersonNotFound
from server.domain.faces import FaceRecord, owned_face
from server.domain.recognition import Candidate, FaceGroups, Identification, SimilarFace, Verification
from server.errors import BadArgument, Kind, NotFound
from server.services.collections import Scope
from server.store.faces import FaceRepository
from server.store.snapshots import Snapshot

INCOMPATIBLE = "'recognitionModel' is incompatible."


def find_faces(redis: Redis, face_ids: Sequence[str]) -> list[FaceRecord | None]:
    """The stored faceIds a call names, in its order (None where unknown or expired)."""
    return FaceRepository(redis).get_many(face_ids)


def owned_faces(caller: Caller, faces: Sequence[FaceRecord | None], *, kind: Kind) -> list[FaceRecord]:
    """This tenant's faces, in order; FaceNotFound (404 or 400, as the operation says) otherwise."""
    return [owned_face(record, caller.tenant_id, kind=kind) for record in faces]


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


def verify_face_to_face(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None]) -> Verification:
    first, second = owned_faces(caller, faces, kind=Kind.NOT_FOUND)
    same_model([first, second])
    return Verification.from_distance(similarity.distance(first.embedding, second.embedding))


def verify_face_to_person(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], kind: CollectionKind,
                          collection_id: str, person_id: str) -> Verification:
    """Against the person's current faces: no training needed, as on Azure."""
    (face,) = owned_faces(caller, faces, kind=Kind.NOT_FOUND)
    scope = Scope.of(redis, caller, kind)
    compatible_collection(scope, collection_id, [face])
    person = scope.store.get_person(collection_id, person_id)
    if person is None:
        raise PersonNotFound(kind=Kind.NOT_FOUND)
    return verify_against(face, scope.store.embeddings(collection_id, list(person.face_ids)))


def verify_against(face: FaceRecord, person_faces: Sequence[np.ndarray | None]) -> Verification:
    """A face against the closest of a person's faces as they are now (None: deleted meanwhile)."""
    vectors = [vector for vector in person_faces if vector is not None]
    if not vectors:
        raise PersistedFaceNotFound("No persisted face of the person is found.")
    return Verification.from_distance(float(matching.distances(face.embedding, np.stack(vectors)).min()))


def _trained_snapshot(scope: Scope, collection_id: str, faces: Sequence[FaceRecord]) -> Snapshot:
    """The last successful snapshot; 400 not trained, or 409 when the first training still runs."""
    compatible_collection(scope, collection_id, faces)
    snapshot = scope.snapshots.load(collection_id)
    if snapshot is not None:
        return snapshot
    run = scope.trainings.latest(collection_id)
    if run is not None and run.blocks_new_training(now()):
        raise scope.rules.under_training()
    raise _not_trained(scope.rules)


def _not_trained(rules: KindRules) -> NotFound:
    if rules.kind is CollectionKind.LARGE_FACE_LIST:
        return NotFound("Large face list is not trained.", code=rules.codes.not_trained, kind=Kind.INVALID)
    return rules.not_trained(Kind.INVALID)


def identify(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], kind: CollectionKind,
             collection_id: str, *, max_candidates: int, threshold: float) -> list[Identification]:
    probes = owned_faces(caller, faces, kind=Kind.INVALID)
    snapshot = _trained_snapshot(Scope.of(redis, caller, kind), collection_id, probes)
    if snapshot.person_starts is None or snapshot.rows == 0:
        return [Identification(face.face_id, ()) for face in probes]
    queries = np.stack([face.embedding for face in probes])
    results = face_index.identify(snapshot, queries, max_candidates=max_candidates, threshold=threshold)
    return [
        Identification(face.face_id, tuple(Candidate(snapshot.person_id(m.index), m.confidence) for m in matches))
        for face, matches in zip(probes, results, strict=True)
    ]


def find_similar_in_faces(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], *, max_candidates: int,
                          match_person: bool) -> list[SimilarFace]:
    """Among faceIds: the first face is the query, the others the candidates."""
    query, *candidates = owned_faces(caller, faces, kind=Kind.INVALID)
    same_model([query, *candidates])
    matrix = np.stack([c.embedding for c in candidates]).astype(np.float32)
    matches = matching.find_similar(query.embedding, matrix, None, max_candidates=max_candidates,
                                    match_person=match_person)
    return [SimilarFace(m.confidence, face_id=candidates[m.index].face_id) for m in matches]


def find_similar_in_list(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None], kind: CollectionKind,
                         collection_id: str, *, max_candidates: int, match_person: bool) -> list[SimilarFace]:
    (query,) = owned_faces(caller, faces, kind=Kind.INVALID)
    scope = Scope.of(redis, caller, kind)
    if kind is CollectionKind.LARGE_FACE_LIST:
        snapshot = _trained_snapshot(scope, collection_id, [query])
        matches = matching.find_similar(query.embedding, snapshot.matrix, snapshot.squared_norms,
                                        max_candidates=max_candidates, match_person=match_person)
        return [SimilarFace(m.confidence, persisted_face_id=snapshot.face_id(m.index)) for m in matches]
    compatible_collection(scope, collection_id, [query])
    members = scope.store.all_faces(collection_id)
    vectors = scope.store.embeddings(collection_id, [face.face_id for face in members])
    present = [(face.face_id, vector) for face, vector in zip(members, vectors, strict=True) if vector is not None]
    if not present:
        raise BadArgument("Face list is empty.", code="FaceListNotReady")
    matches = matching.find_similar(query.embedding, np.stack([v for _, v in present]), None,
                                    max_candidates=max_candidates, match_person=match_person)
    return [SimilarFace(m.confidence, persisted_face_id=present[m.index][0]) for m in matches]


def group(redis: Redis, caller: Caller, faces: Sequence[FaceRecord | None]) -> FaceGroups:
    """The faces (each once) split into groups of one person and a messy group of the rest."""
    members = owned_faces(caller, faces, kind=Kind.INVALID)
    same_model(members)
    groups, messy = matching.group(np.stack([face.embedding for face in members]))
    ids = [face.face_id for face in members]
    return FaceGroups(tuple(tuple(ids[i] for i in cluster) for cluster in groups), tuple(ids[i] for i in messy))
