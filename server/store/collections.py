"""Collections in Redis: a fixed set of keys a collection, each write one atomic Lua script.

Scripts keep the quotas, the 248-faces rule and the person/face links consistent under
concurrent writers without retries, and a deleted collection leaves no key behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
from redis import Redis

from server.domain.collections import (
    Collection,
    KindRules,
    PersistedFace,
    PersistedFaceNotFound,
    Person,
    PersonNotFound,
    QuotaExceeded,
)
from server.domain.faces import EMBEDDING_SIZE
from server.domain.provenance import NO_PROVENANCE, Provenance
from server.store import keys
from server.store.codec import blob, decode_hash, fields, text
from server.store.transactions import merge_into_record

EMBEDDING_BYTES = EMBEDDING_SIZE * 4
"""A stored float32 embedding; anything else in the hash is not one and is skipped."""

SCAN_BATCH = 10_000
"""Fields read per HSCAN round trip when a whole collection is read for training."""

_CREATE_COLLECTION = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 'exists' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'quota' end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
return 'ok'
"""

_UPDATE_COLLECTION = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 'ok'
"""

_CREATE_PERSON = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'no-collection' end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return 'quota-collection' end
if tonumber(ARGV[4]) >= 0 and tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then
  return 'quota-deployment'
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('INCR', KEYS[4])
return 'ok'
"""

# KEYS: the container (collection) that must exist, its persons, person-faces, faces, embeddings.
# ARGV: person id, face id, face record, embedding, faces allowed per person. The PersonDirectory
# passes its persons hash as the container: a directory with no person has none to add a face to.
ADD_PERSON_FACE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'no-collection' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 'no-person' end
local list = redis.call('HGET', KEYS[3], ARGV[1])
local count = 0
if list and list ~= '' then
  local _, commas = string.gsub(list, ',', ',')
  count = commas + 1
end
if count >= tonumber(ARGV[5]) then return 'quota' end
if count > 0 then list = list .. ',' .. ARGV[2] else list = ARGV[2] end
redis.call('HSET', KEYS[3], ARGV[1], list)
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[5], ARGV[2], ARGV[4])
return 'ok'
"""

_ADD_LIST_FACE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'no-collection' end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'quota' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return 'ok'
"""

# KEYS: persons, person-faces, faces, embeddings. ARGV: person id, face id. (The PersonDirectory's too.)
DELETE_PERSON_FACE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'no-person' end
local list = redis.call('HGET', KEYS[2], ARGV[1]) or ''
local kept = {}
local found = false
for id in string.gmatch(list, '[^,]+') do
  if id == ARGV[2] then found = true else table.insert(kept, id) end
end
if not found then return 'no-face' end
redis.call('HSET', KEYS[2], ARGV[1], table.concat(kept, ','))
redis.call('HDEL', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[2])
return 'ok'
"""

_DELETE_LIST_FACE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 'no-face' end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 'ok'
"""

