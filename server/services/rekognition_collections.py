"""Rekognition's collections: one more kind of collection in the same store, with its quotas and the
same isolation (a collection belongs to one deployment; another tenant's does not exist).

Faces are the same dlib embeddings as everywhere in Visage, kept with the content credentials of
the image they came from and with Rekognition's own facts (ExternalImageId, ImageId, box,
confidence). A search reads the collection's embeddings and ranks them by Similarity
(server/domain/similarity.py); there is no training step, as on Rekognition.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import numpy as np
from redis import Redis

from server.domain import matching, rekognition, similarity
from server.domain.aws_errors import (
    InvalidPaginationTokenException,
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from server.domain.callers import Caller
from server.domain.clock import parse_time
from server.domain.collections import RULES, CollectionKind, PersistedFace, PersistedFaceNotFound
from server.domain.detection import RecognitionModel
from server.domain.faces import EMBEDDING_SIZE
from server.domain.rekognition import FACE_MODEL_VERSION, QualityFilter
from server.domain.rekognition_results import (
    CollectionDescription,
    CollectionPage,
    CreatedCollection,
    DeletedCollection,
    DeletedFaces,
    FacePage,
    FaceRecord,
    FaceSearch,
    ImageSearch,
    IndexedFaces,
    UnindexedFace,
    UnsuccessfulFaceDeletion,
)
from server.domain.rekognition_shapes import Face, FaceMatch
from server.errors import Conflict
from server.services import collections
from server.services.collections import Scope
from server.services.provenance import ImageEvidence
from server.services.rekognition_images import embedding, largest_face, measure_faces
from server.store.collections import CollectionStore

KIND = CollectionKind.REKOGNITION_COLLECTION
COLLECTION_NAME = "Rekognition collection"
"""Rekognition collections have no name of their own; the store's record wants one."""


def scope(redis: Redis, caller: Caller) -> Scope:
    return Scope.of(redis, caller, KIND)


def create_collection(redis: Redis, caller: Caller, collection_id: str, tags: dict[str, str] | None, *,
                      region: str) -> CreatedCollection:
    """A new, empty collection; its tags are kept (Visage does nothing else with them)."""
    try:
        collections.create_collection(redis, caller, KIND, collection_id, COLLECTION_NAME,
                                      json.dumps({"Tags": tags}) if tags else None, RecognitionModel.RECOGNITION_04)
    except Conflict:
        raise ResourceAlreadyExistsException(f"The collection id: {collection_id} already exists") from None
    return CreatedCollection(rekognition.collection_arn(region, caller.tenant_id, collection_id), FACE_MODEL_VERSION)


def delete_collection(redis: Redis, caller: Caller, collection_id: str) -> DeletedCollection:
    """The collection and every face in it."""
    _existing(redis, caller, collection_id)
    collections.delete_collection(redis, caller, KIND, collection_id)
    return DeletedCollection()


def list_collections(redis: Redis, caller: Caller, *, next_token: str | None, max_results: int | None
                     ) -> CollectionPage:
    count = rekognition.check_count(max_results, "MaxResults", low=1, high=rekognition.MAX_RESULTS,
                                    default=rekognition.DEFAULT_PAGE)
    found = scope(redis, caller).store.list_collections(_after(next_token, COLLECTIONS_PAGE), count + 1)
    page = found[:count]
    ids = tuple(collection.collection_id for collection in page)
    more = len(found) > count
    return CollectionPage(ids, (FACE_MODEL_VERSION,) * len(ids),
                          rekognition.next_token(f"{COLLECTIONS_PAGE}/{ids[-1]}") if more else None)


def describe_collection(redis: Redis, caller: Caller, collection_id: str, *, region: str) -> CollectionDescription:
    where = _existing(redis, caller, collection_id)
    record = where.store.get(collection_id)
    if record is None:
        raise ResourceNotFoundException(f"The collection id: {collection_id} does not exist")
    count = where.store.face_count(collection_id)
    return CollectionDescription(count, FACE_MODEL_VERSION,
                                 rekognition.collection_arn(region, caller.tenant_id, collection_id),
                                 parse_time(record.created))


