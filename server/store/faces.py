"""Detected faces (faceIds) in Redis, each a hash that expires with its faceIdTimeToLive."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from redis import Redis

from server.domain.faces import FaceRecord
from server.store import keys
from server.store.codec import fields


class FaceRepository:
    """`remember=True` keeps what `get_many` read, for one request: the terms-of-use gate reads the
    faceIds a recognition call names, and the operation then needs the same records."""

    def __init__(self, redis: Redis, *, remember: bool = False) -> None:
        self.redis = redis
        self._remembered: dict[str, FaceRecord | None] | None = {} if remember else None

    def save_all(self, records: Iterable[FaceRecord], ttl_seconds: int) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            for record in records:
                key = keys.face(record.face_id)
                pipe.hset(key, mapping=fields(record.to_record()))
                pipe.expire(key, ttl_seconds)
            pipe.execute()

    def get(self, face_id: str) -> FaceRecord | None:
        raw = self.redis.hgetall(keys.face(face_id))
        return FaceRecord.from_record(face_id, raw) if raw else None

    def get_many(self, face_ids: Sequence[str]) -> list[FaceRecord | None]:
        known = self._remembered if self._remembered is not None else {}
        missing = [face_id for face_id in dict.fromkeys(face_ids) if face_id not in known]
        with self.redis.pipeline(transaction=False) as pipe:
            for face_id in missing:
                pipe.hgetall(keys.face(face_id))
            raws = pipe.execute() if missing else []
        read = {fid: FaceRecord.from_record(fid, raw) if raw else None for fid, raw in zip(missing, raws, strict=True)}
        if self._remembered is not None:
            self._remembered.update(read)
        return [known[face_id] if face_id in known else read[face_id] for face_id in face_ids]
