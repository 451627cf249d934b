"""The SDK, the OpenAPI file and the official azure-ai-vision-face client agree on the data plane.

Both clients run against a recording HTTP mock (no server): every request they send must be an
operation of openapi/visage.yaml, with only the query parameters and body fields it documents, and
every operation the official client can call must be callable through Visage's SDK too.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import yaml

ENDPOINT = "https://visage.example"
DOCUMENT = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi" / "visage.yaml").read_text())
UUID = "00000000-0000-4000-8000-000000000001"
TIME = "2026-01-01T00:00:00Z"


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")


DATA_PLANE = [(method.upper(), _pattern(path), path, operation)
              for path, operations in DOCUMENT["paths"].items() if path.startswith("/face/")
              for method, operation in operations.items()]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def documented(method: str, path: str) -> tuple[str, dict[str, Any]]:
    found = [(template, op) for m, pattern, template, op in DATA_PLANE if m == method and pattern.match(path)]
    assert len(found) == 1, f"{method} {path} matches {len(found)} documented operations"
    return found[0]


def canned_answer(operation_id: str) -> tuple[int, dict[str, str], Any]:
    """A well-formed answer of the documented shape, so each client can finish its call."""
    person = {"personId": UUID, "name": "n", "persistedFaceIds": []}
    training = {"status": "succeeded", "createdDateTime": TIME, "lastActionDateTime": TIME,
                "lastSuccessfulTrainingDateTime": TIME, "message": None}
    by_prefix: list[tuple[str, Any]] = [
        ("detect", []), ("verify", {"isIdentical": True, "confidence": 0.9}), ("identify", []),
        ("findSimilar", []), ("group", {"groups": [], "messyGroup": []}),
        ("getOperationResult", {"operationId": UUID, "status": "succeeded", "createdTime": TIME,
                                "lastActionTime": TIME, "finishedTime": TIME, "message": None}),
    ]
    for prefix, body in by_prefix:
        if operation_id.startswith(prefix):
            return 200, {}, body
    if operation_id.startswith("train"):
        return 202, {"operation-Location": f"{ENDPOINT}/face/v1.2/operations/{UUID}", "Retry-After": "0"}, None
    if operation_id.endswith("TrainingStatus"):
        return 200, {}, training
    if operation_id.startswith("add") and operation_id.endswith("Face"):
        return 200, {}, {"persistedFaceId": UUID}
    if operation_id.startswith("create") and operation_id.endswith("Person"):
        return 200, {}, {"personId": UUID}
    if operation_id.startswith("get") and operation_id.endswith("Person"):
        return 200, {}, person
    if operation_id.startswith("get") and operation_id.endswith("Face"):
        return 200, {}, {"persistedFaceId": UUID}
    if operation_id.startswith("get") and operation_id.endswith("s"):
        return 200, {}, []
    if operation_id.startswith("get"):
        noun = operation_id[3:]
        key = noun[0].lower() + noun[1:] + "Id"
        return 200, {}, {key: "c1", "name": "n", "recognitionModel": "recognition_04"}
    return 200, {}, None


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, set[str], set[str]]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url)
        _, operation = documented(request.method, url.path)
        body_keys: set[str] = set()
        if request.body and "json" in (request.headers.get("Content-Type") or ""):
            body_keys = set(json.loads(request.body))
        self.calls.append((request.method, url.path, set(parse_qs(url.query)), body_keys))
        status, headers, answer = canned_answer(operation["operationId"])
        return status, {"Content-Type": "application/json", "apim-request-id": UUID, **headers}, (
            "" if answer is None else json.dumps(answer))


def route_to(mock: responses.RequestsMock, recorder: Recorder) -> Recorder:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        mock.add_callback(method, re.compile(re.escape(ENDPOINT) + ".*"), callback=recorder)
    return recorder


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield route_to(mock, Recorder())


def assert_documented(calls: list[tuple[str, str, set[str], set[str]]]) -> set[str]:
    operations = set()
    for method, path, query, body in calls:
        _, operation = documented(method, path)
        operations.add(operation["operationId"])
        parameters = {p["name"] for p in operation.get("parameters", []) if "$ref" not in p and p["in"] == "query"}
        assert query <= parameters, f"{method} {path}: undocumented query {query - parameters}"
        if body:
            schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
            fields = set(schema["properties"])
            assert body <= fields, f"{method} {path}: undocumented body fields {body - fields}"
    return operations


IMAGE = b"\xff\xd8" + b"0" * 2048


def official_calls() -> list[Callable[[Any, Any], Any]]:
    return [
        lambda f, a: f.detect(IMAGE, detection_model="detection_03", recognition_model="recognition_04",
                              return_face_id=True, return_face_landmarks=True, return_recognition_model=True,
                              face_id_time_to_live=120, return_face_attributes=["headPose"]),
        lambda f, a: f.detect_from_url(url="https://img.example/a.jpg", detection_model="detection_01",
                                       recognition_model="recognition_01", return_face_id=False),
        lambda f, a: f.verify_face_to_face(face_id1=UUID, face_id2=UUID),
        lambda f, a: f.find_similar(face_id=UUID, face_ids=[UUID], max_num_of_candidates_returned=3, mode="matchFace"),
        lambda f, a: f.group(face_ids=[UUID, UUID]),
        lambda f, a: f.identify_from_large_person_group(face_ids=[UUID], large_person_group_id="g",
                                                        max_num_of_candidates_returned=2, confidence_threshold=0.4),
        lambda f, a: f.verify_from_large_person_group(face_id=UUID, large_person_group_id="g", person_id=UUID),
        lambda f, a: f.find_similar_from_large_face_list(face_id=UUID, large_face_list_id="l"),
        lambda f, a: a.large_person_group.create("g", name="n", user_data="u", recognition_model="recognition_04"),
        lambda f, a: a.large_person_group.get("g", return_recognition_model=True),
        lambda f, a: a.large_person_group.update("g", name="m", user_data="v"),
        lambda f, a: list(a.large_person_group.get_large_person_groups(start="a", top=5)),
        lambda f, a: a.large_person_group.get_training_status("g"),
        lambda f, a: a.large_person_group.begin_train("g", polling_interval=0).result(),
        lambda f, a: a.large_person_group.create_person("g", name="p", user_data="u"),
        lambda f, a: a.large_person_group.get_person("g", UUID),
        lambda f, a: a.large_person_group.update_person("g", UUID, name="q"),
        lambda f, a: list(a.large_person_group.get_persons("g", start="a", top=3)),
        lambda f, a: a.large_person_group.add_face("g", UUID, IMAGE, target_face=[1, 2, 3, 4],
                                                   detection_model="detection_01", user_data="u"),
        lambda f, a: a.large_person_group.add_face_from_url("g", UUID, url="https://img.example/a.jpg"),
        lambda f, a: a.large_person_group.get_face("g", UUID, UUID),
        lambda f, a: a.large_person_group.update_face("g", UUID, UUID, user_data="u"),
        lambda f, a: a.large_person_group.delete_face("g", UUID, UUID),
        lambda f, a: a.large_person_group.delete_person("g", UUID),
        lambda f, a: a.large_person_group.delete("g"),
        lambda f, a: a.large_face_list.create("l", name="n", recognition_model="recognition_04"),
        lambda f, a: a.large_face_list.get("l"),
        lambda f, a: a.large_face_list.update("l", name="m"),
        lambda f, a: list(a.large_face_list.get_large_face_lists()),
        lambda f, a: a.large_face_list.get_training_status("l"),
        lambda f, a: a.large_face_list.begin_train("l", polling_interval=0).result(),
        lambda f, a: a.large_face_list.add_face("l", IMAGE, user_data="u"),
        lambda f, a: a.large_face_list.add_face_from_url("l", url="https://img.example/a.jpg"),
        lambda f, a: list(a.large_face_list.get_faces("l", start="a", top=2)),
        lambda f, a: a.large_face_list.get_face("l", UUID),
        lambda f, a: a.large_face_list.update_face("l", UUID, user_data="u"),
        lambda f, a: a.large_face_list.delete_face("l", UUID),
        lambda f, a: a.large_face_list.delete("l"),
    ]


def sdk_calls() -> list[Callable[[Any], Any]]:
    return [
        lambda c: c.detect(IMAGE, detection_model="detection_03", recognition_model="recognition_04",
                           return_face_landmarks=True, return_recognition_model=True, face_id_time_to_live=120,
                           return_face_attributes=["headPose"]),
        lambda c: c.detect_from_url("https://img.example/a.jpg", return_face_id=False),
        lambda c: c.verify_face_to_face(UUID, UUID),
        lambda c: c.find_similar(UUID, [UUID], max_num_of_candidates_returned=3, mode="matchFace"),
        lambda c: c.group([UUID, UUID]),
        lambda c: c.identify_from_large_person_group([UUID], "g", max_num_of_candidates_returned=2,
                                                     confidence_threshold=0.4),
        lambda c: c.verify_from_large_person_group(UUID, "g", UUID),
        lambda c: c.find_similar_from_large_face_list(UUID, "l"),
        lambda c: c.large_person_groups.create("g", "n", user_data="u", recognition_model="recognition_04"),
        lambda c: c.large_person_groups.get("g", return_recognition_model=True),
        lambda c: c.large_person_groups.update("g", name="m", user_data="v"),
        lambda c: list(c.large_person_groups.list(page_size=5)),
        lambda c: c.large_person_groups.get_training_status("g"),
        lambda c: c.large_person_groups.begin_train("g", polling_interval=0).result(timeout=5),
        lambda c: c.large_person_groups.persons.create("g", "p", user_data="u"),
        lambda c: c.large_person_groups.persons.get("g", UUID),
        lambda c: c.large_person_groups.persons.update("g", UUID, name="q"),
        lambda c: list(c.large_person_groups.persons.list("g", page_size=3)),
        lambda c: c.large_person_groups.faces.add("g", UUID, IMAGE, target_face=(1, 2, 3, 4),
                                                  detection_model="detection_01", user_data="u"),
        lambda c: c.large_person_groups.faces.add_from_url("g", UUID, "https://img.example/a.jpg"),
        lambda c: c.large_person_groups.faces.get("g", UUID, UUID),
        lambda c: c.large_person_groups.faces.update("g", UUID, UUID, user_data="u"),
        lambda c: c.large_person_groups.faces.delete("g", UUID, UUID),
        lambda c: c.large_person_groups.persons.delete("g", UUID),
        lambda c: c.large_person_groups.delete("g"),
        lambda c: c.large_face_lists.create("l", "n", recognition_model="recognition_04"),
        lambda c: c.large_face_lists.get("l"),
        lambda c: c.large_face_lists.update("l", name="m"),
        lambda c: list(c.large_face_lists.list()),
        lambda c: c.large_face_lists.get_training_status("l"),
        lambda c: c.large_face_lists.begin_train("l", polling_interval=0).result(timeout=5),
        lambda c: c.large_face_lists.faces.add("l", IMAGE, user_data="u"),
        lambda c: c.large_face_lists.faces.add_from_url("l", "https://img.example/a.jpg"),
        lambda c: list(c.large_face_lists.faces.list("l", page_size=2)),
        lambda c: c.large_face_lists.faces.get("l", UUID),
        lambda c: c.large_face_lists.faces.update("l", UUID, user_data="u"),
        lambda c: c.large_face_lists.faces.delete("l", UUID),
        lambda c: c.large_face_lists.delete("l"),
    ]


def run_official(recorder: Recorder) -> set[str]:
    from azure.ai.vision.face import FaceAdministrationClient, FaceClient
    from azure.core.credentials import AzureKeyCredential

    face = FaceClient(ENDPOINT, AzureKeyCredential("k" * 64), retry_total=0)
    admin = FaceAdministrationClient(ENDPOINT, AzureKeyCredential("k" * 64), retry_total=0)
    for call in official_calls():
        call(face, admin)
    return assert_documented(recorder.calls)


def run_sdk(recorder: Recorder) -> set[str]:
    from visage import FaceClient

    client = FaceClient(ENDPOINT, "k" * 64)
    for call in sdk_calls():
        call(client)
    return assert_documented(recorder.calls)


def test_the_official_client_sends_only_documented_operations_and_parameters(recorder: Recorder) -> None:
    assert len(run_official(recorder)) >= 30


def test_the_visage_sdk_sends_only_documented_operations_and_parameters(recorder: Recorder) -> None:
    assert len(run_sdk(recorder)) >= 30


def test_every_operation_the_official_client_calls_the_sdk_calls_too() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        official, ours = route_to(mock, Recorder()), Recorder()
        official_operations = run_official(official)
        mock.reset()
        route_to(mock, ours)
        sdk_operations = run_sdk(ours)
    assert official_operations - sdk_operations == set()


def test_both_clients_name_the_same_query_parameters_for_shared_operations() -> None:
    def parameters_by_operation(calls: list[tuple[str, str, set[str], set[str]]]) -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for method, path, query, body in calls:
            _, operation = documented(method, path)
            seen.setdefault(operation["operationId"], set()).update(query | body)
        return seen

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        official, ours = route_to(mock, Recorder()), Recorder()
        run_official(official)
        mock.reset()
        route_to(mock, ours)
        run_sdk(ours)
    theirs, mine = parameters_by_operation(official.calls), parameters_by_operation(ours.calls)
    differing = {op: (theirs[op], mine[op]) for op in theirs.keys() & mine.keys()
                 if not theirs[op] <= mine[op] | {"top", "start"} and not mine[op] <= theirs[op] | {"top", "start"}}
    assert differing == {}


def test_recorder_matches_each_request_to_exactly_one_operation() -> None:
    assert documented("GET", "/face/v1.2/largepersongroups/g/persons/" + str(uuid.uuid4()))[0].endswith("{personId}")
