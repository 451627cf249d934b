"""PersonDirectory through HTTP: persons, faces per recognition model, dynamic person groups, the
operations their writes return, and identify/verify against them, on the real photos."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from redis import Redis

from tests.support.faces import photo
from tests.support.http import serve_bytes
from tests.support.images import encode
from tests.support.tenants import Account, sign_up
from tests.support.terms import (
    approve,
    detect_face,
    list_test_cameras,
    live,
    recorded,
    signed_photo,
    snapshot,
)

PREVIEW = "v1.2-preview.1"
OBAMA, OBAMA_PROBE = "people/obama/obama_small.jpg", "people/obama/obama2.jpg"
ROSE, KIT = "people/rose_leslie/img2.jpg", "people/kit_harington/john2.jpeg"


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


class Directory:
    def __init__(self, client: FlaskClient, account: Account, version: str = PREVIEW) -> None:
        self.client, self.account, self.version = client, account, version

    def call(self, method: str, path: str, body: Any = None, data: bytes | None = None, version: str | None = None,
             capture: dict[str, str] | None = None, **query: str) -> Any:
        headers = {**self.account.key_header, **(capture or {})}
        if data is not None:
            headers["Content-Type"] = "application/octet-stream"
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return self.client.open(f"/face/{version or self.version}{path}{'?' + qs if qs else ''}", method=method,
                                json=body, data=data, headers=headers)

    def done(self, response: Any) -> Any:
        """A 202's body, after checking its operation reads succeeded."""
        assert response.status_code == 202, response.get_json()
        polled = self.client.get(urlparse(response.headers["operation-Location"]).path,
                                 headers=self.account.key_header)
        assert polled.status_code == 200
        assert polled.get_json()["status"] == "succeeded" and polled.get_json()["finishedTime"]
        return response.get_json(silent=True)

    def person(self, name: str, **fields: str) -> str:
        return str(self.done(self.call("POST", "/persons", {"name": name, **fields}))["personId"])

    def add_face(self, person: str, path: str, model: str = "recognition_04", **query: str) -> str:
        added = self.call("POST", f"/persons/{person}/recognitionModels/{model}/persistedfaces",
                          data=photo(path).read(), **query)
        return str(self.done(added)["persistedFaceId"])

    def detect(self, path: str, model: str = "recognition_04") -> str:
        faces = self.call("POST", "/detect", data=photo(path).read(), recognitionModel=model).get_json()
        assert len(faces) == 1
        return str(faces[0]["faceId"])


@pytest.fixture
def pd(client: FlaskClient, account: Account) -> Directory:
    return Directory(client, account)


def error(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    assert response.headers["x-ms-error-code"] == body["error"]["code"]
    return response.status_code, body["error"]["code"], body["error"]["message"]


# versions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["v1.0", "v1.2"])
def test_the_directory_is_404_outside_the_previews_as_on_azure(pd: Directory, version: str) -> None:
    for method, path in (("POST", "/persons"), ("GET", "/persons"), ("GET", "/dynamicpersongroups"),
                         ("PUT", "/dynamicpersongroups/g")):
        response = pd.call(method, path, {"name": "n"}, version=version)
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "404")
    assert pd.call("GET", "/persons").get_json() == []


def test_both_previews_serve_the_same_directory(pd: Directory) -> None:
    person = pd.person("Barack")
    assert pd.call("GET", f"/persons/{person}", version="v1.1-preview.1").get_json()["name"] == "Barack"


# persons ------------------------------------------------------------------------------------

def test_person_lifecycle_with_operations_and_locations(pd: Directory) -> None:
    created = pd.call("POST", "/persons", {"name": "Barack", "userData": "44"})
    person = pd.done(created)["personId"]
    assert created.headers["Retry-After"] == "1"
    assert urlparse(created.headers["Location"]).path == f"/face/{PREVIEW}/persons/{person}"
    assert pd.client.get(urlparse(created.headers["Location"]).path, headers=pd.account.key_header).get_json() == {
        "personId": person, "name": "Barack", "userData": "44"}
    assert pd.call("PATCH", f"/persons/{person}", {"name": "Obama"}).status_code == 200
    assert pd.call("GET", f"/persons/{person}").get_json() == {"personId": person, "name": "Obama", "userData": "44"}
    assert [p["personId"] for p in pd.call("GET", "/persons").get_json()] == [person]
    pd.done(pd.call("DELETE", f"/persons/{person}"))
    assert error(pd.call("GET", f"/persons/{person}"))[:2] == (404, "PersonNotFound")
    assert error(pd.call("DELETE", f"/persons/{person}"))[:2] == (404, "PersonNotFound")


