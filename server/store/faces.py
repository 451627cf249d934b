"""Detected faces (faceIds) in Redis, each a hash that expires with its faceIdTimeToLive."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from redis import Redis

from server.domain.faces import FaceRecord
from server.store import keys
from server.store.codec import fields


class FaceRepository:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

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
        """The records of these faceIds in order, None where unknown or expired; each read once."""
        unique = list(dict.fromkeys(face_ids))
        with self.redis.pipeline(transaction=False) as pipe:
            for face_id in unique:
                pipe.hgetall(keys.face(face_id))
            raws = pipe.execute() if unique else []
        read = {fid: FaceRecord.from_record(fid, raw) if raw else None for fid, raw in zip(unique, raws, strict=True)}
        return [read[face_id] for face_id in face_ids]