_DELETE_PERSON = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 'no-person' end
local list = redis.call('HGET', KEYS[3], ARGV[1]) or ''
for id in string.gmatch(list, '[^,]+') do
  redis.call('HDEL', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DECR', KEYS[6])
return 'ok'
"""

_DELETE_COLLECTION = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 'missing' end
redis.call('ZREM', KEYS[1], ARGV[1])
local persons = redis.call('HLEN', KEYS[3])
if persons > 0 then redis.call('DECRBY', KEYS[4], persons) end
for i = 5, #KEYS do redis.call('UNLINK', KEYS[i]) end
redis.call('UNLINK', KEYS[2])
return 'ok'
"""


class CollectionStore:
    """One deployment's collections of one kind."""

    def __init__(self, redis: Redis, deployment_id: str, rules: KindRules) -> None:
        self.redis = redis
        self.deployment_id = deployment_id
        self.rules = rules
        self.kind = rules.kind.value

    # keys -----------------------------------------------------------------------------------

    def key(self, collection_id: str) -> str:
        return keys.collection(self.deployment_id, self.kind, collection_id)

    def part(self, collection_id: str, part: str) -> str:
        return keys.collection_part(self.deployment_id, self.kind, collection_id, part)

    @property
    def index_key(self) -> str:
        return keys.collection_index(self.deployment_id, self.kind)

    @property
    def members_key(self) -> str:
        return keys.collection_members_total(self.deployment_id, self.kind)

    def _run(self, script: str, keys_: list[str], args: list[Any]) -> str:
        return str(text(self.redis.eval(script, len(keys_), *keys_, *args)))

    # collections ----------------------------------------------------------------------------

    def create(self, record: Collection, *, max_collections: int) -> None:
        meta = {"name": record.name, "recognitionModel": record.recognition_model, "created": record.created}
        if record.user_data is not None:
            meta["userData"] = record.user_data
        flat = [item for pair in meta.items() for item in pair]
        outcome = self._run(_CREATE_COLLECTION, [self.index_key, self.key(record.collection_id)],
                            [record.collection_id, max_collections, *flat])
        if outcome == "exists":
            raise self.rules.exists()
        if outcome == "quota":
            raise QuotaExceeded(f"{self.rules.noun} number reached subscription level limit.")

    def get(self, collection_id: str) -> Collection | None:
        raw = decode_hash(self.redis.hgetall(self.key(collection_id)))
        if not raw:
            return None
        return Collection(collection_id, raw["name"], raw.get("userData"), raw["recognitionModel"],
                                raw["created"])

    def list_collections(self, start: str | None, top: int) -> list[Collection]:
        ids = self._page(self.index_key, start, top)
        with self.redis.pipeline(transaction=False) as pipe:
            for collection_id in ids:
                pipe.hgetall(self.key(collection_id))
            raws = pipe.execute()
        return [
            Collection(cid, r["name"], r.get("userData"), r["recognitionModel"], r["created"])
            for cid, r in ((cid, decode_hash(raw)) for cid, raw in zip(ids, raws, strict=True)) if r
        ]

    def update(self, collection_id: str, changes: dict[str, str]) -> bool:
        flat = [item for pair in changes.items() for item in pair]
        return self._run(_UPDATE_COLLECTION, [self.key(collection_id)], flat) == "ok"

    def delete(self, collection_id: str, other_keys: list[str]) -> bool:
        parts = [self.part(collection_id, name) for name in keys.COLLECTION_PARTS]
        outcome = self._run(
            _DELETE_COLLECTION,
            [self.index_key, self.key(collection_id), self.part(collection_id, "persons"), self.members_key,
             *parts, *other_keys],
            [collection_id],
        )
        return outcome == "ok"

    def _page(self, sorted_set: str, start: str | None, top: int) -> list[str]:
        low = f"({start}" if start else "-"
        return [str(text(item)) for item in self.redis.zrangebylex(sorted_set, low, "+", start=0, num=top)]

    def _missing_collection(self, outcome: str) -> None:
        if outcome == "no-collection":
            raise self.rules.not_found()

    # persons --------------------------------------------------------------------------------

    def create_person(self, collection_id: str, person_id: str, name: str, user_data: str | None, *,
                      max_persons: int, max_persons_in_deployment: int | None) -> None:
        outcome = self._run(
            _CREATE_PERSON,
            [self.key(collection_id), self.part(collection_id, "persons"), self.part(collection_id, "person-order"),
             self.members_key],
            [person_id, json.dumps({"name": name, "userData": user_data}), max_persons,
             -1 if max_persons_in_deployment is None else max_persons_in_deployment],
        )
        self._missing_collection(outcome)
        if outcome == "quota-collection":
            raise QuotaExceeded(f"Person number reached {self.rules.noun.lower()} level limit.")
        if outcome == "quota-deployment":
            raise QuotaExceeded("Person number reached subscription level limit.")

    def get_person(self, collection_id: str, person_id: str) -> Person | None:
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(self.part(collection_id, "persons"), person_id)
            pipe.hget(self.part(collection_id, "person-faces"), person_id)
            raw, faces = pipe.execute()
        if raw is None:
            return None
        return _person(person_id, raw, faces)

    def list_persons(self, collection_id: str, start: str | None, top: int) -> list[Person]:
        ids = self._page(self.part(collection_id, "person-order"), start, top)
        if not ids:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(self.part(collection_id, "persons"), ids)
            pipe.hmget(self.part(collection_id, "person-faces"), ids)
            raws, faces = pipe.execute()
        return [_person(pid, raw, face) for pid, raw, face in zip(ids, raws, faces, strict=True) if raw is not None]

    def update_person(self, collection_id: str, person_id: str, changes: dict[str, str]) -> None:
        """Set the person's name, userData or both (the fields in `changes`)."""
        outcome = merge_into_record(self.redis, self.part(collection_id, "persons"), person_id, changes,
                                    within=self.key(collection_id))
        self._missing_collection(outcome)
        if outcome == "missing":
            raise PersonNotFound()

    def delete_person(self, collection_id: str, person_id: str) -> None:
        outcome = self._run(
            _DELETE_PERSON,
            [self.part(collection_id, "persons"), self.part(collection_id, "person-order"),
             self.part(collection_id, "person-faces"), self.part(collection_id, "faces"),
             self.part(collection_id, "embeddings"), self.members_key],
            [person_id],
        )
        if outcome == "no-person":
            raise PersonNotFound()

    # faces ----------------------------------------------------------------------------------

    def add_face(self, collection_id: str, face_id: str, embedding: np.ndarray, *, person_id: str | None,
                 user_data: str | None, max_faces: int, provenance: Provenance = NO_PROVENANCE,
                 details: str | None = None) -> None:
        record = PersistedFace(face_id, person_id, user_data, provenance, details).to_json()
        vector = embedding.astype(np.float32).tobytes()
        if person_id is not None:
            outcome = self._run(
                ADD_PERSON_FACE,
                [self.key(collection_id), self.part(collection_id, "persons"),
                 self.part(collection_id, "person-faces"), self.part(collection_id, "faces"),
                 self.part(collection_id, "embeddings")],
                [person_id, face_id, record, vector, max_faces],
            )
        else:
            outcome = self._run(
                _ADD_LIST_FACE,
                [self.key(collection_id), self.part(collection_id, "faces"), self.part(collection_id, "face-order"),
                 self.part(collection_id, "embeddings")],
                [face_id, record, vector, max_faces],
            )
        self._missing_collection(outcome)
        if outcome == "no-person":
            raise PersonNotFound()
        if outcome == "quota":
            raise QuotaExceeded("Persisted face number reached limit.")

    def get_face(self, collection_id: str, face_id: str) -> PersistedFace | None:
        raw = self.redis.hget(self.part(collection_id, "faces"), face_id)
        return None if raw is None else _face(face_id, raw)

    def get_faces(self, collection_id: str, face_ids: list[str]) -> list[PersistedFace | None]:
        raws = self.redis.hmget(self.part(collection_id, "faces"), face_ids) if face_ids else []
        return [None if raw is None else _face(face_id, raw) for face_id, raw in zip(face_ids, raws, strict=True)]

    def list_faces(self, collection_id: str, start: str | None, top: int) -> list[PersistedFace]:
        return self.faces(collection_id, self._page(self.part(collection_id, "face-order"), start, top))

    def faces(self, collection_id: str, face_ids: list[str]) -> list[PersistedFace]:
        """These faces, in this order; ids with no face are left out."""
        if not face_ids:
            return []
        raws = self.redis.hmget(self.part(collection_id, "faces"), face_ids)
        return [_face(fid, raw) for fid, raw in zip(face_ids, raws, strict=True) if raw is not None]

    def update_face(self, collection_id: str, face_id: str, user_data: str | None) -> None:
        outcome = merge_into_record(self.redis, self.part(collection_id, "faces"), face_id, {"userData": user_data},
                                    within=self.key(collection_id))
        self._missing_collection(outcome)
        if outcome == "missing":
            raise PersistedFaceNotFound()

    def delete_face(self, collection_id: str, face_id: str, *, person_id: str | None) -> None:
        if person_id is not None:
            outcome = self._run(
                DELETE_PERSON_FACE,
                [self.part(collection_id, "persons"), self.part(collection_id, "person-faces"),
                 self.part(collection_id, "faces"), self.part(collection_id, "embeddings")],
                [person_id, face_id],
            )
            if outcome == "no-person":
                raise PersonNotFound()
        else:
            outcome = self._run(
                _DELETE_LIST_FACE,
                [self.part(collection_id, "faces"), self.part(collection_id, "face-order"),
                 self.part(collection_id, "embeddings")],
                [face_id],
            )
        if outcome == "no-face":
            raise PersistedFaceNotFound()

    def face_count(self, collection_id: str) -> int:
        return int(self.redis.hlen(self.part(collection_id, "embeddings")))

    def all_faces(self, collection_id: str) -> list[PersistedFace]:
        """Every face of a (small) face list, in id order."""
        return self.list_faces(collection_id, None, 1_000_000)

    def embeddings(self, collection_id: str, face_ids: list[str]) -> list[np.ndarray | None]:
        raws = self.redis.hmget(self.part(collection_id, "embeddings"), face_ids) if face_ids else []
        return [None if raw is None else np.frombuffer(blob(raw), dtype=np.float32) for raw in raws]

    def scan_members(self, collection_id: str) -> Iterator[tuple[list[str], list[str | None], np.ndarray]]:
        """Batches of (face ids, their person ids, their embeddings) over the whole collection.

        A face added or deleted while the scan runs may or may not appear; each one that appears
        comes with its own person and embedding, because every write set both atomically.
        """
        embeddings_key = self.part(collection_id, "embeddings")
        faces_key = self.part(collection_id, "faces")
        cursor = 0
        while True:
            cursor, batch = self.redis.hscan(embeddings_key, cursor, count=SCAN_BATCH)
            assert isinstance(batch, dict)
            if batch:
                face_ids = [str(text(fid)) for fid in batch]
                owners = self.redis.hmget(faces_key, face_ids)
                rows = zip(face_ids, batch.values(), owners, strict=True)
                kept = [(fid, blob(raw), owner) for fid, raw, owner in rows
                        if owner is not None and len(raw) == EMBEDDING_BYTES]
                if kept:
                    joined = b"".join(raw for _, raw, _ in kept)
                    matrix = np.frombuffer(joined, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
                    yield ([fid for fid, _, _ in kept], [json.loads(owner)["personId"] for _, _, owner in kept],
                           matrix)
            if cursor == 0:
                return

    # bulk import ----------------------------------------------------------------------------

    def import_persons(self, collection_id: str, persons: list[tuple[str, str, list[tuple[str, np.ndarray]]]]) -> None:
        """Write many persons with their faces in a few round trips, for bulk loads (benchmarks,
        migrations) where the caller already checked quotas; not used by the API."""
        if self.redis.exists(self.key(collection_id)) == 0:
            raise self.rules.not_found()
        person_rows: dict[str, str] = {}
        face_lists: dict[str, str] = {}
        face_rows: dict[str, str] = {}
        vectors: dict[str, bytes] = {}
        for person_id, name, faces in persons:
            person_rows[person_id] = json.dumps({"name": name, "userData": None})
            face_lists[person_id] = ",".join(face_id for face_id, _ in faces)
            for face_id, vector in faces:
                face_rows[face_id] = PersistedFace(face_id, person_id, None).to_json()
                vectors[face_id] = vector.astype(np.float32).tobytes()
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.part(collection_id, "persons"), mapping=fields(person_rows))
            pipe.zadd(self.part(collection_id, "person-order"), dict.fromkeys(person_rows, 0))
            pipe.hset(self.part(collection_id, "person-faces"), mapping=fields(face_lists))
            if face_rows:
                pipe.hset(self.part(collection_id, "faces"), mapping=fields(face_rows))
                pipe.hset(self.part(collection_id, "embeddings"), mapping=fields(vectors))
            pipe.incrby(self.members_key, len(person_rows))
            pipe.execute()


def _person(person_id: str, raw: Any, faces: Any) -> Person:
    data = json.loads(raw)
    face_list = str(text(faces) or "")
    return Person(person_id, data["name"], data.get("userData"),
                        tuple(face_id for face_id in face_list.split(",") if face_id))


def _face(face_id: str, raw: Any) -> PersistedFace:
    data = json.loads(raw)
    return PersistedFace(face_id, data.get("personId"), data.get("userData"), Provenance.from_record(data),
                         data.get("details"))