def test_persons_page_in_id_order(pd: Directory) -> None:
    persons = sorted(pd.person(f"p{i}") for i in range(5))
    assert [p["personId"] for p in pd.call("GET", "/persons", top="2").get_json()] == persons[:2]
    assert [p["personId"] for p in pd.call("GET", "/persons", start=persons[1]).get_json()] == persons[2:]
    assert error(pd.call("GET", "/persons", start="not-a-person")) == (
        400, "BadArgument", "'start' is not valid person ID.")
    assert error(pd.call("GET", "/persons", top="1001"))[2] == "'top' is invalid."


@pytest.mark.parametrize(("body", "message"), [
    ({}, "'name' is empty."),
    ({"name": ""}, "'name' is empty."),
    ({"name": "n" * 129}, "'name' is too long."),
    ({"name": "n", "userData": "u" * 16385}, "'userData' is too long."),
])
def test_bad_person_bodies_change_nothing(pd: Directory, body: dict[str, Any], message: str) -> None:
    assert error(pd.call("POST", "/persons", body)) == (400, "BadArgument", message)
    assert pd.call("GET", "/persons").get_json() == []


def test_person_updates_need_a_field_and_ids_must_be_persons(pd: Directory) -> None:
    person = pd.person("Barack")
    assert error(pd.call("PATCH", f"/persons/{person}", {})) == (
        400, "BadArgument", "Both 'name' and 'userData' are empty.")
    assert error(pd.call("GET", "/persons/nope")) == (404, "PersonNotFound", "Person ID is invalid.")
    assert error(pd.call("PATCH", f"/persons/{uuid.uuid4()}", {"name": "x"}))[:2] == (404, "PersonNotFound")


def test_the_f0_person_quota_is_azures(client: FlaskClient, redis_db: Redis) -> None:
    free = Directory(client, sign_up(client, sku="F0", deployment="free"))
    free.person("first")
    deployment = next(key for key in redis_db.scan_iter("visage:deployment:*:directory:persons"))
    redis_db.hset(deployment, mapping={str(uuid.uuid4()): '{"name": "x"}' for _ in range(999)})
    assert error(free.call("POST", "/persons", {"name": "one too many"})) == (
        403, "QuotaExceeded", "Person number reached subscription level limit.")


# faces --------------------------------------------------------------------------------------

def test_faces_are_kept_per_recognition_model(pd: Directory) -> None:
    person = pd.person("Barack")
    faces = f"/persons/{person}/recognitionModels/recognition_04/persistedfaces"
    added = pd.call("POST", faces, data=photo(OBAMA).read(), userData="first", detectionModel="detection_01")
    face = pd.done(added)["persistedFaceId"]
    assert urlparse(added.headers["Location"]).path == f"/face/{PREVIEW}{faces}/{face}"
    assert pd.call("GET", faces).get_json() == {"personId": person, "persistedFaceIds": [face]}
    assert pd.call("GET", f"/persons/{person}/recognitionModels/recognition_03/persistedfaces").get_json() == {
        "personId": person, "persistedFaceIds": []}
    assert pd.call("GET", f"{faces}/{face}").get_json() == {"persistedFaceId": face, "userData": "first"}
    assert error(pd.call("GET", f"/persons/{person}/recognitionModels/recognition_03/persistedfaces/{face}"))[:2] == (
        404, "PersistedFaceNotFound")
    assert pd.call("PATCH", f"{faces}/{face}", {"userData": "second"}).status_code == 200
    assert pd.call("GET", f"{faces}/{face}").get_json()["userData"] == "second"
    pd.done(pd.call("DELETE", f"{faces}/{face}"))
    assert pd.call("GET", faces).get_json()["persistedFaceIds"] == []
    assert error(pd.call("DELETE", f"{faces}/{face}"))[:2] == (404, "PersistedFaceNotFound")


