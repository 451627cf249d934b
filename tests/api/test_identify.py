"""Identify, verify-to-person, find similar and group on the real photos, with training on RQ."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo, single_face_people
from tests.support.tenants import Account, sign_up
from tests.support.workers import run_queued_jobs

ENROL = {
    "obama": ["people/obama/obama.jpg", "people/obama/obama1.jpg"],
    "biden": ["people/biden/biden.jpg"],
    "kit_harington": ["people/kit_harington/john1.jpeg"],
    "rose_leslie": ["people/rose_leslie/img1.jpg"],
    "alex_lacamoire": ["people/alex_lacamoire/img1.jpg"],
}
PROBES = [p for p in single_face_people() if p.identity in ENROL and p.path not in sum(ENROL.values(), [])]


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def call(client: FlaskClient, account: Account, method: str, path: str, body: Any = None,
         data: bytes | None = None, version: str = "v1.2", **query: str) -> Any:
    headers = dict(account.key_header)
    if data is not None:
        headers["Content-Type"] = "application/octet-stream"
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return client.open(f"/face/{version}{path}{'?' + qs if qs else ''}", method=method, json=body, data=data,
                       headers=headers)


def detect_id(client: FlaskClient, account: Account, path: str, model: str = "recognition_04") -> str:
    faces = call(client, account, "POST", "/detect", data=photo(path).read(), recognitionModel=model).get_json()
    assert len(faces) == 1
    return str(faces[0]["faceId"])


def enrol(client: FlaskClient, account: Account, kind: str = "largepersongroups", group: str = "cast",
          model: str = "recognition_04") -> dict[str, str]:
    assert call(client, account, "PUT", f"/{kind}/{group}", {"name": "cast", "recognitionModel": model}
                ).status_code == 200
    persons = {}
    for identity, paths in ENROL.items():
        person = call(client, account, "POST", f"/{kind}/{group}/persons", {"name": identity}).get_json()["personId"]
        persons[person] = identity
        for path in paths:
            added = call(client, account, "POST", f"/{kind}/{group}/persons/{person}/persistedfaces",
                         data=photo(path).read(), detectionModel="detection_01")
            assert added.status_code == 200, added.get_json()
    return persons


def train(client: FlaskClient, account: Account, redis: Redis, kind: str, group: str) -> None:
    response = call(client, account, "POST", f"/{kind}/{group}/train")
    assert response.status_code == 202
    assert response.headers["operation-Location"].endswith(tuple("0123456789abcdef"))
    assert int(response.headers["Retry-After"]) >= 1
    run_queued_jobs(redis)
    assert call(client, account, "GET", f"/{kind}/{group}/training").get_json()["status"] == "succeeded"


@pytest.mark.parametrize("kind", ["largepersongroups", "persongroups"])
def test_identify_names_every_probe_photo(client: FlaskClient, account: Account, redis_db: Redis,
                                          kind: str) -> None:
    persons = enrol(client, account, kind)
    train(client, account, redis_db, kind, "cast")
    scope = "largePersonGroupId" if kind == "largepersongroups" else "personGroupId"
    probes = {detect_id(client, account, p.path): p.identity for p in PROBES}
    response = call(client, account, "POST", "/identify", {"faceIds": list(probes), scope: "cast"})
    assert response.status_code == 200
    for result in response.get_json():
        best = result["candidates"][0]
        assert persons[best["personId"]] == probes[result["faceId"]]
        assert best["confidence"] >= 0.5


def test_a_stranger_gets_no_candidates(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    enrol(client, account)
    train(client, account, redis_db, "largepersongroups", "cast")
    stranger = detect_id(client, account, "people/lin_manuel_miranda/lin-manuel-miranda.png")
    result = call(client, account, "POST", "/identify", {"faceIds": [stranger], "largePersonGroupId": "cast"})
    assert result.get_json() == [{"faceId": stranger, "candidates": []}]
    loose = call(client, account, "POST", "/identify", {"faceIds": [stranger], "largePersonGroupId": "cast",
                                                          "confidenceThreshold": 0, "maxNumOfCandidatesReturned": 2})
    assert len(loose.get_json()[0]["candidates"]) == 2


def test_untrained_and_training_states(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    enrol(client, account)
    probe = detect_id(client, account, "people/obama/obama2.jpg")
    body = {"faceIds": [probe], "largePersonGroupId": "cast"}
    assert call(client, account, "GET", "/largepersongroups/cast/training").get_json()["error"]["code"] == \
        "LargePersonGroupNotTrained"
    never = call(client, account, "POST", "/identify", body)
    assert (never.status_code, never.get_json()["error"]["code"]) == (400, "LargePersonGroupNotTrained")
    assert call(client, account, "POST", "/largepersongroups/cast/train").status_code == 202
    again = call(client, account, "POST", "/largepersongroups/cast/train")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "LargePersonGroupTrainingNotFinished")
    queued = call(client, account, "POST", "/identify", body)
    assert (queued.status_code, queued.get_json()["error"]["code"]) == (409, "LargePersonGroupTrainingNotFinished")
    run_queued_jobs(redis_db)
    assert call(client, account, "POST", "/identify", body).status_code == 200


def test_changes_after_training_are_seen_only_after_the_next_training(client: FlaskClient, account: Account,
                                                                       redis_db: Redis) -> None:
    enrol(client, account)
    train(client, account, redis_db, "largepersongroups", "cast")
    stranger_path = "people/lin_manuel_miranda/lin-manuel-miranda.png"
    person = call(client, account, "POST", "/largepersongroups/cast/persons", {"name": "lin"}).get_json()["personId"]
    call(client, account, "POST", f"/largepersongroups/cast/persons/{person}/persistedfaces",
         data=photo(stranger_path).read())
    probe = detect_id(client, account, stranger_path)
    body = {"faceIds": [probe], "largePersonGroupId": "cast"}
    assert call(client, account, "POST", "/identify", body).get_json()[0]["candidates"] == []
    train(client, account, redis_db, "largepersongroups", "cast")
    assert call(client, account, "POST", "/identify", body).get_json()[0]["candidates"][0]["personId"] == person


def test_operation_url_reports_azures_operation_result(client: FlaskClient, account: Account,
                                                       redis_db: Redis) -> None:
    enrol(client, account)
    response = call(client, account, "POST", "/largepersongroups/cast/train")
    path = response.headers["operation-Location"].split("/face/", 1)[1]
    queued = client.get(f"/face/{path}", headers=account.key_header)
    assert queued.get_json()["status"] == "notStarted" and queued.headers["Retry-After"] == "1"
    run_queued_jobs(redis_db)
    done = client.get(f"/face/{path}", headers=account.key_header).get_json()
    assert done["status"] == "succeeded" and done["finishedTime"] and done["operationId"] in path
    other = sign_up(client, deployment="elsewhere")
    assert client.get(f"/face/{path}", headers=other.key_header).status_code == 404


def test_a_person_without_faces_does_not_fail_training(client: FlaskClient, account: Account,
                                                       redis_db: Redis) -> None:
    call(client, account, "PUT", "/largepersongroups/sparse", {"name": "s"})
    call(client, account, "POST", "/largepersongroups/sparse/persons", {"name": "faceless"})
    train(client, account, redis_db, "largepersongroups", "sparse")


def test_verify_face_to_person_needs_no_training(client: FlaskClient, account: Account) -> None:
    persons = enrol(client, account)
    obama = next(pid for pid, name in persons.items() if name == "obama")
    probe = detect_id(client, account, "people/obama/obama3.jpg")
    same = call(client, account, "POST", "/verify", {"faceId": probe, "personId": obama, "largePersonGroupId": "cast"})
    assert same.get_json()["isIdentical"] is True
    biden = next(pid for pid, name in persons.items() if name == "biden")
    other = call(client, account, "POST", "/verify", {"faceId": probe, "personId": biden, "largePersonGroupId": "cast"})
    assert other.get_json()["isIdentical"] is False
    missing = call(client, account, "POST", "/verify", {"faceId": probe, "personId": str(uuid.uuid4()),
                                                         "largePersonGroupId": "cast"})
    assert missing.get_json()["error"]["code"] == "PersonNotFound"


@pytest.mark.parametrize(("body", "code", "message"), [
    ({"faceIds": []}, "BadArgument", "The length of faceIds is not in a valid range."),
    ({"faceIds": [str(uuid.uuid4())] * 11, "largePersonGroupId": "x"}, "BadArgument",
     "The length of faceIds is not in a valid range."),
    ({"faceIds": ["nope"], "largePersonGroupId": "x"}, "BadArgument", "Face ID is invalid."),
    ({"faceIds": [str(uuid.uuid4())]}, "PersonGroupIdAndLargePersonGroupIdBothNull",
     "Large person group ID and person group ID are both null."),
    ({"faceIds": [str(uuid.uuid4())], "largePersonGroupId": "x", "personGroupId": "y"},
     "PersonGroupIdAndLargePersonGroupIdBothNotNull", "Large person group ID and person group ID are both not null."),
    ({"faceIds": [str(uuid.uuid4())], "largePersonGroupId": "x", "maxNumOfCandidatesReturned": 101},
     "BadArgument", "The argument maxNumOfCandidatesReturned is not valid."),
    ({"faceIds": [str(uuid.uuid4())], "largePersonGroupId": "x", "confidenceThreshold": 1.5},
     "BadArgument", "The argument confidenceThreshold is not valid."),
    ({"faceIds": [str(uuid.uuid4())], "largePersonGroupId": "Bad Id"}, "BadArgument",
     "Large person group ID is invalid."),
    ({"faceIds": [str(uuid.uuid4())], "largePersonGroupId": "x"}, "FaceNotFound", "Face is not found."),
])
def test_identify_argument_errors(client: FlaskClient, account: Account, body: dict[str, Any], code: str,
                                  message: str) -> None:
    response = call(client, account, "POST", "/identify", body)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": code, "message": message}


def test_identify_against_an_unknown_group(client: FlaskClient, account: Account) -> None:
    probe = detect_id(client, account, "people/obama/obama2.jpg")
    response = call(client, account, "POST", "/identify", {"faceIds": [probe], "largePersonGroupId": "ghost"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "LargePersonGroupNotFound")


def test_mixed_recognition_models_are_refused(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    enrol(client, account, model="recognition_04")
    train(client, account, redis_db, "largepersongroups", "cast")
    old_model = detect_id(client, account, "people/obama/obama2.jpg", model="recognition_01")
    response = call(client, account, "POST", "/identify", {"faceIds": [old_model], "largePersonGroupId": "cast"})
    assert response.get_json()["error"]["message"] == "'recognitionModel' is incompatible."


def test_another_tenants_face_ids_are_not_found_in_identify(client: FlaskClient, account: Account,
                                                           redis_db: Redis) -> None:
    enrol(client, account)
    train(client, account, redis_db, "largepersongroups", "cast")
    other = sign_up(client, deployment="other")
    foreign = detect_id(client, other, "people/obama/obama2.jpg")
    response = call(client, account, "POST", "/identify", {"faceIds": [foreign], "largePersonGroupId": "cast"})
    assert response.get_json()["error"]["code"] == "FaceNotFound"


def test_find_similar_modes_against_face_ids(client: FlaskClient, account: Account) -> None:
    query = detect_id(client, account, "people/obama/obama.jpg")
    candidates = {detect_id(client, account, p): p for p in
                  ["people/obama/obama2.jpg", "people/obama/obama3.jpg", "people/biden/biden.jpg",
                   "people/rose_leslie/img1.jpg"]}
    same = call(client, account, "POST", "/findsimilars", {"faceId": query, "faceIds": list(candidates)}).get_json()
    assert {candidates[r["faceId"]] for r in same} == {"people/obama/obama2.jpg", "people/obama/obama3.jpg"}
    ranked = call(client, account, "POST", "/findsimilars", {"faceId": query, "faceIds": list(candidates),
                                                              "mode": "matchFace", "maxNumOfCandidatesReturned": 3})
    results = ranked.get_json()
    assert len(results) == 3
    assert [r["confidence"] for r in results] == sorted((r["confidence"] for r in results), reverse=True)


def test_find_similar_in_face_lists(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    added = {}
    for kind in ("facelists", "largefacelists"):
        call(client, account, "PUT", f"/{kind}/album", {"name": "album", "recognitionModel": "recognition_04"})
        for path in ["people/obama/obama1.jpg", "people/biden/biden2.jpg", "people/rose_leslie/img2.jpg"]:
            face = call(client, account, "POST", f"/{kind}/album/persistedfaces", data=photo(path).read()).get_json()
            added[face["persistedFaceId"]] = path
    query = detect_id(client, account, "people/obama/obama3.jpg")
    from_list = call(client, account, "POST", "/findsimilars", {"faceId": query, "faceListId": "album"}).get_json()
    assert [added[r["persistedFaceId"]] for r in from_list] == ["people/obama/obama1.jpg"]
    untrained = call(client, account, "POST", "/findsimilars", {"faceId": query, "largeFaceListId": "album"})
    assert untrained.get_json()["error"]["code"] == "LargeFaceListNotTrained"
    train(client, account, redis_db, "largefacelists", "album")
    from_large = call(client, account, "POST", "/findsimilars", {"faceId": query, "largeFaceListId": "album"})
    assert [added[r["persistedFaceId"]] for r in from_large.get_json()] == ["people/obama/obama1.jpg"]


@pytest.mark.parametrize(("body", "message"), [
    ({"faceId": "00000000-0000-0000-0000-000000000000"}, "LargeFaceListId, faceListId and faceIds are all null."),
    ({"faceId": "00000000-0000-0000-0000-000000000000", "faceListId": "a", "largeFaceListId": "b"},
     "2 or more of largeFaceListId, faceListId and faceIds are not null."),
    ({"faceId": "00000000-0000-0000-0000-000000000000", "faceListId": "a", "mode": "fuzzy"}, "Mode is invalid."),
    ({"faceId": "00000000-0000-0000-0000-000000000000", "faceListId": "a", "maxNumOfCandidatesReturned": 1001},
     "The argument maxNumOfCandidatesReturned is not valid."),
])
def test_find_similar_argument_errors(client: FlaskClient, account: Account, body: dict[str, Any],
                                      message: str) -> None:
    response = call(client, account, "POST", "/findsimilars", body)
    assert (response.status_code, response.get_json()["error"]["message"]) == (400, message)


def test_an_empty_face_list_is_not_ready(client: FlaskClient, account: Account) -> None:
    call(client, account, "PUT", "/facelists/empty", {"name": "e", "recognitionModel": "recognition_04"})
    query = detect_id(client, account, "people/obama/obama3.jpg")
    response = call(client, account, "POST", "/findsimilars", {"faceId": query, "faceListId": "empty"})
    assert response.get_json()["error"] == {"code": "FaceListNotReady", "message": "Face list is empty."}


def test_group_sorts_the_people_photos_by_identity(client: FlaskClient, account: Account) -> None:
    photos = single_face_people()
    ids = {detect_id(client, account, p.path): p.identity for p in photos}
    result = call(client, account, "POST", "/group", {"faceIds": list(ids)}).get_json()
    for group in result["groups"]:
        assert len({ids[face] for face in group}) == 1
    grouped = {ids[group[0]] for group in result["groups"]}
    several = {p.identity for p in photos if sum(q.identity == p.identity for q in photos) > 1}
    assert grouped == several
    assert [ids[face] for face in result["messyGroup"]] == ["lin_manuel_miranda"]
    sizes = [len(group) for group in result["groups"]]
    assert sizes == sorted(sizes, reverse=True)


def test_group_needs_two_to_a_thousand_faces(client: FlaskClient, account: Account) -> None:
    response = call(client, account, "POST", "/group", {"faceIds": [str(uuid.uuid4())]})
    assert response.get_json()["error"]["message"] == "The length of faceIds is not in a valid range."