def index_faces(redis: Redis, caller: Caller, collection_id: str, image: ImageEvidence, *,
                external_image_id: str | None, max_faces: int | None, quality: QualityFilter) -> IndexedFaces:
    """Detect the faces, keep those over the quality bar (at most MaxFaces), and store each with its
    embedding; the others are UnindexedFaces with their reasons."""
    where = _existing(redis, caller, collection_id)
    height, width = image.pixels.shape[:2]
    faces = measure_faces(image.pixels)
    limit = rekognition.check_count(max_faces, "MaxFaces", low=1, high=1_000_000,
                                    default=rekognition.MAX_INDEXED_FACES)
    chosen = rekognition.select_for_index([face.detail for face in faces], width, height,
                                          max_faces=min(limit, rekognition.MAX_INDEXED_FACES), level=quality)
    capacity = where.limits.members_per_collection
    if where.store.face_count(collection_id) + len(chosen.indexed) > capacity:
        raise ServiceQuotaExceededException(f"The collection would hold more than {capacity} faces, the limit of a "
                                            f"{caller.deployment.sku.value} deployment.")
    image_id = str(uuid.uuid4())
    records = []
    for index in chosen.indexed:
        detail = faces[index].detail
        face = Face(str(uuid.uuid4()), detail.bounding_box, image_id, external_image_id, detail.confidence,
                    FACE_MODEL_VERSION)
        where.store.add_face(collection_id, face.face_id, embedding(image.pixels, faces[index]), person_id=None,
                             user_data=None, max_faces=capacity, provenance=image.provenance,
                             details=rekognition.stored_details(face))
        records.append(FaceRecord(face, detail))
    unindexed = tuple(UnindexedFace(reasons, faces[index].detail) for index, reasons in chosen.unindexed)
    return IndexedFaces(tuple(records), unindexed, FACE_MODEL_VERSION)


def list_faces(redis: Redis, caller: Caller, collection_id: str, *, next_token: str | None, max_results: int | None,
               face_ids: Sequence[str] | None, user_id: str | None) -> FacePage:
    """A page of the collection's faces in id order; only those named when FaceIds is given. Visage
    has no users, so a UserId filter matches no face."""
    where = _existing(redis, caller, collection_id)
    count = rekognition.check_count(max_results, "MaxResults", low=1, high=rekognition.MAX_RESULTS,
                                    default=rekognition.DEFAULT_PAGE)
    if user_id is not None:
        return FacePage((), None, FACE_MODEL_VERSION)
    if face_ids is not None:
        wanted = sorted({face_id for face_id in face_ids if rekognition.FACE_ID_PATTERN.fullmatch(face_id)})
        after = _after(next_token, collection_id)
        wanted = [face_id for face_id in wanted if after is None or face_id > after]
        found = [face for face in where.store.get_faces(collection_id, wanted[:count + 1]) if face is not None]
        more = len(wanted) > count
    else:
        found = where.store.list_faces(collection_id, _after(next_token, collection_id), count + 1)
        more = len(found) > count
    page = tuple(rekognition.stored_face(face.face_id, face.details) for face in found[:count])
    return FacePage(page, rekognition.next_token(f"{collection_id}/{page[-1].face_id}") if more and page else None,
                    FACE_MODEL_VERSION)


COLLECTIONS_PAGE = ":collections"
"""What ListCollections' tokens page; ListFaces' page a collection, named by its id (which has no ':')."""


def _after(token: str | None, paged: str) -> str | None:
    """Where the page after `token` starts: a token is "<what it pages>/<last id shown>", and one made
    for anything else (another collection, the other operation, or forged) is refused, as AWS does."""
    position = rekognition.token_position(token)
    if position is None:
        return None
    token_paged, _, after = position.rpartition("/")
    well_formed = paged == COLLECTIONS_PAGE or rekognition.FACE_ID_PATTERN.fullmatch(after)
    if token_paged != paged or not after or not well_formed:
        raise InvalidPaginationTokenException()
    return after


def delete_faces(redis: Redis, caller: Caller, collection_id: str, face_ids: Sequence[str]) -> DeletedFaces:
    where = _existing(redis, caller, collection_id)
    deleted, failed = [], []
    for face_id in dict.fromkeys(face_ids):
        try:
            where.store.delete_face(collection_id, rekognition.check_face_id(face_id), person_id=None)
            deleted.append(face_id)
        except (PersistedFaceNotFound, InvalidParameterException):
            failed.append(UnsuccessfulFaceDeletion(face_id, ("FACE_NOT_FOUND",)))
    return DeletedFaces(tuple(deleted), tuple(failed))