@pytest.mark.parametrize(("model", "message"), [
    ("recognition_01", "Recognition model is not supported for this feature."),
    ("recognition_9", "'recognitionModel' is invalid."),
])
def test_the_directory_takes_recognition_02_to_04(pd: Directory, model: str, message: str) -> None:
    person = pd.person("Barack")
    path = f"/persons/{person}/recognitionModels/{model}/persistedfaces"
    assert error(pd.call("POST", path, data=photo(OBAMA).read())) == (400, "BadArgument", message)
    assert error(pd.call("GET", path)) == (400, "BadArgument", message)


def test_adding_a_face_checks_the_image_and_the_person(pd: Directory, redis_db: Redis) -> None:
    person = pd.person("Barack")
    before = {key for key in redis_db.scan_iter("visage:deployment:*:directory:recognition_04:*")}
    path = f"/persons/{person}/recognitionModels/recognition_04/persistedfaces"
    noise = Image.fromarray(np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8))
    assert error(pd.call("POST", path, data=encode(noise, "JPEG"))) == (
        400, "InvalidImage", "No face detected in the image.")
    assert error(pd.call("POST", path, data=photo("groups/two_people.jpg").read())) == (
        400, "InvalidImage", "There is more than 1 face in the image.")
    assert error(pd.call("POST", f"/persons/{uuid.uuid4()}/recognitionModels/recognition_04/persistedfaces",
                         data=photo(OBAMA).read()))[:2] == (404, "PersonNotFound")
    assert {key for key in redis_db.scan_iter("visage:deployment:*:directory:recognition_04:*")} == before
    boxes = pd.call("POST", "/detect", data=photo("groups/two_people.jpg").read(), returnFaceId="false").get_json()
    box = boxes[0]["faceRectangle"]
    target = f"{box['left']},{box['top']},{box['width']},{box['height']}"
    pd.done(pd.call("POST", path, data=photo("groups/two_people.jpg").read(), targetFace=target))


def test_a_face_from_an_allow_listed_url(app: Flask, pd: Directory) -> None:
    person = pd.person("Barack")
    app.config["URL_ALLOWLIST"] = ["127.0.0.1/32"]
    with serve_bytes(photo(OBAMA).read()) as url:
        face = pd.done(pd.call("POST", f"/persons/{person}/recognitionModels/recognition_03/persistedfaces",
                               {"url": url}))["persistedFaceId"]
    assert pd.call("GET", f"/persons/{person}/recognitionModels/recognition_03/persistedfaces").get_json()[
        "persistedFaceIds"] == [face]


def test_a_person_holds_248_faces_per_model(pd: Directory, redis_db: Redis) -> None:
    person = pd.person("Barack")
    pd.add_face(person, OBAMA)
    key = next(redis_db.scan_iter("visage:deployment:*:directory:recognition_04:person-faces"))
    redis_db.hset(key, person, ",".join(str(uuid.uuid4()) for _ in range(248)))
    path = f"/persons/{person}/recognitionModels/recognition_04/persistedfaces"
    assert error(pd.call("POST", path, data=photo(OBAMA).read())) == (
        403, "QuotaExceeded", "Persisted face number reached limit.")
    pd.add_face(person, OBAMA, model="recognition_03")


def test_deleting_a_person_deletes_its_faces_of_every_model(pd: Directory, redis_db: Redis) -> None:
    person = pd.person("Barack")
    pd.add_face(person, OBAMA)
    pd.add_face(person, OBAMA, model="recognition_02")
    pd.done(pd.call("DELETE", f"/persons/{person}"))
    assert list(redis_db.scan_iter("visage:deployment:*:directory:*")) == []


# dynamic person groups ----------------------------------------------------------------------

