"""A deployment's PersonDirectory in Redis: persons, their faces per recognition model, dynamic
person groups and the references between them.

Every write is one atomic Lua script, so quotas, the 248-faces rule and the two directions of a
group reference (group -> persons, person -> groups) stay consistent under concurrent writers.
Writes whose keys depend on data (a person's groups, a group's persons) read those ids under WATCH
and run their script in the same transaction: a concurrent change to the list makes it run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import numpy as np
from redis import Redis
from redis.client import Pipeline

from server.domain.collections import PersistedFace
from server.domain.detection import RecognitionModel
from server.domain.person_directory import RECOGNITION_MODELS, DirectoryPerson, DynamicPersonGroup
from server.domain.provenance import Provenance
from server.store import keys
from server.store.codec import blob, decode_hash, text
from server.store.collections import ADD_PERSON_FACE, DELETE_PERSON_FACE
from server.store.transactions import merge_into_record

PersonFaceBatch = list[tuple[str, tuple[str, ...]]]
"""(person id, its persisted face ids of one recognition model), for a batch of persons."""

SCAN_BATCH = 10_000
"""Persons read per HSCAN round trip when the whole directory is searched."""

_CREATE_PERSON = """
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 'quota' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 'ok'
"""

# KEYS: persons, person-order, the person's group references, then (person-faces, faces, embeddings)
# per recognition model (ARGV[2] of them), then the persons set of each group that references it.
_DELETE_PERSON = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 'no-person' end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('UNLINK', KEYS[3])
local models = tonumber(ARGV[2])
for m = 0, models - 1 do
  local base = 4 + m * 3
  local list = redis.call('HGET', KEYS[base], ARGV[1]) or ''
  for id in string.gmatch(list, '[^,]+') do
    redis.call('HDEL', KEYS[base + 1], id)
    redis.call('HDEL', KEYS[base + 2], id)
  end
  redis.call('HDEL', KEYS[base], ARGV[1])
end
for i = 4 + models * 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 'ok'
"""

# KEYS: group index, group hash, group persons, persons, then each added person's references.
# ARGV: group id, the group's fields as JSON (name, userData, created), the ids to add.
_CREATE_GROUP = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 'exists' end
for i = 3, #ARGV do
  if redis.call('HEXISTS', KEYS[4], ARGV[i]) == 0 then return 'no-person:' .. ARGV[i] end
end
local record = cjson.decode(ARGV[2])
redis.call('ZADD', KEYS[1], 0, ARGV[1])
for name, value in pairs(record) do redis.call('HSET', KEYS[2], name, value) end
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[3], 0, ARGV[i])
  redis.call('ZADD', KEYS[4 + i - 2], 0, ARGV[1])
end
return 'ok'
"""

# KEYS: group hash, group persons, persons, then the references of each added, then each removed person.
# ARGV: group id, fields to set as JSON, how many to add, the ids to add, the ids to remove.
_UPDATE_GROUP = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'no-group' end
local adding = tonumber(ARGV[3])
for i = 4, 3 + adding do
  if redis.call('HEXISTS', KEYS[3], ARGV[i]) == 0 then return 'no-person:' .. ARGV[i] end
end
for i = 4 + adding, #ARGV do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) == false then return 'no-reference:' .. ARGV[i] end
end
for name, value in pairs(cjson.decode(ARGV[2])) do redis.call('HSET', KEYS[1], name, value) end
for i = 4, #ARGV do
  local references = KEYS[i]
  if i < 4 + adding then
    redis.call('ZADD', KEYS[2], 0, ARGV[i])
    redis.call('ZADD', references, 0, ARGV[1])
  else
    redis.call('ZREM', KEYS[2], ARGV[i])
    redis.call('ZREM', references, ARGV[1])
  end
end
return 'ok'
"""

