"""Collections, training and identification through the SDK, against `visage up`."""

from __future__ import annotations

import uuid

import pytest
from sdk_live import Account
from visage import (
    ConflictError,
    FaceClient,
    FindSimilarMatchMode,
    NotFoundError,
    OperationStatus,
    RecognitionModel,
)

from tests.support.faces import photo

pytestmark = pytest.mark.slow

MODEL = RecognitionModel.RECOGNITION_04
ENROL = {"obama": ("people/obama/obama.jpg", "people/obama/obama1.jpg"), "biden": ("people/biden/biden.jpg",)}
QUERY = photo("people/obama/obama2.jpg")


def face_id_of(client: FaceClient, path: str) -> str:
    face_id = client.detect(photo(path).file, recognition_model=MODEL)[0].face_id
    assert face_id
    return face_id


def test_large_person_group_train_and_identify(account: Account) -> None:
    with account.face_client() as client:
        groups = client.large_person_groups
        group_id = f"sdk-{uuid.uuid4().hex[:8]}"
        groups.create(group_id, "SDK e2e", user_data="made by the SDK tests", recognition_model=MODEL)
        try:
            with pytest.raises(ConflictError):
                groups.create(group_id, "again")
            person_ids = {}
            for name, paths in ENROL.items():
                person_ids[name] = groups.persons.create(group_id, name).person_id
                for path in paths:
                    groups.faces.add(group_id, person_ids[name], photo(path).file)
            assert len(groups.persons.get(group_id, person_ids["obama"]).persisted_face_ids) == 2
            assert {p.person_id for p in groups.persons.list(group_id, page_size=1)} == set(person_ids.values())
            assert groups.get(group_id, return_recognition_model=True).recognition_model is MODEL
            assert group_id in {group.large_person_group_id for group in groups.list(page_size=1)}

            poller = groups.begin_train(group_id)
            assert poller.result(timeout=120).status is OperationStatus.SUCCEEDED
            assert groups.get_training_status(group_id).status is OperationStatus.SUCCEEDED

            query = face_id_of(client, QUERY.path)
            identified = client.identify_from_large_person_group([query], group_id)
            assert identified[0].candidates and identified[0].candidates[0].person_id == person_ids["obama"]
            verified = client.verify_from_large_person_group(query, group_id, person_ids["obama"])
            assert verified.is_identical
        finally:
            groups.delete(group_id)
        with pytest.raises(NotFoundError):
            groups.get(group_id)


def test_large_face_list_find_similar(account: Account) -> None:
    with account.face_client() as client:
        lists = client.large_face_lists
        list_id = f"sdk-{uuid.uuid4().hex[:8]}"
        lists.create(list_id, "SDK e2e", recognition_model=MODEL)
        try:
            added = {path: lists.faces.add(list_id, photo(path).file).persisted_face_id
                     for paths in ENROL.values() for path in paths}
            assert {face.persisted_face_id for face in lists.faces.list(list_id, page_size=2)} == set(added.values())
            assert list_id in {found.large_face_list_id for found in lists.list()}
            lists.begin_train(list_id).result(timeout=120)
            similar = client.find_similar_from_large_face_list(face_id_of(client, QUERY.path), list_id,
                                                               mode=FindSimilarMatchMode.MATCH_PERSON)
            assert similar and similar[0].persisted_face_id in {added[p] for p in ENROL["obama"]}
        finally:
            lists.delete(list_id)


def test_find_similar_and_group_face_ids(account: Account) -> None:
    with account.face_client() as client:
        obama, obama_again, biden = (face_id_of(client, path) for path in (
            "people/obama/obama.jpg", QUERY.path, "people/biden/biden.jpg"))
        similar = client.find_similar(obama, [obama_again, biden])
        assert [result.face_id for result in similar][:1] == [obama_again]
        grouped = client.group([obama, obama_again, biden])
        assert any({obama, obama_again} <= set(group) for group in grouped.groups)