def test_dynamic_person_group_lifecycle(pd: Directory) -> None:
    first, second, third = (pd.person(name) for name in ("a", "b", "c"))
    assert pd.call("PUT", "/dynamicpersongroups/staff", {"name": "Staff", "userData": "u"}).status_code == 200
    pd.done(pd.call("PUT", "/dynamicpersongroups/night", {"name": "Night", "addPersonIds": [first, second]}))
    assert pd.call("GET", "/dynamicpersongroups/staff").get_json() == {
        "dynamicPersonGroupId": "staff", "name": "Staff", "userData": "u"}
    assert [g["dynamicPersonGroupId"] for g in pd.call("GET", "/dynamicpersongroups").get_json()] == [
        "night", "staff"]
    assert [g["dynamicPersonGroupId"] for g in pd.call("GET", "/dynamicpersongroups", start="night").get_json()] == [
        "staff"]
    assert pd.call("GET", "/dynamicpersongroups/night/persons").get_json() == {
        "personIds": sorted([first, second])}
    assert pd.call("PATCH", "/dynamicpersongroups/night", {"name": "Nights"}).status_code == 200
    pd.done(pd.call("PATCH", "/dynamicpersongroups/night", {"addPersonIds": [third], "removePersonIds": [first]}))
    assert pd.call("GET", "/dynamicpersongroups/night").get_json()["name"] == "Nights"
    assert pd.call("GET", "/dynamicpersongroups/night/persons").get_json() == {"personIds": sorted([second, third])}
    pd.done(pd.call("PATCH", "/dynamicpersongroups/staff", {"addPersonIds": [third]}))
    assert pd.call("GET", f"/persons/{third}/dynamicPersonGroupReferences").get_json() == {
        "dynamicPersonGroupIds": ["night", "staff"]}
    assert pd.call("GET", f"/persons/{third}/dynamicPersonGroupReferences", top="1").get_json() == {
        "dynamicPersonGroupIds": ["night"]}
    assert pd.call("GET", f"/persons/{first}/dynamicPersonGroupReferences").get_json() == {
        "dynamicPersonGroupIds": []}
    pd.done(pd.call("DELETE", "/dynamicpersongroups/night"))
    assert error(pd.call("GET", "/dynamicpersongroups/night")) == (
        404, "DynamicPersonGroupNotFound", "Dynamic person group was not found.")
    assert pd.call("GET", f"/persons/{third}/dynamicPersonGroupReferences").get_json() == {
        "dynamicPersonGroupIds": ["staff"]}
    assert pd.call("GET", f"/persons/{second}").status_code == 200


def test_deleting_a_person_takes_it_out_of_its_groups(pd: Directory) -> None:
    person, other = pd.person("a"), pd.person("b")
    pd.done(pd.call("PUT", "/dynamicpersongroups/g", {"name": "g", "addPersonIds": [person, other]}))
    pd.done(pd.call("DELETE", f"/persons/{person}"))
    assert pd.call("GET", "/dynamicpersongroups/g/persons").get_json() == {"personIds": [other]}


def test_group_errors_change_nothing(pd: Directory, redis_db: Redis) -> None:
    person = pd.person("a")
    pd.done(pd.call("PUT", "/dynamicpersongroups/g", {"name": "g", "addPersonIds": [person]}))
    before = snapshot(redis_db)
    ghost = str(uuid.uuid4())
    assert error(pd.call("PUT", "/dynamicpersongroups/g", {"name": "again"})) == (
        409, "DynamicPersonGroupExists", "Dynamic person group ID g already exists.")
    assert error(pd.call("PUT", "/dynamicpersongroups/h", {"name": "h", "addPersonIds": [person, ghost]})) == (
        404, "PersonNotFound", f"Person {ghost} is not found.")
    assert error(pd.call("PATCH", "/dynamicpersongroups/g", {"addPersonIds": [ghost]}))[:2] == (404, "PersonNotFound")
    assert error(pd.call("PATCH", "/dynamicpersongroups/g", {"removePersonIds": [ghost]}))[:2] == (
        404, "DynamicPersonGroupNotFound")
    assert error(pd.call("PATCH", "/dynamicpersongroups/g", {"addPersonIds": [person], "removePersonIds": [person]}
                         ))[:2] == (400, "BadArgument")
    assert error(pd.call("PATCH", "/dynamicpersongroups/g", {})) == (
        400, "BadArgument", "Both 'name' and 'userData' are empty.")
    assert error(pd.call("PUT", "/dynamicpersongroups/h", {"name": "h", "addPersonIds": []}))[:2] == (
        400, "BadArgument")
    assert error(pd.call("PUT", "/dynamicpersongroups/h", {"name": "h", "addPersonIds": ["nope"]})) == (
        400, "BadArgument", "Person ID is invalid.")
    assert error(pd.call("PUT", "/dynamicpersongroups/Bad%20Id", {"name": "h"})) == (
        400, "DynamicPersonGroupNotFound", "Dynamic person group ID is invalid.")
    assert error(pd.call("PATCH", "/dynamicpersongroups/ghost", {"name": "x"}))[:2] == (
        404, "DynamicPersonGroupNotFound")
    assert error(pd.call("DELETE", "/dynamicpersongroups/ghost"))[:2] == (404, "DynamicPersonGroupNotFound")
    assert error(pd.call("GET", "/dynamicpersongroups/ghost/persons"))[:2] == (404, "DynamicPersonGroupNotFound")
    assert error(pd.call("GET", "/dynamicpersongroups/g/persons", start="x")) == (
        400, "BadArgument", "'start' is not valid person ID.")
    assert snapshot(redis_db) == before


