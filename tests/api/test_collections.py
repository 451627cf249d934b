"""Collections through HTTP: CRUD, persons, persisted faces, paging, errors, deletion."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo
from tests.support.tenants import Account, sign_up

KINDS = ["persongroups", "largepersongroups", "facelists", "largefacelists"]
ID_FIELDS = {"persongroups": "personGroupId", "largepersongroups": "largePersonGroupId",
             "facelists": "faceListId", "largefacelists": "largeFaceListId"}
NOUNS = {"persongroups": "PersonGroup", "largepersongroups": "LargePersonGroup", "facelists": "FaceList",
         "largefacelists": "LargeFaceList"}


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


class Api:
    def __init__(self, client: FlaskClient, account: Account, version: str = "v1.2") -> None:
        self.client, self.account, self.version = client, account, version

    def call(self, method: str, path: str, body: Any = None, data: bytes | None = None, **query: str) -> Any:
        headers = dict(self.account.key_header)
        if data is not None:
            headers["Content-Type"] = "application/octet-stream"
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return self.client.open(f"/face/{self.version}{path}{'?' + qs if qs else ''}", method=method, json=body,
                                data=data, headers=headers)


@pytest.fixture
def api(client: FlaskClient, account: Account) -> Api:
    return Api(client, account)


def error(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize("kind", KINDS)
def test_collection_lifecycle(api: Api, kind: str) -> None:
    assert api.call("PUT", f"/{kind}/c1", {"name": "first", "userData": "u", "recognitionModel": "recognition_04"}
                    ).status_code == 200
    got = api.call("GET", f"/{kind}/c1", returnRecognitionModel="true").get_json()
    assert got[ID_FIELDS[kind]] == "c1" and got["name"] == "first" and got["userData"] == "u"
    assert got["recognitionModel"] == "recognition_04"
    assert "recognitionModel" not in api.call("GET", f"/{kind}/c1").get_json()
    assert api.call("PATCH", f"/{kind}/c1", {"name": "renamed"}).status_code == 200
    assert api.call("GET", f"/{kind}/c1").get_json()["name"] == "renamed"
    listed = api.call("GET", f"/{kind}").get_json()
    assert [c[ID_FIELDS[kind]] for c in listed] == ["c1"]
    assert error(api.call("PUT", f"/{kind}/c1", {"name": "again"})) == (
        409, f"{NOUNS[kind]}Exists", f"{api_noun(kind)} already exists.")
    assert api.call("DELETE", f"/{kind}/c1").status_code == 200
    assert error(api.call("GET", f"/{kind}/c1"))[:2] == (404, f"{NOUNS[kind]}NotFound")
    assert error(api.call("DELETE", f"/{kind}/c1"))[:2] == (404, f"{NOUNS[kind]}NotFound")


def api_noun(kind: str) -> str:
    return {"persongroups": "Person group", "largepersongroups": "Large person group", "facelists": "Face list",
            "largefacelists": "Large face list"}[kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("body", "message"), [
    ({}, "'name' is empty."),
    ({"name": ""}, "'name' is empty."),
    ({"name": "n" * 129}, "'name' is too long."),
    ({"name": "n", "userData": "u" * 16385}, "'userData' is too long."),
    ({"name": "n", "recognitionModel": "recognition_9"}, "'recognitionModel' is invalid."),
    ({"name": "n", "recognitionModel": 4}, "'recognitionModel' is invalid."),  # found by fuzzing: was a 500
    ({"name": "n", "recognitionModel": ["recognition_04"]}, "'recognitionModel' is invalid."),
])
def test_bad_create_bodies(api: Api, kind: str, body: dict[str, Any], message: str) -> None:
    assert error(api.call("PUT", f"/{kind}/c1", body)) == (400, "BadArgument", message)
    assert api.call("GET", f"/{kind}").get_json() == []


@pytest.mark.parametrize("kind", KINDS)
def test_bad_ids_are_bad_arguments(api: Api, kind: str) -> None:
    assert error(api.call("PUT", f"/{kind}/Bad%20Id", {"name": "n"})) == (
        400, "BadArgument", f"{api_noun(kind)} ID is invalid.")


def test_update_needs_name_or_user_data(api: Api) -> None:
    api.call("PUT", "/largepersongroups/g", {"name": "g"})
    assert error(api.call("PATCH", "/largepersongroups/g", {})) == (
        400, "BadArgument", "Both 'name' and 'userData' are empty.")


def test_paging_walks_ids_in_order(api: Api) -> None:
    for name in ["c", "a", "e", "b", "d"]:
        api.call("PUT", f"/largepersongroups/{name}", {"name": name})
    first = api.call("GET", "/largepersongroups", top="2").get_json()
    assert [g["largePersonGroupId"] for g in first] == ["a", "b"]
    rest = api.call("GET", "/largepersongroups", start="b", top="10").get_json()
    assert [g["largePersonGroupId"] for g in rest] == ["c", "d", "e"]
    assert error(api.call("GET", "/largepersongroups", top="0"))[2] == "'top' is invalid."


def test_persons_and_faces(api: Api) -> None:
    api.call("PUT", "/largepersongroups/g", {"name": "g"})
    created = api.call("POST", "/largepersongroups/g/persons", {"name": "Barack", "userData": "44"})
    person = created.get_json()["personId"]
    uuid.UUID(person)
    added = api.call("POST", f"/largepersongroups/g/persons/{person}/persistedfaces", data=photo(
        "people/obama/obama.jpg").read(), userData="first").get_json()["persistedFaceId"]
    got = api.call("GET", f"/largepersongroups/g/persons/{person}").get_json()
    assert got == {"personId": person, "name": "Barack", "userData": "44", "persistedFaceIds": [added]}
    face = api.call("GET", f"/largepersongroups/g/persons/{person}/persistedfaces/{added}").get_json()
    assert face == {"persistedFaceId": added, "userData": "first"}
    assert api.call("PATCH", f"/largepersongroups/g/persons/{person}/persistedfaces/{added}",
                    {"userData": "changed"}).status_code == 200
    assert api.call("GET", f"/largepersongroups/g/persons/{person}/persistedfaces/{added}").get_json()[
        "userData"] == "changed"
    assert api.call("PATCH", f"/largepersongroups/g/persons/{person}", {"name": "Obama"}).status_code == 200
    assert [p["name"] for p in api.call("GET", "/largepersongroups/g/persons").get_json()] == ["Obama"]
    assert api.call("DELETE", f"/largepersongroups/g/persons/{person}/persistedfaces/{added}").status_code == 200
    assert api.call("GET", f"/largepersongroups/g/persons/{person}").get_json()["persistedFaceIds"] == []
    assert api.call("DELETE", f"/largepersongroups/g/persons/{person}").status_code == 200
    assert error(api.call("GET", f"/largepersongroups/g/persons/{person}")) == (404, "PersonNotFound",
                                                                                 "Person is not found.")


def test_unknown_and_malformed_person_and_face_ids(api: Api) -> None:
    api.call("PUT", "/persongroups/g", {"name": "g"})
    assert error(api.call("GET", "/persongroups/g/persons/not-a-uuid")) == (404, "PersonNotFound",
                                                                             "Person ID is invalid.")
    assert error(api.call("GET", f"/persongroups/g/persons/{uuid.uuid4()}"))[:2] == (404, "PersonNotFound")
    person = api.call("POST", "/persongroups/g/persons", {"name": "p"}).get_json()["personId"]
    assert error(api.call("GET", f"/persongroups/g/persons/{person}/persistedfaces/{uuid.uuid4()}"))[:2] == (
        404, "PersistedFaceNotFound")
    assert error(api.call("POST", "/persongroups/missing/persons", {"name": "p"}))[:2] == (
        404, "PersonGroupNotFound")


def test_add_face_needs_exactly_one_face_or_a_target(api: Api) -> None:
    api.call("PUT", "/facelists/f", {"name": "f"})
    group_photo = photo("groups/two_people.jpg").read()
    assert error(api.call("POST", "/facelists/f/persistedfaces", data=group_photo)) == (
        400, "InvalidImage", "There is more than 1 face in the image.")
    blank = photo("people/obama/obama.jpg").read()[:1500]
    assert error(api.call("POST", "/facelists/f/persistedfaces", data=blank))[:2] == (400, "InvalidImage")
    detected = api.call("POST", "/face/v1.2/detect".replace("/face/v1.2", ""), data=group_photo,
                        returnFaceId="false").get_json()
    rect = detected[1]["faceRectangle"]
    target = f"{rect['left']},{rect['top']},{rect['width']},{rect['height']}"
    added = api.call("POST", "/facelists/f/persistedfaces", data=group_photo, targetFace=target)
    assert added.status_code == 200, added.get_json()
    assert error(api.call("POST", "/facelists/f/persistedfaces", data=group_photo, targetFace="0,0,99999,10"))[
        2] == "Argument targetFace out of range."
    faces = api.call("GET", "/facelists/f").get_json()["persistedFaces"]
    assert [f["persistedFaceId"] for f in faces] == [added.get_json()["persistedFaceId"]]


def test_add_face_from_a_url_is_guarded_like_detect(api: Api) -> None:
    api.call("PUT", "/largefacelists/l", {"name": "l"})
    response = api.call("POST", "/largefacelists/l/persistedfaces", {"url": "http://169.254.169.254/latest"})
    assert error(response)[:2] == (400, "InvalidURL")


def test_a_person_holds_at_most_248_faces(api: Api, redis_db: Redis) -> None:
    api.call("PUT", "/largepersongroups/g", {"name": "g"})
    person = api.call("POST", "/largepersongroups/g/persons", {"name": "p"}).get_json()["personId"]
    from server.domain.collections import RULES, CollectionKind
    from server.store.collections import CollectionStore
    from server.store.deployments import DeploymentRepository

    deployment = DeploymentRepository(redis_db).get(api.account.tenant_id, api.account.deployment)
    store = CollectionStore(redis_db, deployment.deployment_id, RULES[CollectionKind.LARGE_PERSON_GROUP])
    import numpy as np

    for _ in range(248):
        store.add_face("g", str(uuid.uuid4()), np.zeros(128, np.float32), person_id=person, user_data=None,
                       max_faces=248)
    response = api.call("POST", f"/largepersongroups/g/persons/{person}/persistedfaces",
                        data=photo("people/obama/obama.jpg").read())
    assert error(response) == (403, "QuotaExceeded", "Persisted face number reached limit.")


def test_f0_person_quota(client: FlaskClient) -> None:
    free = Api(client, sign_up(client, sku="F0", deployment="free"))
    free.call("PUT", "/persongroups/g", {"name": "g"})
    from server.domain.collections import RULES, CollectionKind

    assert RULES[CollectionKind.PERSON_GROUP].limits[next(iter(RULES[CollectionKind.PERSON_GROUP].limits))]
    # the quota itself is exercised at the store level; here: the F0 limit applies through the API
    assert free.call("POST", "/persongroups/g/persons", {"name": "p"}).status_code == 200


def test_deleting_a_group_leaves_no_key_of_it(api: Api, redis_db: Redis) -> None:
    api.call("PUT", "/largepersongroups/doomed", {"name": "d"})
    person = api.call("POST", "/largepersongroups/doomed/persons", {"name": "p"}).get_json()["personId"]
    api.call("POST", f"/largepersongroups/doomed/persons/{person}/persistedfaces",
             data=photo("people/obama/obama.jpg").read())
    assert api.call("POST", "/largepersongroups/doomed/train").status_code == 202
    from tests.support.workers import run_queued_jobs

    run_queued_jobs(redis_db)
    assert api.call("GET", "/largepersongroups/doomed/training").get_json()["status"] == "succeeded"
    assert any(b"doomed" in key for key in redis_db.scan_iter("*"))
    assert api.call("DELETE", "/largepersongroups/doomed").status_code == 200
    leftovers = [key for key in redis_db.scan_iter("*") if b"doomed" in key or person.encode() in key]
    assert leftovers == []
    training_keys = [key for key in redis_db.scan_iter("*operation:*")]
    assert training_keys == []


def test_another_tenants_collections_are_invisible(api: Api, client: FlaskClient) -> None:
    api.call("PUT", "/largepersongroups/mine", {"name": "mine"})
    other = Api(client, sign_up(client, deployment="other"))
    assert error(other.call("GET", "/largepersongroups/mine"))[:2] == (404, "LargePersonGroupNotFound")
    assert other.call("GET", "/largepersongroups").get_json() == []
    assert other.call("PUT", "/largepersongroups/mine", {"name": "theirs"}).status_code == 200


def test_collections_are_per_deployment(api: Api, client: FlaskClient) -> None:
    api.call("PUT", "/largepersongroups/g", {"name": "g"})
    created = client.post("/mgmt/v1/deployments", json={"name": "second", "sku": "S0", "region": "eastus"},
                          headers=api.account.bearer).get_json()
    second = client.get("/face/v1.2/largepersongroups",
                        headers={"Ocp-Apim-Subscription-Key": created["keys"]["key1"]}).get_json()
    assert second == []


def test_large_person_groups_through_the_management_api(client: FlaskClient, account: Account, api: Api) -> None:
    base = f"/mgmt/v1/deployments/{account.deployment}/largepersongroups"
    created = client.put(f"{base}/staff", json={"name": "Staff", "recognitionModel": "recognition_04"},
                         headers=account.bearer)
    assert created.status_code == 201
    assert created.get_json() == {"largePersonGroupId": "staff", "name": "Staff", "recognitionModel": "recognition_04"}
    assert api.call("GET", "/largepersongroups/staff").get_json()["name"] == "Staff"
    updated = client.patch(f"{base}/staff", json={"userData": "hr"}, headers=account.bearer)
    assert updated.get_json()["userData"] == "hr"
    assert [g["largePersonGroupId"] for g in client.get(base, headers=account.bearer).get_json()] == ["staff"]
    assert client.put(f"{base}/staff", json={"name": "x"}, headers=account.bearer).status_code == 409
    mistyped = client.put(f"{base}/typo", json={"name": "x", "recognitionModel": 4}, headers=account.bearer)
    assert mistyped.status_code == 400 and mistyped.get_json()["error"]["message"] == "'recognitionModel' is invalid."
    other = sign_up(client, deployment="theirs")
    assert client.get(f"{base}/staff", headers=other.bearer).status_code == 404
    assert client.delete(f"{base}/staff", headers=account.bearer).status_code == 204
    assert client.get(f"{base}/staff", headers=account.bearer).status_code == 404
    assert client.get("/mgmt/v1/deployments/nope/largepersongroups/staff", headers=account.bearer).status_code == 404
