"""The faceId repository: one request's reads are remembered when asked, and only then."""

from __future__ import annotations

import uuid

import numpy as np
from redis import Redis

from server.domain.capture import CaptureContext
from server.domain.clock import now
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.store import keys
from server.store.faces import FaceRepository


def saved(redis: Redis) -> FaceRecord:
    record = FaceRecord(str(uuid.uuid4()), "t", "d", DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_01,
                        np.arange(128, dtype=np.float32), CaptureContext(), now())
    FaceRepository(redis).save_all([record], 60)
    return record


def test_a_remembering_repository_reads_each_face_once(redis_db: Redis) -> None:
    first, unknown = saved(redis_db), str(uuid.uuid4())
    remembering, plain = FaceRepository(redis_db, remember=True), FaceRepository(redis_db)
    assert [r.face_id if r else None for r in remembering.get_many([first.face_id, unknown])] == [first.face_id, None]
    redis_db.delete(keys.face(first.face_id))
    again = remembering.get_many([unknown, first.face_id, first.face_id])
    assert again[0] is None and again[1] is not None and again[2] is not None
    assert np.array_equal(again[1].embedding, first.embedding)
    assert plain.get_many([first.face_id]) == [None]