# recognition --------------------------------------------------------------------------------

@pytest.fixture
def cast(pd: Directory) -> dict[str, str]:
    """Three persons with faces of recognition_04 (and Barack's of recognition_03 too), by name."""
    persons = {name: pd.person(name) for name in ("barack", "rose", "kit")}
    pd.add_face(persons["barack"], OBAMA)
    pd.add_face(persons["barack"], OBAMA, model="recognition_03")
    pd.add_face(persons["rose"], ROSE)
    pd.add_face(persons["kit"], KIT)
    return persons


def identify(pd: Directory, probe: str, **scope: Any) -> Any:
    response = pd.call("POST", "/identify", {"faceIds": [probe], **scope})
    assert response.status_code == 200, response.get_json()
    [result] = response.get_json()
    assert result["faceId"] == probe
    return [candidate["personId"] for candidate in result["candidates"]]


def test_identify_against_the_directory_persons_and_groups(pd: Directory, cast: dict[str, str]) -> None:
    probe = pd.detect(OBAMA_PROBE)
    barack = cast["barack"]
    assert identify(pd, probe, personIds=["*"]) == [barack]
    assert identify(pd, probe, personIds=[cast["rose"], barack]) == [barack]
    assert identify(pd, probe, personIds=[cast["rose"], cast["kit"]]) == []
    assert len(identify(pd, probe, personIds=["*"], confidenceThreshold=0, maxNumOfCandidatesReturned=2)) == 2
    pd.done(pd.call("PUT", "/dynamicpersongroups/door", {"name": "door", "addPersonIds": [barack, cast["kit"]]}))
    pd.call("PUT", "/dynamicpersongroups/empty", {"name": "empty"})
    assert identify(pd, probe, dynamicPersonGroupId="door") == [barack]
    assert identify(pd, probe, dynamicPersonGroupId="empty") == []
    pd.done(pd.call("PATCH", "/dynamicpersongroups/door", {"removePersonIds": [barack]}))
    assert identify(pd, probe, dynamicPersonGroupId="door") == []
    # identify is served where Azure's GA swagger has it, over the same directory
    response = pd.call("POST", "/identify", {"faceIds": [probe], "personIds": ["*"]}, version="v1.2")
    assert response.get_json()[0]["candidates"][0]["personId"] == barack


def test_identify_searches_the_probes_recognition_model_only(pd: Directory, cast: dict[str, str]) -> None:
    assert identify(pd, pd.detect(OBAMA_PROBE, model="recognition_03"), personIds=["*"]) == [cast["barack"]]
    assert identify(pd, pd.detect(OBAMA_PROBE, model="recognition_02"), personIds=["*"]) == []
    old = pd.detect(OBAMA_PROBE, model="recognition_01")
    assert error(pd.call("POST", "/identify", {"faceIds": [old], "personIds": ["*"]})) == (
        400, "BadArgument", "Recognition model is not supported for this feature.")
    mixed = [pd.detect(OBAMA_PROBE), pd.detect(OBAMA_PROBE, model="recognition_03")]
    assert error(pd.call("POST", "/identify", {"faceIds": mixed, "personIds": ["*"]})) == (
        400, "BadArgument", "'recognitionModel' is incompatible.")