def find_face(redis: Redis, caller: Caller, collection_id: str, face_id: str) -> PersistedFace | None:
    """A face of the collection by id, or None (read before the terms of use decide on its provenance)."""
    if not rekognition.FACE_ID_PATTERN.fullmatch(face_id):
        return None
    return scope(redis, caller).store.get_face(collection_id, face_id)


def search_faces(redis: Redis, caller: Caller, collection_id: str, face: PersistedFace | None, face_id: str, *,
                 max_faces: int | None, threshold: float | None) -> FaceSearch:
    """The collection's faces most like one of its own (itself left out)."""
    where = _existing(redis, caller, collection_id)
    rekognition.check_face_id(face_id)
    if face is None:
        raise InvalidParameterException(f"The face {face_id} is not in the collection {collection_id}.")
    [query] = where.store.embeddings(collection_id, [face.face_id])
    if query is None:
        raise InvalidParameterException(f"The face {face_id} is not in the collection {collection_id}.")
    matches = _search(where, collection_id, query, max_faces=max_faces, threshold=threshold, leave_out=face.face_id)
    return FaceSearch(face.face_id, matches, FACE_MODEL_VERSION)


def search_faces_by_image(redis: Redis, caller: Caller, collection_id: str, image: ImageEvidence, *,
                          max_faces: int | None, threshold: float | None, quality: QualityFilter) -> ImageSearch:
    """The collection's faces most like the largest face of the image."""
    where = _existing(redis, caller, collection_id)
    probe = largest_face(image.pixels, quality, "the image")
    matches = _search(where, collection_id, embedding(image.pixels, probe), max_faces=max_faces, threshold=threshold)
    return ImageSearch(probe.detail.bounding_box, probe.detail.confidence, matches, FACE_MODEL_VERSION)


def collection_faces(redis: Redis, deployment_id: str, collection_id: str) -> tuple[np.ndarray, tuple[Face, ...]]:
    """Every face of a collection with its embedding, for a video search (run for the deployment by a
    worker)."""
    store = existing_collection(redis, deployment_id, collection_id)
    ids, matrix = _matrix(store, collection_id)
    stored = store.get_faces(collection_id, ids)
    faces = tuple(rekognition.stored_face(face_id, found.details if found else None)
                  for face_id, found in zip(ids, stored, strict=True))
    return matrix, faces


def existing_collection(redis: Redis, deployment_id: str, collection_id: str) -> CollectionStore:
    store = CollectionStore(redis, deployment_id, RULES[KIND])
    if store.get(collection_id) is None:
        raise ResourceNotFoundException(f"The collection id: {collection_id} does not exist")
    return store


def _existing(redis: Redis, caller: Caller, collection_id: str) -> Scope:
    existing_collection(redis, caller.deployment_id, collection_id)
    return scope(redis, caller)


def _matrix(store: CollectionStore, collection_id: str) -> tuple[list[str], np.ndarray]:
    ids: list[str] = []
    blocks: list[np.ndarray] = []
    for face_ids, _, block in store.scan_members(collection_id):
        ids.extend(face_ids)
        blocks.append(block)
    return ids, np.concatenate(blocks) if blocks else np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)


def _search(where: Scope, collection_id: str, query: np.ndarray, *, max_faces: int | None, threshold: float | None,
            leave_out: str | None = None) -> tuple[FaceMatch, ...]:
    count = rekognition.check_count(max_faces, "MaxFaces", low=1, high=rekognition.MAX_RESULTS,
                                    default=rekognition.MAX_RESULTS)
    bar = rekognition.check_percent(threshold, "FaceMatchThreshold", similarity.REKOGNITION_DEFAULT_THRESHOLD)
    ids, matrix = _matrix(where.store, collection_id)
    if leave_out in ids:
        keep = [index for index, face_id in enumerate(ids) if face_id != leave_out]
        ids, matrix = [ids[index] for index in keep], matrix[keep]
    if not ids:
        return ()
    percents = similarity.similarity_percents(matching.distances(query, matrix)[0])
    ranked = matching.top_matches(percents, count, bar)
    stored = where.store.get_faces(collection_id, [ids[match.index] for match in ranked])
    return tuple(FaceMatch(round(match.confidence, 5), rekognition.stored_face(ids[match.index],
                                                                              found.details if found else None))
                 for match, found in zip(ranked, stored, strict=True))
