"""Provenance kept with faceIds and persisted faces in Redis, and the policy version's high-water mark."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
from redis import Redis

from server.domain import terms
from server.domain.capture import CaptureContext
from server.domain.collections import RULES, Collection, CollectionKind
from server.domain.detection import DetectionModel, RecognitionModel
from server.domain.faces import FaceRecord
from server.domain.provenance import NO_PROVENANCE, DeviceClass, Provenance, ProvenanceStatus
from server.services.policy_in_force import document_in_force
from server.store import keys
from server.store.collections import CollectionStore
from server.store.faces import FaceRepository
from server.store.policy_in_force import raise_high_water

CAPTURED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
TRUSTED = Provenance(ProvenanceStatus.TRUSTED, CAPTURED, DeviceClass.BODY_WORN, "anchor-1")
FACE_LIST = RULES[CollectionKind.LARGE_FACE_LIST]


def test_a_face_id_keeps_its_provenance_and_doubts(redis_db: Redis) -> None:
    record = FaceRecord(str(uuid.uuid4()), "t", "d", DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_04,
                        np.ones(128, dtype=np.float32), CaptureContext(), datetime.now(UTC), TRUSTED,
                        ("near-identical frames",))
    FaceRepository(redis_db).save_all([record], 60)
    read = FaceRepository(redis_db).get(record.face_id)
    assert read is not None
    assert (read.provenance.status, read.provenance.captured_at, read.provenance.device_class,
            read.provenance.anchor_id) == (ProvenanceStatus.TRUSTED, CAPTURED, DeviceClass.BODY_WORN, "anchor-1")
    assert read.doubts == ("near-identical frames",)


def collection(redis: Redis) -> CollectionStore:
    store = CollectionStore(redis, "dep-1", FACE_LIST)
    store.create(Collection("c1", "name", None, "recognition_04", "2026-12-01T00:00:00Z"), max_collections=10)
    return store


def test_a_persisted_face_keeps_its_provenance_through_an_update(redis_db: Redis) -> None:
    store = collection(redis_db)
    store.add_face("c1", "f1", np.ones(128, dtype=np.float32), person_id=None, user_data=None, max_faces=10,
                   provenance=TRUSTED)
    store.add_face("c1", "f2", np.ones(128, dtype=np.float32), person_id=None, user_data=None, max_faces=10)
    first = store.get_face("c1", "f1")
    assert first is not None and first.provenance.status is ProvenanceStatus.TRUSTED
    assert (first.provenance.captured_at, first.provenance.device_class) == (CAPTURED, DeviceClass.BODY_WORN)
    store.update_face("c1", first.face_id, "new user data")
    updated = store.get_face("c1", "f1")
    assert updated is not None and (updated.user_data, updated.provenance) == ("new user data", first.provenance)
    assert [face.provenance.status for face in store.list_faces("c1", None, 10)] == [ProvenanceStatus.TRUSTED,
                                                                                     ProvenanceStatus.NONE]


def test_a_persisted_face_stored_before_provenance_reads_as_none(redis_db: Redis) -> None:
    store = collection(redis_db)
    store.add_face("c1", "f1", np.ones(128, dtype=np.float32), person_id=None, user_data="u", max_faces=10)
    faces_key = keys.collection_part("dep-1", FACE_LIST.kind.value, "c1", "faces")
    redis_db.hset(faces_key, "f1", json.dumps({"personId": None, "userData": "u"}))  # as written before
    old = store.get_face("c1", "f1")
    assert old is not None and (old.user_data, old.provenance) == ("u", NO_PROVENANCE)
    assert [ids for ids, _, _ in store.scan_members("c1")] == [["f1"]]


def test_the_policy_in_force_only_moves_forward(redis_db: Redis) -> None:
    march, december = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    assert raise_high_water(redis_db, terms.document("2024-05")) == "2024-05"
    assert document_in_force(redis_db, march).version == "2024-05"
    assert document_in_force(redis_db, december, record=False).version == "2026-12"
    assert document_in_force(redis_db, march, record=False).version == "2024-05"  # the dry run raised nothing
    assert document_in_force(redis_db, december).version == "2026-12"
    assert document_in_force(redis_db, march).version == "2026-12"  # the clock went back; the terms did not
    assert raise_high_water(redis_db, terms.document("2020-06")) == "2026-12"
    assert document_in_force(redis_db, december + timedelta(days=1)).version == "2026-12"