def test_a_face_added_is_found_at_once_and_a_face_deleted_is_gone(pd: Directory) -> None:
    person = pd.person("Barack")
    probe = pd.detect(OBAMA_PROBE)
    assert identify(pd, probe, personIds=[person]) == []
    face = pd.add_face(person, OBAMA)
    assert identify(pd, probe, personIds=[person]) == [person]
    pd.done(pd.call("DELETE", f"/persons/{person}/recognitionModels/recognition_04/persistedfaces/{face}"))
    assert identify(pd, probe, personIds=["*"]) == []


@pytest.mark.parametrize(("scope", "code", "message"), [
    ({"personIds": []}, "BadArgument", "The length of personIds is not in a valid range."),
    ({"personIds": [str(uuid.uuid4()) for _ in range(31)]}, "BadArgument",
     "The length of personIds is not in a valid range."),
    ({"personIds": ["*", str(uuid.uuid4())]}, "BadArgument",
     'personIds is ["*"] alone (the whole directory) or a list of person IDs.'),
    ({"personIds": ["nope"]}, "BadArgument", "Person ID is invalid."),
    ({"dynamicPersonGroupId": "Bad Id"}, "BadArgument", "Dynamic person group ID is invalid."),
    ({"personIds": ["*"], "dynamicPersonGroupId": "g"}, "IncompatibleIdentificationScopeParametersCombination",
     "Incompatible identification scope parameters are present in the request."),
    ({"personIds": ["*"], "largePersonGroupId": "g"}, "IncompatibleIdentificationScopeParametersCombination",
     "Incompatible identification scope parameters are present in the request."),
])
def test_identify_scope_errors(pd: Directory, scope: dict[str, Any], code: str, message: str) -> None:
    assert error(pd.call("POST", "/identify", {"faceIds": [str(uuid.uuid4())], **scope})) == (400, code, message)


def test_identify_against_unknown_persons_or_groups(pd: Directory) -> None:
    probe = pd.detect(OBAMA_PROBE)
    ghost = str(uuid.uuid4())
    assert error(pd.call("POST", "/identify", {"faceIds": [probe], "personIds": [ghost]})) == (
        400, "PersonNotFound", f"Person {ghost} is not found.")
    assert error(pd.call("POST", "/identify", {"faceIds": [probe], "dynamicPersonGroupId": "ghost"})) == (
        400, "DynamicPersonGroupNotFound", "Dynamic person group is not found.")


def test_verify_against_a_directory_person(pd: Directory, cast: dict[str, str]) -> None:
    probe = pd.detect(OBAMA_PROBE)
    same = pd.call("POST", "/verify", {"faceId": probe, "personId": cast["barack"]}).get_json()
    assert same["isIdentical"] is True and same["confidence"] > 0.5
    other = pd.call("POST", "/verify", {"faceId": probe, "personId": cast["rose"]}).get_json()
    assert other["isIdentical"] is False
    assert error(pd.call("POST", "/verify", {"faceId": pd.detect(OBAMA_PROBE, model="recognition_02"),
                                             "personId": cast["barack"]})) == (
        404, "PersistedFaceNotFound", "No persisted face of the person is found.")
    assert error(pd.call("POST", "/verify", {"faceId": probe, "personId": str(uuid.uuid4())}))[:2] == (
        404, "PersonNotFound")


# tenants ------------------------------------------------------------------------------------

