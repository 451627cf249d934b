"""Collections as attribute groups: request shapes, and pagers that walk start/top lazily."""

from __future__ import annotations

import pytest
import responses
from responses import matchers
from visage import Camera, CaptureContext, DetectionModel, FaceClient, ItemPaged, ServiceError
from visage.enums import RecognitionModel
from visage.models import FaceRectangle, LargePersonGroup
from visage_fakes import BASE, body_of


def group(n: int) -> dict[str, str]:
    return {"largePersonGroupId": f"g{n:02d}", "name": f"Group {n}"}


def test_create_sends_put_with_name_user_data_and_model(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.put(f"{BASE}/largepersongroups/staff")
    client.large_person_groups.create("staff", "Staff", user_data="floor 2",
                                      recognition_model=RecognitionModel.RECOGNITION_04)
    assert body_of(call.calls[0]) == {"name": "Staff", "userData": "floor 2", "recognitionModel": "recognition_04"}


def test_get_update_delete(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/largepersongroups/staff", json={**group(1), "recognitionModel": "recognition_04"},
             match=[matchers.query_param_matcher({"returnRecognitionModel": "true"})])
    patch = http.patch(f"{BASE}/largepersongroups/staff")
    http.delete(f"{BASE}/largepersongroups/staff")
    fetched = client.large_person_groups.get("staff", return_recognition_model=True)
    assert fetched == LargePersonGroup("g01", "Group 1", recognition_model=RecognitionModel.RECOGNITION_04)
    client.large_person_groups.update("staff", user_data="moved")
    client.large_person_groups.delete("staff")
    assert body_of(patch.calls[0]) == {"userData": "moved"}


def test_ids_are_checked_and_quoted(client: FaceClient, http: responses.RequestsMock) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        client.large_person_groups.get("")
    with pytest.raises(ValueError, match="person_id"):
        client.large_person_groups.persons.get("g", "")
    http.get(f"{BASE}/persongroups/a%2Fb%3Fc", json={"personGroupId": "a/b?c", "name": "odd"})
    assert client.person_groups.get("a/b?c").person_group_id == "a/b?c"


def test_persons(client: FaceClient, http: responses.RequestsMock) -> None:
    create = http.post(f"{BASE}/largepersongroups/staff/persons", json={"personId": "p1"})
    http.get(f"{BASE}/largepersongroups/staff/persons/p1",
             json={"personId": "p1", "name": "Ada", "persistedFaceIds": ["f1", "f2"]})
    patch = http.patch(f"{BASE}/largepersongroups/staff/persons/p1")
    http.delete(f"{BASE}/largepersongroups/staff/persons/p1")
    persons = client.large_person_groups.persons
    assert persons.create("staff", "Ada", user_data="engineer").person_id == "p1"
    assert persons.get("staff", "p1").persisted_face_ids == ("f1", "f2")
    persons.update("staff", "p1", name="Ada L.")
    persons.delete("staff", "p1")
    assert body_of(create.calls[0]) == {"name": "Ada", "userData": "engineer"}
    assert body_of(patch.calls[0]) == {"name": "Ada L."}


def test_add_face_from_bytes_with_target_face_and_capture(client: FaceClient, http: responses.RequestsMock) -> None:
    call = http.post(f"{BASE}/persongroups/staff/persons/p1/persistedfaces", json={"persistedFaceId": "pf1"},
                     match=[matchers.query_param_matcher({"targetFace": "10,20,30,40",
                                                          "detectionModel": "detection_03", "userData": "badge"})])
    rectangle = FaceRectangle(top=20, left=10, width=30, height=40)
    added = client.person_groups.faces.add("staff", "p1", b"jpeg", target_face=rectangle,
                                           detection_model=DetectionModel.DETECTION_03, user_data="badge",
                                           capture=CaptureContext.live(camera=Camera.HANDHELD))
    assert added.persisted_face_id == "pf1"
    request = call.calls[0].request
    assert request.body == b"jpeg" and request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["x-visage-camera"] == "handheld"


def test_add_face_from_url_and_face_get_update_delete(client: FaceClient, http: responses.RequestsMock) -> None:
    face_url = f"{BASE}/largepersongroups/staff/persons/p1/persistedfaces"
    add = http.post(face_url, json={"persistedFaceId": "pf1"},
                    match=[matchers.query_param_matcher({"targetFace": "1,2,3,4"})])
    http.get(f"{face_url}/pf1", json={"persistedFaceId": "pf1", "userData": "badge"})
    patch = http.patch(f"{face_url}/pf1")
    http.delete(f"{face_url}/pf1")
    faces = client.large_person_groups.faces
    faces.add_from_url("staff", "p1", "https://example.com/ada.jpg", target_face=[1, 2, 3, 4])
    assert faces.get("staff", "p1", "pf1").user_data == "badge"
    faces.update("staff", "p1", "pf1", user_data="new")
    faces.delete("staff", "p1", "pf1")
    assert body_of(add.calls[0]) == {"url": "https://example.com/ada.jpg"}
    assert body_of(patch.calls[0]) == {"userData": "new"}
    with pytest.raises(ValueError, match="four integers"):
        faces.add_from_url("staff", "p1", "https://example.com/ada.jpg", target_face=[1, 2, 3])


def test_list_is_lazy_and_walks_pages_with_start_and_top(client: FaceClient, http: responses.RequestsMock) -> None:
    pager = client.large_person_groups.list(page_size=2)
    assert isinstance(pager, ItemPaged) and len(http.calls) == 0
    http.get(f"{BASE}/largepersongroups", json=[group(1), group(2)],
             match=[matchers.query_param_matcher({"top": "2"})])
    http.get(f"{BASE}/largepersongroups", json=[group(3), group(4)],
             match=[matchers.query_param_matcher({"start": "g02", "top": "2"})])
    http.get(f"{BASE}/largepersongroups", json=[group(5)],
             match=[matchers.query_param_matcher({"start": "g04", "top": "2"})])
    walked = iter(pager)
    assert next(walked).large_person_group_id == "g01"
    assert len(http.calls) == 1  # the second page is fetched only when needed
    assert [g.large_person_group_id for g in walked] == ["g02", "g03", "g04", "g05"]
    assert len(http.calls) == 3


def test_a_full_last_page_costs_one_empty_page(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/largepersongroups", json=[group(1), group(2)],
             match=[matchers.query_param_matcher({"top": "2", "returnRecognitionModel": "true"})])
    http.get(f"{BASE}/largepersongroups", json=[],
             match=[matchers.query_param_matcher({"start": "g02", "top": "2", "returnRecognitionModel": "true"})])
    pages = list(client.large_person_groups.list(page_size=2, return_recognition_model=True).by_page())
    assert [len(page) for page in pages] == [2]


def test_by_page_resumes_from_a_continuation_token(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/largepersongroups/staff/persons", json=[{"personId": "p3", "name": "C"}],
             match=[matchers.query_param_matcher({"start": "p2", "top": "5"})])
    pages = list(client.large_person_groups.persons.list("staff", page_size=5).by_page(continuation_token="p2"))
    assert [[p.person_id for p in page] for page in pages] == [["p3"]]


def test_page_size_is_checked() -> None:
    from visage import FaceClient

    with FaceClient("http://visage.test", "key") as client, pytest.raises(ValueError, match="page_size"):
        client.large_face_lists.list(page_size=0)


def test_large_face_lists(client: FaceClient, http: responses.RequestsMock) -> None:
    create = http.put(f"{BASE}/largefacelists/lfl")
    http.post(f"{BASE}/largefacelists/lfl/persistedfaces", json={"persistedFaceId": "pf1"})
    http.get(f"{BASE}/largefacelists/lfl/persistedfaces", json=[{"persistedFaceId": "pf1"}],
             match=[matchers.query_param_matcher({"top": "1000"})])
    http.get(f"{BASE}/largefacelists/lfl/persistedfaces/pf1", json={"persistedFaceId": "pf1", "userData": "u"})
    http.get(f"{BASE}/largefacelists/lfl/training", json={
        "status": "succeeded", "createdDateTime": "2026-01-31T09:30:00.000Z",
        "lastActionDateTime": "2026-01-31T09:30:01.000Z", "lastSuccessfulTrainingDateTime": "2026-01-31T09:30:01Z"})
    lists = client.large_face_lists
    lists.create("lfl", "Shoppers")
    assert lists.faces.add("lfl", b"jpeg").persisted_face_id == "pf1"
    assert [face.persisted_face_id for face in lists.faces.list("lfl")] == ["pf1"]
    assert lists.faces.get("lfl", "pf1").user_data == "u"
    training = lists.get_training_status("lfl")
    assert training.status == "succeeded" and training.last_successful_training_date_time is not None
    assert body_of(create.calls[0]) == {"name": "Shoppers"}


def test_face_lists_do_not_page_and_get_includes_faces(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/facelists", json=[{"faceListId": "fl", "name": "Few"}],
             match=[matchers.query_param_matcher({})])
    http.get(f"{BASE}/facelists/fl", json={"faceListId": "fl", "name": "Few",
                                           "persistedFaces": [{"persistedFaceId": "pf1", "userData": "x"}]})
    http.delete(f"{BASE}/facelists/fl/persistedfaces/pf1")
    assert [face_list.face_list_id for face_list in client.face_lists.list()] == ["fl"]
    assert client.face_lists.get("fl").persisted_faces[0].persisted_face_id == "pf1"
    client.face_lists.faces.delete("fl", "pf1")


def test_lists_read_a_value_wrapper_too(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/facelists", json={"value": [{"faceListId": "fl", "name": "Few"}]})
    assert [face_list.name for face_list in client.face_lists.list()] == ["Few"]


def test_a_server_that_repeats_a_page_is_a_service_error_not_an_endless_loop(
        client: FaceClient, http: responses.RequestsMock) -> None:
    # a server (or a proxy's cache) that ignores `start` answers the first page again and again
    http.get(f"{BASE}/largepersongroups", json=[group(1), group(2)])
    walked: list[str] = []
    with pytest.raises(ServiceError, match="same page"):
        for item in client.large_person_groups.list(page_size=2):
            walked.append(item.large_person_group_id)
            assert len(walked) < 100, "the pager loops forever"
    assert walked == ["g01", "g02"] and len(http.calls) == 2


def test_a_server_whose_pages_go_back_is_a_service_error(client: FaceClient, http: responses.RequestsMock) -> None:
    http.get(f"{BASE}/largepersongroups", json=[group(1), group(2)],
             match=[matchers.query_param_matcher({"top": "2"})])
    http.get(f"{BASE}/largepersongroups", json=[group(3), group(4)],
             match=[matchers.query_param_matcher({"start": "g02", "top": "2"})])
    http.get(f"{BASE}/largepersongroups", json=[group(1), group(2)],
             match=[matchers.query_param_matcher({"start": "g04", "top": "2"})])
    pages = client.large_person_groups.list(page_size=2).by_page()
    assert len(next(pages)) == 2 and len(next(pages)) == 2
    with pytest.raises(ServiceError):
        next(pages)
