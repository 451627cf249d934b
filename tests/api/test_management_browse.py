"""Collections of every kind, read through the management API (for the web console): what the data
plane holds, addressed by deployment name with the management token, and never another tenant's."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo
from tests.support.tenants import Account, sign_up
from tests.support.terms import OTHER_PHOTO, SMALL_PHOTO, recorded
from tests.support.workers import run_queued_jobs

OCTET = {"Content-Type": "application/octet-stream"}
PERSON_KINDS = ("persongroups", "largepersongroups")
FACE_KINDS = ("facelists", "largefacelists")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.path, response.get_json())
    return response.get_json()


def enroll(client: FlaskClient, account: Account, path: str, image: str, user_data: str | None = None) -> str:
    query = f"?userData={user_data}" if user_data else ""
    response = client.post(f"/face/v1.2{path}/persistedfaces{query}", data=photo(image).read(),
                           headers={**account.key_header, **OCTET, **recorded()})
    return str(ok(response)["persistedFaceId"])


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def mgmt(account: Account) -> str:
    return f"/mgmt/v1/deployments/{account.deployment}"


@pytest.mark.parametrize("kind", PERSON_KINDS)
def test_a_person_group_with_its_persons_faces_and_training(client: FlaskClient, redis_db: Redis, account: Account,
                                                            kind: str) -> None:
    key = account.key_header
    ok(client.put(f"/face/v1.2/{kind}/staff", json={"name": "Staff", "userData": "team",
                                                     "recognitionModel": "recognition_04"}, headers=key))
    persons = f"/face/v1.2/{kind}/staff/persons"
    barack = ok(client.post(persons, json={"name": "Barack", "userData": "44"}, headers=key))["personId"]
    joe = ok(client.post(persons, json={"name": "Joe"}, headers=key))["personId"]
    first = enroll(client, account, f"/{kind}/staff/persons/{barack}", SMALL_PHOTO, "front")
    second = enroll(client, account, f"/{kind}/staff/persons/{barack}", "people/obama/obama2.jpg")
    enroll(client, account, f"/{kind}/staff/persons/{joe}", OTHER_PHOTO)
    base = f"{mgmt(account)}/{kind}"

    listed = ok(client.get(base, headers=account.bearer))
    assert [(group["name"], group["userData"], group["recognitionModel"]) for group in listed] == [
        ("Staff", "team", "recognition_04")]
    assert ok(client.get(f"{base}/staff", headers=account.bearer))["name"] == "Staff"
    found = {person["name"]: person for person in ok(client.get(f"{base}/staff/persons", headers=account.bearer))}
    assert found["Barack"]["userData"] == "44" and "userData" not in found["Joe"]
    assert found["Barack"]["persistedFaceIds"] == [first, second] and len(found["Joe"]["persistedFaceIds"]) == 1
    faces = ok(client.get(f"{base}/staff/persons/{barack}/persistedfaces", headers=account.bearer))
    assert faces == [{"persistedFaceId": first, "userData": "front"}, {"persistedFaceId": second}]
    paged = ok(client.get(f"{base}/staff/persons?top=1", headers=account.bearer))
    after = ok(client.get(f"{base}/staff/persons?start={paged[0]['personId']}", headers=account.bearer))
    assert len(paged) == 1 and [person["personId"] for person in paged + after] == sorted([barack, joe])

    never = client.get(f"{base}/staff/training", headers=account.bearer)
    assert never.status_code == 404 and never.get_json()["error"]["code"].endswith("NotTrained")
    ok(client.post(f"/face/v1.2/{kind}/staff/train", headers=key), 202)
    run_queued_jobs(redis_db)
    trained = ok(client.get(f"{base}/staff/training", headers=account.bearer))
    assert trained["status"] == "succeeded" and trained["lastSuccessfulTrainingDateTime"]


@pytest.mark.parametrize("kind", FACE_KINDS)
def test_a_face_list_with_its_faces(client: FlaskClient, redis_db: Redis, account: Account, kind: str) -> None:
    ok(client.put(f"/face/v1.2/{kind}/visitors", json={"name": "Visitors"}, headers=account.key_header))
    first = enroll(client, account, f"/{kind}/visitors", SMALL_PHOTO, "lobby")
    second = enroll(client, account, f"/{kind}/visitors", OTHER_PHOTO)
    base = f"{mgmt(account)}/{kind}"

    assert [group["name"] for group in ok(client.get(base, headers=account.bearer))] == ["Visitors"]
    got = ok(client.get(f"{base}/visitors", headers=account.bearer))
    assert got["name"] == "Visitors"
    faces = ok(client.get(f"{base}/visitors/persistedfaces", headers=account.bearer))
    by_id = {face["persistedFaceId"]: face.get("userData") for face in faces}
    assert by_id == {first: "lobby", second: None}
    if kind == "facelists":
        assert {face["persistedFaceId"] for face in got["persistedFaces"]} == {first, second}
    else:
        never = client.get(f"{base}/visitors/training", headers=account.bearer)
        assert never.status_code == 404 and never.get_json()["error"]["code"] == "LargeFaceListNotTrained"


def test_another_tenants_deployment_is_not_found_on_every_route(client: FlaskClient, account: Account) -> None:
    ok(client.put("/face/v1.2/persongroups/private", json={"name": "Private"}, headers=account.key_header))
    person = ok(client.post("/face/v1.2/persongroups/private/persons", json={"name": "P"},
                            headers=account.key_header))["personId"]
    other = sign_up(client, deployment="elsewhere")
    paths = ["persongroups", "persongroups/private", "persongroups/private/persons",
             f"persongroups/private/persons/{person}/persistedfaces", "persongroups/private/training",
             "largepersongroups/private/persons", "largepersongroups/private/training", "facelists",
             "facelists/private", "facelists/private/persistedfaces", "largefacelists", "largefacelists/private",
             "largefacelists/private/persistedfaces", "largefacelists/private/training"]
    for path in paths:
        response = client.get(f"{mgmt(account)}/{path}", headers=other.bearer)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "DeploymentNotFound", path
        assert client.get(f"{mgmt(account)}/{path}").status_code == 401, path
    # the same name in the other tenant is its own deployment, with none of the first tenant's collections
    same_name = sign_up(client, deployment=account.deployment)
    assert ok(client.get(f"{mgmt(account)}/persongroups", headers=same_name.bearer)) == []
    gone = client.get(f"{mgmt(account)}/persongroups/private/persons", headers=same_name.bearer)
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "PersonGroupNotFound"


def test_unknown_persons_and_bad_pages_are_refused(client: FlaskClient, account: Account) -> None:
    ok(client.put("/face/v1.2/largepersongroups/staff", json={"name": "Staff"}, headers=account.key_header))
    base = f"{mgmt(account)}/largepersongroups/staff"
    missing = client.get(f"{base}/persons/00000000-0000-0000-0000-000000000000/persistedfaces",
                         headers=account.bearer)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "PersonNotFound"
    assert client.get(f"{base}/persons?top=0", headers=account.bearer).status_code == 400
    assert client.get(f"{mgmt(account)}/largefacelists/NOT-AN-ID", headers=account.bearer).status_code == 400