def test_another_tenants_directory_is_not_found(client: FlaskClient, pd: Directory, cast: dict[str, str]) -> None:
    created = pd.call("POST", "/persons", {"name": "mine"})
    pd.done(created)
    pd.done(pd.call("PUT", "/dynamicpersongroups/mine", {"name": "m", "addPersonIds": [cast["barack"]]}))
    stranger = Directory(client, sign_up(client))
    barack = cast["barack"]
    assert error(stranger.call("GET", f"/persons/{barack}"))[:2] == (404, "PersonNotFound")
    assert error(stranger.call("DELETE", f"/persons/{barack}"))[:2] == (404, "PersonNotFound")
    assert error(stranger.call("GET", f"/persons/{barack}/recognitionModels/recognition_04/persistedfaces"))[:2] == (
        404, "PersonNotFound")
    assert error(stranger.call("GET", "/dynamicpersongroups/mine"))[:2] == (404, "DynamicPersonGroupNotFound")
    assert stranger.call("GET", "/persons").get_json() == []
    assert stranger.call("GET", "/dynamicpersongroups").get_json() == []
    operation = urlparse(created.headers["operation-Location"]).path
    assert error(client.get(operation, headers=stranger.account.key_header))[:2] == (404, "OperationNotFound")
    probe = stranger.detect(OBAMA_PROBE)
    assert identify(stranger, probe, personIds=["*"]) == []
    assert error(stranger.call("POST", "/identify", {"faceIds": [probe], "personIds": [barack]}))[:2] == (
        400, "PersonNotFound")
    assert error(stranger.call("POST", "/verify", {"faceId": probe, "personId": barack}))[:2] == (
        404, "PersonNotFound")
    mine = pd.detect(OBAMA_PROBE)
    assert error(stranger.call("POST", "/identify", {"faceIds": [mine], "personIds": ["*"]}))[:2] == (
        400, "FaceNotFound")


# terms of use --------------------------------------------------------------------------------

@pytest.fixture
def police(client: FlaskClient) -> Directory:
    """An approved law-enforcement tenant outside the US, with one person in its directory."""
    account = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police",
                      use_cases=["investigative_identification"])
    approve(client, account.tenant_id, "investigations on recorded material")
    return Directory(client, account)


def test_police_cannot_enrol_a_live_face_in_the_directory(police: Directory, redis_db: Redis) -> None:
    person = police.person("suspect")
    path = f"/persons/{person}/recognitionModels/recognition_04/persistedfaces"
    before, audited = snapshot(redis_db), redis_db.xlen("visage:audit")
    for capture in (live(), {}, recorded()):
        refused = police.call("POST", path, data=photo(OBAMA).read(), capture=capture)
        assert error(refused)[:2] == (403, "TermsOfUseViolation"), capture
        assert refused.get_json()["error"]["innererror"]["code"] == "le-realtime-identification"
    assert snapshot(redis_db) == before
    assert redis_db.xlen("visage:audit") == audited + 3
    list_test_cameras(police.client)
    police.done(police.call("POST", path, data=signed_photo(OBAMA)))


def test_police_identify_against_the_directory_only_on_old_trusted_footage(police: Directory) -> None:
    person = police.person("suspect")
    list_test_cameras(police.client)
    police.done(police.call("POST", f"/persons/{person}/recognitionModels/recognition_04/persistedfaces",
                            data=signed_photo(OBAMA)))
    group = {"name": "g", "addPersonIds": [person]}
    police.done(police.call("PUT", "/dynamicpersongroups/wanted", group))
    live_probe = detect_face(police.client, police.account, live(), path=OBAMA_PROBE)
    for scope in ({"personIds": ["*"]}, {"personIds": [person]}, {"dynamicPersonGroupId": "wanted"}):
        refused = police.call("POST", "/identify", {"faceIds": [live_probe], **scope}, capture=live())
        assert error(refused)[:2] == (403, "TermsOfUseViolation"), scope
    refused = police.call("POST", "/verify", {"faceId": live_probe, "personId": person}, capture=live())
    assert error(refused)[:2] == (403, "TermsOfUseViolation")
    detected = police.call("POST", "/detect", data=signed_photo(OBAMA_PROBE), recognitionModel="recognition_04")
    assert detected.headers["x-visage-provenance"] == "trusted"
    trusted = detected.get_json()[0]["faceId"]
    found = police.call("POST", "/identify", {"faceIds": [trusted], "dynamicPersonGroupId": "wanted"})
    assert found.status_code == 200, found.get_json()
    assert [c["personId"] for c in found.get_json()[0]["candidates"]] == [person]
