"""`client.person_directory`: request shapes under the preview version, pollers that carry the new
id at once, pagers over ids, and identify/verify against the directory."""

from __future__ import annotations

import pytest
import responses
from responses import matchers
from visage import DirectoryPoller, FaceClient, OperationFailedError, OperationStatus, RecognitionModel
from visage.models import DynamicPersonGroup, PersonDirectoryFaces, PersonDirectoryPerson
from visage_fakes import BASE, ENDPOINT, KEY, NO_JITTER, FakeClock, body_of

PD = f"{ENDPOINT}/face/v1.2-preview.1"
OPERATION = f"{PD}/operations/op-1"


def accepted(http: responses.RequestsMock, method: str, url: str, body: object = None,
             location: str | None = None) -> None:
    headers = {"operation-Location": OPERATION, "Retry-After": "1"}
    if location:
        headers["Location"] = location
    http.add(method, url, status=202, json=body, headers=headers)


def succeeded(http: responses.RequestsMock, status: str = "succeeded", message: str | None = None) -> None:
    http.get(OPERATION, json={"operationId": "op-1", "status": status, "createdTime": "2026-01-31T09:30:00.000Z",
                              "finishedTime": "2026-01-31T09:30:00.000Z", "message": message})


def test_create_person_carries_its_id_at_once_and_waits_for_the_operation(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    accepted(http, "POST", f"{PD}/persons", {"personId": "p1"}, location=f"{PD}/persons/p1")
    succeeded(http)
    created = client.person_directory.begin_create_person("Ada", user_data="engineer")
    assert isinstance(created, DirectoryPoller) and created.value.person_id == "p1"
    assert created.operation_id == "op-1" and len(http.calls) == 1
    assert created.result().person_id == "p1"
    assert created.status() is OperationStatus.SUCCEEDED and clock.sleeps == [1.0]
    assert body_of(http.calls[0]) == {"name": "Ada", "userData": "engineer"}


def test_a_failed_operation_raises(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, "DELETE", f"{PD}/persons/p1")
    succeeded(http, "failed", "gone")
    with pytest.raises(OperationFailedError, match="Operation failed: gone"):
        client.person_directory.begin_delete_person("p1").result()


def test_the_directory_uses_the_clients_preview_version_or_the_newest_preview(clock: FakeClock,
                                                                              http: responses.RequestsMock) -> None:
    older = f"{ENDPOINT}/face/v1.1-preview.1"
    http.get(f"{older}/persons/p1", json={"personId": "p1", "name": "Ada"})
    http.get(f"{PD}/persons/p1", json={"personId": "p1", "name": "Ada"})
    with FaceClient(ENDPOINT, KEY, api_version="v1.1-preview.1", retry=NO_JITTER, clock=clock) as preview:
        assert preview.person_directory.get_person("p1") == PersonDirectoryPerson("p1", "Ada")
    with FaceClient(ENDPOINT, KEY, api_version="v1.0", retry=NO_JITTER, clock=clock) as old:
        assert old.person_directory.get_person("p1").name == "Ada"


def test_faces_per_recognition_model(client: FaceClient, http: responses.RequestsMock) -> None:
    faces = f"{PD}/persons/p1/recognitionModels/recognition_04/persistedfaces"
    accepted(http, "POST", faces, {"persistedFaceId": "f1"},
             location=f"{faces}/f1")
    http.get(faces, json={"personId": "p1", "persistedFaceIds": ["f1"]})
    http.get(f"{faces}/f1", json={"persistedFaceId": "f1", "userData": "x"})
    patch = http.patch(f"{faces}/f1")
    accepted(http, "DELETE", f"{faces}/f1")
    directory = client.person_directory
    added = directory.begin_add_face("p1", RecognitionModel.RECOGNITION_04, b"jpeg bytes", target_face=[1, 2, 3, 4],
                                     detection_model="detection_03", user_data="x")
    assert added.value.persisted_face_id == "f1"
    call = http.calls[0].request
    assert call.headers["Content-Type"] == "application/octet-stream" and call.body == b"jpeg bytes"
    assert "targetFace=1%2C2%2C3%2C4" in str(call.url) and "detectionModel=detection_03" in str(call.url)
    assert directory.list_faces("p1", "recognition_04") == PersonDirectoryFaces("p1", ("f1",))
    assert directory.get_face("p1", "recognition_04", "f1").user_data == "x"
    directory.update_face("p1", "recognition_04", "f1", user_data="y")
    assert body_of(patch.calls[0]) == {"userData": "y"}
    assert directory.begin_delete_face("p1", "recognition_04", "f1").value is None


def test_add_a_face_from_a_url(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, "POST", f"{PD}/persons/p1/recognitionModels/recognition_03/persistedfaces",
             {"persistedFaceId": "f2"})
    added = client.person_directory.begin_add_face_from_url("p1", "recognition_03", "https://example.com/a.jpg")
    assert added.value.persisted_face_id == "f2"
    assert body_of(http.calls[0]) == {"url": "https://example.com/a.jpg"}


def test_dynamic_person_groups(client: FaceClient, http: responses.RequestsMock) -> None:
    empty = http.put(f"{PD}/dynamicpersongroups/night")
    accepted(http, "PUT", f"{PD}/dynamicpersongroups/staff")
    http.get(f"{PD}/dynamicpersongroups/staff", json={"dynamicPersonGroupId": "staff", "name": "Staff"})
    rename = http.patch(f"{PD}/dynamicpersongroups/staff")
    accepted(http, "PATCH", f"{PD}/dynamicpersongroups/staff")
    accepted(http, "DELETE", f"{PD}/dynamicpersongroups/staff")
    directory = client.person_directory
    directory.create_dynamic_person_group("night", "Night")
    directory.begin_create_dynamic_person_group("staff", "Staff", add_person_ids=["p1", "p2"])
    assert directory.get_dynamic_person_group("staff") == DynamicPersonGroup("staff", "Staff")
    directory.update_dynamic_person_group("staff", name="All staff")
    directory.begin_update_dynamic_person_group_persons("staff", add_person_ids=["p3"], remove_person_ids=["p1"])
    directory.begin_delete_dynamic_person_group("staff")
    assert body_of(empty.calls[0]) == {"name": "Night"}
    assert body_of(http.calls[1]) == {"name": "Staff", "addPersonIds": ["p1", "p2"]}
    assert body_of(rename.calls[0]) == {"name": "All staff"}
    assert body_of(http.calls[4]) == {"addPersonIds": ["p3"], "removePersonIds": ["p1"]}
    with pytest.raises(ValueError, match="add_person_ids or remove_person_ids"):
        directory.begin_update_dynamic_person_group_persons("staff")
    with pytest.raises(TypeError, match="list of person ids"):
        directory.begin_create_dynamic_person_group("staff", "Staff", add_person_ids="p1")


def test_pagers_walk_ids_with_start_and_top(client: FaceClient, http: responses.RequestsMock) -> None:
    persons = f"{PD}/dynamicpersongroups/staff/persons"
    http.get(persons, json={"personIds": ["a", "b"]}, match=[matchers.query_param_matcher({"top": "2"})])
    http.get(persons, json={"personIds": ["c"]}, match=[matchers.query_param_matcher({"start": "b", "top": "2"})])
    http.get(f"{PD}/persons", json=[{"personId": "a", "name": "A"}],
             match=[matchers.query_param_matcher({"top": "1000"})])
    http.get(f"{PD}/persons/a/dynamicPersonGroupReferences", json={"dynamicPersonGroupIds": ["staff"]})
    directory = client.person_directory
    assert list(directory.list_dynamic_person_group_persons("staff", page_size=2)) == ["a", "b", "c"]
    assert [p.person_id for p in directory.list_persons()] == ["a"]
    assert list(directory.list_dynamic_person_group_references("a")) == ["staff"]


def test_identify_and_verify_against_the_directory(client: FaceClient, http: responses.RequestsMock) -> None:
    answer = [{"faceId": "f", "candidates": [{"personId": "p1", "confidence": 0.9}]}]
    everyone = http.post(f"{BASE}/identify", json=answer)
    verify = http.post(f"{BASE}/verify", json={"isIdentical": True, "confidence": 0.9})
    assert client.identify_from_person_directory(["f"], ["*"])[0].candidates[0].person_id == "p1"
    client.identify_from_dynamic_person_group(["f"], "staff", confidence_threshold=0.6)
    assert client.verify_from_person_directory("f", "p1").is_identical
    assert body_of(everyone.calls[0]) == {"faceIds": ["f"], "personIds": ["*"]}
    assert body_of(everyone.calls[1]) == {"faceIds": ["f"], "dynamicPersonGroupId": "staff",
                                          "confidenceThreshold": 0.6}
    assert body_of(verify.calls[0]) == {"faceId": "f", "personId": "p1"}
    with pytest.raises(TypeError, match="not one string"):
        client.identify_from_person_directory(["f"], "*")
