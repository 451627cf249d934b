"""The PersonDirectory through the SDK, against `visage up`: persons, faces per model, dynamic
person groups, their pollers, and identify/verify against them."""

from __future__ import annotations

import pytest
from sdk_live import Account
from visage import FaceClient, NotFoundError, OperationStatus, RecognitionModel

from tests.support.faces import photo

pytestmark = pytest.mark.slow

MODEL = RecognitionModel.RECOGNITION_04


def test_person_directory_from_person_to_identify(account: Account) -> None:
    with account.face_client() as client:
        directory = client.person_directory
        created = directory.begin_create_person("Barack", user_data="44")
        barack = created.result(timeout=30).person_id
        assert created.status() is OperationStatus.SUCCEEDED
        rose = directory.begin_create_person("Rose").result(timeout=30).person_id
        face = directory.begin_add_face(barack, MODEL, photo("people/obama/obama_small.jpg").file,
                                        user_data="first").result(timeout=30).persisted_face_id
        directory.begin_add_face(rose, MODEL, photo("people/rose_leslie/img2.jpg").file).result(timeout=30)
        assert directory.list_faces(barack, MODEL).persisted_face_ids == (face,)
        assert directory.list_faces(barack, RecognitionModel.RECOGNITION_03).persisted_face_ids == ()
        assert directory.get_face(barack, MODEL, face).user_data == "first"
        directory.update_person(barack, name="Obama")
        assert directory.get_person(barack).name == "Obama"
        assert {person.person_id for person in directory.list_persons(page_size=1)} == {barack, rose}

        directory.begin_create_dynamic_person_group("staff", "Staff", add_person_ids=[barack]).result(timeout=30)
        directory.begin_update_dynamic_person_group_persons("staff", add_person_ids=[rose]).result(timeout=30)
        assert sorted(directory.list_dynamic_person_group_persons("staff", page_size=1)) == sorted([barack, rose])
        assert list(directory.list_dynamic_person_group_references(barack)) == ["staff"]

        probe = face_id(client, "people/obama/obama2.jpg")
        [found] = client.identify_from_person_directory([probe], ["*"])
        assert [candidate.person_id for candidate in found.candidates] == [barack]
        [in_group] = client.identify_from_dynamic_person_group([probe], "staff")
        assert [candidate.person_id for candidate in in_group.candidates] == [barack]
        assert client.verify_from_person_directory(probe, barack).is_identical
        assert not client.verify_from_person_directory(probe, rose).is_identical

        directory.begin_delete_dynamic_person_group("staff").result(timeout=30)
        directory.begin_delete_person(barack).result(timeout=30)
        with pytest.raises(NotFoundError):
            directory.get_person(barack)


def face_id(client: FaceClient, path: str) -> str:
    found = client.detect(photo(path).file, recognition_model=MODEL)[0].face_id
    assert found
    return found
