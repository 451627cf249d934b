"""POST /face/{v}/verify, face to face, on every pair of the single-face photos."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo, single_face_people
from tests.support.tenants import Account, sign_up


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def face_id(client: FlaskClient, account: Account, path: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(f"/face/v1.2/detect?{query}", data=photo(path).read(),
                           headers={**account.key_header, "Content-Type": "application/octet-stream"})
    faces = response.get_json()
    assert response.status_code == 200 and len(faces) == 1, faces
    return str(faces[0]["faceId"])


def verify(client: FlaskClient, account: Account, body: dict[str, Any], version: str = "v1.2") -> Any:
    return client.post(f"/face/{version}/verify", json=body, headers=account.key_header)


def test_every_pair_of_people_photos_verifies_as_its_identities_say(client: FlaskClient, account: Account) -> None:
    people = single_face_people()
    ids = {p.path: face_id(client, account, p.path) for p in people}
    wrong = []
    for first, second in itertools.combinations(people, 2):
        response = verify(client, account, {"faceId1": ids[first.path], "faceId2": ids[second.path]})
        assert response.status_code == 200
        result = response.get_json()
        same = first.identity == second.identity
        if result["isIdentical"] is not same or (result["confidence"] >= 0.5) is not same:
            wrong.append((first.path, second.path, result))
    assert wrong == []


def test_a_face_verified_against_itself_is_identical_with_full_confidence(client: FlaskClient,
                                                                          account: Account) -> None:
    fid = face_id(client, account, "people/biden/biden.jpg")
    result = verify(client, account, {"faceId1": fid, "faceId2": fid}).get_json()
    assert result["isIdentical"] is True and result["confidence"] > 0.99


def test_field_names_are_case_insensitive_as_on_azure(client: FlaskClient, account: Account) -> None:
    fid = face_id(client, account, "people/biden/biden.jpg")
    response = verify(client, account, {"faceid1": fid, "FACEID2": fid}, version="v1.0")
    assert response.status_code == 200


def test_another_tenants_face_is_not_found(client: FlaskClient, account: Account) -> None:
    theirs = face_id(client, account, "people/biden/biden.jpg")
    intruder = sign_up(client, deployment="intruder")
    mine = face_id(client, intruder, "people/biden/biden2.jpg")
    response = verify(client, intruder, {"faceId1": mine, "faceId2": theirs})
    assert response.status_code == 404
    assert response.get_json()["error"] == {"code": "FaceNotFound", "message": "Face is not found."}


def test_unknown_and_expired_faces_are_not_found(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    fid = face_id(client, account, "people/biden/biden.jpg", faceIdTimeToLive="60")
    unknown = str(uuid.uuid4())
    assert verify(client, account, {"faceId1": fid, "faceId2": unknown}).status_code == 404
    redis_db.pexpire(f"visage:face:{fid}", 1)
    redis_db.delete(f"visage:face:{fid}")  # what expiry leaves: nothing
    response = verify(client, account, {"faceId1": fid, "faceId2": fid})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "FaceNotFound"


@pytest.mark.parametrize("body", [
    {"faceId1": "not-a-uuid", "faceId2": str(uuid.uuid4())},
    {"faceId1": str(uuid.uuid4())},
    {"faceId1": 7, "faceId2": str(uuid.uuid4())},
    {},
])
def test_malformed_bodies_are_bad_arguments(client: FlaskClient, account: Account, body: dict[str, Any]) -> None:
    response = verify(client, account, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "BadArgument"


def test_mixed_recognition_models_are_refused(client: FlaskClient, account: Account) -> None:
    first = face_id(client, account, "people/biden/biden.jpg", recognitionModel="recognition_01")
    second = face_id(client, account, "people/biden/biden2.jpg", recognitionModel="recognition_04")
    response = verify(client, account, {"faceId1": first, "faceId2": second})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "'recognitionModel' is incompatible."


def test_verify_needs_a_key(client: FlaskClient) -> None:
    response = client.post("/face/v1.2/verify", json={"faceId1": str(uuid.uuid4()), "faceId2": str(uuid.uuid4())})
    assert response.status_code == 401
