"""The faceId repository: records come back in the order asked, unknown and expired ones as None."""

from __future__ import annotations

import uuid

import numpy as np
from redis import Redis

from server.domain.capture import CaptureContext, CaptureMode
from server.domain.clock import now
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.store import keys
from server.store.faces import FaceRepository


def saved(redis: Redis, capture: CaptureContext | None = None) -> FaceRecord:
    record = FaceRecord(str(uuid.uuid4()), "t", "d", DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_01,
                        np.arange(128, dtype=np.float32), capture or CaptureContext(), now())
    FaceRepository(redis).save_all([record], 60)
    return record


def test_get_many_answers_in_order_with_none_for_unknown_and_repeats(redis_db: Redis) -> None:
    first, second, unknown = saved(redis_db), saved(redis_db, CaptureContext(mode=CaptureMode.LIVE)), str(uuid.uuid4())
    found = FaceRepository(redis_db).get_many([second.face_id, unknown, first.face_id, second.face_id])
    assert [r.face_id if r else None for r in found] == [second.face_id, None, first.face_id, second.face_id]
    assert found[0] is not None and found[0].capture.mode is CaptureMode.LIVE
    assert found[2] is not None and np.array_equal(found[2].embedding, first.embedding)


def test_a_face_is_gone_when_its_key_expires_or_is_deleted(redis_db: Redis) -> None:
    record = saved(redis_db)
    assert 0 < redis_db.ttl(keys.face(record.face_id)) <= 60
    redis_db.delete(keys.face(record.face_id))
    assert FaceRepository(redis_db).get_many([record.face_id]) == [None]