# KEYS: group index, group hash, group persons, then the references of each person it holds.
_DELETE_GROUP = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 'no-group' end
redis.call('ZREM', KEYS[1], ARGV[1])
for i = 4, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('UNLINK', KEYS[2], KEYS[3])
return 'ok'
"""


class DirectoryStore:
    """One deployment's PersonDirectory."""

    def __init__(self, redis: Redis, deployment_id: str) -> None:
        self.redis = redis
        self.deployment_id = deployment_id

    # keys -----------------------------------------------------------------------------------

    def _key(self, part: str) -> str:
        return keys.directory(self.deployment_id, part)

    def _faces_key(self, model: RecognitionModel, part: str) -> str:
        return keys.directory_faces(self.deployment_id, model.value, part)

    def _model_keys(self, model: RecognitionModel) -> list[str]:
        return [self._faces_key(model, part) for part in keys.DIRECTORY_FACE_PARTS]

    def _group_key(self, group_id: str) -> str:
        return keys.dynamic_person_group(self.deployment_id, group_id)

    def _group_persons_key(self, group_id: str) -> str:
        return keys.dynamic_person_group_persons(self.deployment_id, group_id)

    def _references_key(self, person_id: str) -> str:
        return keys.person_group_references(self.deployment_id, person_id)

    def _run(self, script: str, keys_: Sequence[str], args: Sequence[Any]) -> str:
        return str(text(self.redis.eval(script, len(keys_), *keys_, *args)))

    @staticmethod
    def _queue(pipe: Pipeline, script: str, keys_: Sequence[str], args: Sequence[Any]) -> None:
        pipe.eval(script, len(keys_), *keys_, *args)

    def _transaction(self, queue: Callable[[Pipeline], None], watched: str) -> str:
        """Run `queue` with `watched` watched (it reads the ids the script needs, then queues the script
        after MULTI), again whenever `watched` changed before EXEC: the script's answer."""
        results = cast(list[Any], self.redis.transaction(queue, watched))
        return str(text(results[-1]))

    def _page(self, sorted_set: str, start: str | None, top: int) -> list[str]:
        low = f"({start}" if start else "-"
        return [str(text(item)) for item in self.redis.zrangebylex(sorted_set, low, "+", start=0, num=top)]

    # persons --------------------------------------------------------------------------------

    def create_person(self, person: DirectoryPerson, *, max_persons: int) -> bool:
        """False when the deployment's person quota is reached."""
        record = json.dumps({"name": person.name, "userData": person.user_data})
        return self._run(_CREATE_PERSON, [self._key("persons"), self._key("person-order")],
                         [person.person_id, record, max_persons]) == "ok"

    def get_person(self, person_id: str) -> DirectoryPerson | None:
        raw = self.redis.hget(self._key("persons"), person_id)
        return None if raw is None else _person(person_id, raw)

    def list_persons(self, start: str | None, top: int) -> list[DirectoryPerson]:
        ids = self._page(self._key("person-order"), start, top)
        raws = self.redis.hmget(self._key("persons"), ids) if ids else []
        return [_person(pid, raw) for pid, raw in zip(ids, raws, strict=True) if raw is not None]

    def existing_persons(self, person_ids: Sequence[str]) -> list[str]:
        """Those of `person_ids` that are in the directory."""
        if not person_ids:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            for person_id in person_ids:
                pipe.hexists(self._key("persons"), person_id)
            found = pipe.execute()
        return [pid for pid, exists in zip(person_ids, found, strict=True) if exists]

    def update_person(self, person_id: str, changes: dict[str, str]) -> bool:
        """Set the person's name, userData or both (the fields in `changes`); False when it is absent."""
        return merge_into_record(self.redis, self._key("persons"), person_id, changes) == "ok"

    def delete_person(self, person_id: str) -> bool:
        """Delete a person with its faces of every model and its group references; False when absent."""
        references = self._references_key(person_id)
        model_keys = [key for model in RECOGNITION_MODELS for key in self._model_keys(model)]

        def delete(pipe: Pipeline) -> None:
            groups = [str(text(group)) for group in pipe.zrange(references, 0, -1)]
            pipe.multi()
            self._queue(pipe, _DELETE_PERSON, [self._key("persons"), self._key("person-order"), references,
                                               *model_keys, *(self._group_persons_key(group) for group in groups)],
                        [person_id, len(RECOGNITION_MODELS)])

        return self._transaction(delete, references) == "ok"

    # faces ----------------------------------------------------------------------------------

    def add_face(self, model: RecognitionModel, face: PersistedFace, embedding: np.ndarray, *,
                 max_faces: int) -> str:
        """'ok', 'no-person' or 'quota'."""
        vector = embedding.astype(np.float32).tobytes()
        outcome = self._run(ADD_PERSON_FACE, [self._key("persons"), self._key("persons"), *self._model_keys(model)],
                            [face.person_id, face.face_id, face.to_json(), vector, max_faces])
        return "no-person" if outcome == "no-collection" else outcome

    def face_ids(self, model: RecognitionModel, person_id: str) -> tuple[str, ...]:
        return _ids(self.redis.hget(self._faces_key(model, "person-faces"), person_id))

    def get_face(self, model: RecognitionModel, face_id: str) -> PersistedFace | None:
        raw = self.redis.hget(self._faces_key(model, "faces"), face_id)
        return None if raw is None else _face(face_id, raw)

    def update_face(self, model: RecognitionModel, face_id: str, user_data: str | None) -> bool:
        return merge_into_record(self.redis, self._faces_key(model, "faces"), face_id, {"userData": user_data}) == "ok"

    def delete_face(self, model: RecognitionModel, person_id: str, face_id: str) -> str:
        """'ok', 'no-person' or 'no-face'."""
        return self._run(DELETE_PERSON_FACE, [self._key("persons"), *self._model_keys(model)], [person_id, face_id])

    def embeddings(self, model: RecognitionModel, face_ids: Sequence[str]) -> list[np.ndarray | None]:
        raws = self.redis.hmget(self._faces_key(model, "embeddings"), list(face_ids)) if face_ids else []
        return [None if raw is None else np.frombuffer(blob(raw), dtype=np.float32) for raw in raws]

    def faces_of(self, model: RecognitionModel, person_ids: Sequence[str]) -> Iterator[PersonFaceBatch]:
        """Batches of (person id, its face ids of `model`) for each of `person_ids` that has faces of it."""
        for first in range(0, len(person_ids), SCAN_BATCH):
            chunk = list(person_ids[first:first + SCAN_BATCH])
            lists = self.redis.hmget(self._faces_key(model, "person-faces"), chunk)
            if found := [(pid, _ids(raw)) for pid, raw in zip(chunk, lists, strict=True) if raw]:
                yield found

    def scan_faces(self, model: RecognitionModel) -> Iterator[PersonFaceBatch]:
        """Batches of (person id, its face ids of `model`) over every person with faces of it, each
        person once: HSCAN may return a field again (when the hash is rehashed during the scan)."""
        cursor = 0
        seen: set[str] = set()
        while True:
            cursor, batch = self.redis.hscan(self._faces_key(model, "person-faces"), cursor, count=SCAN_BATCH)
            assert isinstance(batch, dict)
            found = [(str(text(pid)), _ids(raw)) for pid, raw in batch.items()]
            if found := [(pid, ids) for pid, ids in found if ids and pid not in seen]:
                seen.update(pid for pid, _ in found)
                yield found
            if cursor == 0:
                return

    # dynamic person groups ------------------------------------------------------------------

    def create_group(self, group: DynamicPersonGroup, person_ids: Sequence[str]) -> str:
        """'ok', 'exists' or 'no-person:<id>'."""
        record = {"name": group.name, "created": group.created}
        if group.user_data is not None:
            record["userData"] = group.user_data
        return self._run(
            _CREATE_GROUP,
            [self._key("group-index"), self._group_key(group.group_id), self._group_persons_key(group.group_id),
             self._key("persons"), *(self._references_key(pid) for pid in person_ids)],
            [group.group_id, json.dumps(record), *person_ids])

    def get_group(self, group_id: str) -> DynamicPersonGroup | None:
        raw = decode_hash(self.redis.hgetall(self._group_key(group_id)))
        return _group(group_id, raw) if raw else None

    def list_groups(self, start: str | None, top: int) -> list[DynamicPersonGroup]:
        ids = self._page(self._key("group-index"), start, top)
        with self.redis.pipeline(transaction=False) as pipe:
            for group_id in ids:
                pipe.hgetall(self._group_key(group_id))
            raws = pipe.execute()
        return [_group(gid, decode_hash(raw)) for gid, raw in zip(ids, raws, strict=True) if raw]

    def update_group(self, group_id: str, changes: dict[str, str], add: Sequence[str], remove: Sequence[str]) -> str:
        """'ok', 'no-group', 'no-person:<id>' or 'no-reference:<id>'."""
        return self._run(
            _UPDATE_GROUP,
            [self._group_key(group_id), self._group_persons_key(group_id), self._key("persons"),
             *(self._references_key(pid) for pid in (*add, *remove))],
            [group_id, json.dumps(changes), len(add), *add, *remove])

    def delete_group(self, group_id: str) -> bool:
        members_key = self._group_persons_key(group_id)

        def delete(pipe: Pipeline) -> None:
            members = [str(text(pid)) for pid in pipe.zrange(members_key, 0, -1)]
            pipe.multi()
            self._queue(pipe, _DELETE_GROUP, [self._key("group-index"), self._group_key(group_id), members_key,
                                              *(self._references_key(pid) for pid in members)], [group_id])

        return self._transaction(delete, members_key) == "ok"

    def group_persons(self, group_id: str, start: str | None = None, top: int | None = None) -> list[str]:
        """The persons a group references, in id order (all of them when `top` is None)."""
        if top is None:
            return [str(text(pid)) for pid in self.redis.zrange(self._group_persons_key(group_id), 0, -1)]
        return self._page(self._group_persons_key(group_id), start, top)

    def person_groups(self, person_id: str, start: str | None, top: int) -> list[str]:
        return self._page(self._references_key(person_id), start, top)


def _ids(raw: Any) -> tuple[str, ...]:
    return tuple(face_id for face_id in str(text(raw) or "").split(",") if face_id)


def _person(person_id: str, raw: Any) -> DirectoryPerson:
    data = json.loads(raw)
    return DirectoryPerson(person_id, data["name"], data.get("userData"))


def _face(face_id: str, raw: Any) -> PersistedFace:
    data = json.loads(raw)
    return PersistedFace(face_id, data.get("personId"), data.get("userData"), Provenance.from_record(data))


def _group(group_id: str, raw: dict[str, str]) -> DynamicPersonGroup:
    return DynamicPersonGroup(group_id, raw["name"], raw.get("userData"), raw["created"])
