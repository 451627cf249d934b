"""The official Azure clients, unchanged, pointed at a live `visage up` with an endpoint and a key."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.faces import photo
from tests.support.live import LiveVisage, visage_up

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    with visage_up(Path(tmp_path_factory.mktemp("visage")), extra_env={"VISAGE_RATE_LIMITS": "off"}) as server:
        yield server


@pytest.fixture(scope="module")
def key(live: LiveVisage) -> str:
    return live.sign_up()["key1"]


def image(path: str) -> bytes:
    return photo(path).read()


def test_azure_ai_vision_face_detect_verify_find_similar_group(live: LiveVisage, key: str) -> None:
    from azure.ai.vision.face import FaceClient
    from azure.ai.vision.face.models import (
        FaceAttributeTypeDetection03,
        FaceAttributeTypeRecognition04,
        FaceDetectionModel,
        FaceRecognitionModel,
    )
    from azure.core.credentials import AzureKeyCredential

    client = FaceClient(live.endpoint, AzureKeyCredential(key))
    detected = client.detect(
        image("people/obama/obama.jpg"), detection_model=FaceDetectionModel.DETECTION03,
        recognition_model=FaceRecognitionModel.RECOGNITION04, return_face_id=True, return_face_landmarks=True,
        return_face_attributes=[FaceAttributeTypeDetection03.HEAD_POSE,
                                FaceAttributeTypeRecognition04.QUALITY_FOR_RECOGNITION],
        return_recognition_model=True,
    )
    assert len(detected) == 1
    face = detected[0]
    assert face.recognition_model == "recognition_04"
    assert face.face_rectangle.width > 100 and face.face_landmarks.pupil_left.x < face.face_landmarks.pupil_right.x
    assert abs(face.face_attributes.head_pose.yaw) < 20 and face.face_attributes.quality_for_recognition

    def face_id(path: str) -> str:
        found = client.detect(image(path), detection_model=FaceDetectionModel.DETECTION01,
                              recognition_model=FaceRecognitionModel.RECOGNITION04, return_face_id=True)
        return str(found[0].face_id)

    obama2, biden = face_id("people/obama/obama2.jpg"), face_id("people/biden/biden.jpg")
    assert client.verify_face_to_face(face_id1=face.face_id, face_id2=obama2).is_identical is True
    assert client.verify_face_to_face(face_id1=face.face_id, face_id2=biden).is_identical is False
    similar = client.find_similar(face_id=face.face_id, face_ids=[obama2, biden])
    assert [s.face_id for s in similar] == [obama2]
    grouped = client.group(face_ids=[face.face_id, obama2, biden])
    assert sorted(grouped.groups[0]) == sorted([face.face_id, obama2]) and grouped.messy_group == [biden]


def test_azure_ai_vision_face_errors_map_to_azure_core_exceptions(live: LiveVisage, key: str) -> None:
    from azure.ai.vision.face import FaceClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError

    with pytest.raises(ClientAuthenticationError):
        FaceClient(live.endpoint, AzureKeyCredential("0" * 64)).detect(
            image("people/obama/obama.jpg"), detection_model="detection_01", recognition_model="recognition_01",
            return_face_id=True)
    client = FaceClient(live.endpoint, AzureKeyCredential(key))
    with pytest.raises(ResourceNotFoundError) as missing:
        client.verify_face_to_face(face_id1="00000000-0000-0000-0000-000000000001",
                                   face_id2="00000000-0000-0000-0000-000000000002")
    assert missing.value.error.code == "FaceNotFound"
    with pytest.raises(HttpResponseError) as refused:
        client.detect(image("people/obama/obama.jpg"), detection_model="detection_01",
                      recognition_model="recognition_01", return_face_id=True, return_face_attributes=["age"])
    assert refused.value.status_code == 403 and refused.value.error.code == "UnsupportedFeature"


def test_azure_ai_vision_face_administration_and_identify(live: LiveVisage, key: str) -> None:
    from azure.ai.vision.face import FaceAdministrationClient, FaceClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError

    admin = FaceAdministrationClient(live.endpoint, AzureKeyCredential(key))
    groups = admin.large_person_group
    groups.create("cast", name="cast", user_data="e2e", recognition_model="recognition_04")
    with pytest.raises(ResourceExistsError):
        groups.create("cast", name="again", recognition_model="recognition_04")
    obama = groups.create_person("cast", name="obama").person_id
    biden = groups.create_person("cast", name="biden", user_data="vp").person_id
    groups.add_face("cast", obama, image("people/obama/obama1.jpg"), detection_model="detection_03", user_data="o1")
    groups.add_face_from_url  # noqa: B018 - present in the client; URLs to localhost are refused by design
    groups.add_face("cast", biden, image("people/biden/biden2.jpg"), detection_model="detection_01")
    poller = groups.begin_train("cast", polling_interval=1)
    poller.result(timeout=60)
    assert poller.status().lower() == "succeeded"
    assert groups.get_training_status("cast").status == "succeeded"
    assert groups.get("cast", return_recognition_model=True).recognition_model == "recognition_04"
    assert sorted(p.name for p in groups.get_persons("cast")) == ["biden", "obama"]
    assert [g.large_person_group_id for g in groups.get_large_person_groups()] == ["cast"]
    person = groups.get_person("cast", obama)
    assert groups.get_face("cast", obama, person.persisted_face_ids[0]).user_data == "o1"

    client = FaceClient(live.endpoint, AzureKeyCredential(key))
    probe = client.detect(image("people/obama/obama3.jpg"), detection_model="detection_01",
                          recognition_model="recognition_04", return_face_id=True)[0].face_id
    result = client.identify_from_large_person_group(face_ids=[probe], large_person_group_id="cast")
    assert result[0].candidates[0].person_id == obama
    assert client.verify_from_large_person_group(face_id=probe, large_person_group_id="cast",
                                                 person_id=obama).is_identical is True

    lists = admin.large_face_list
    lists.create("album", name="album", recognition_model="recognition_04")
    kept = lists.add_face("album", image("people/obama/obama2.jpg"), detection_model="detection_01").persisted_face_id
    lists.add_face("album", image("people/rose_leslie/img1.jpg"), detection_model="detection_01")
    lists.begin_train("album", polling_interval=1).result(timeout=60)
    similar = client.find_similar_from_large_face_list(face_id=probe, large_face_list_id="album")
    assert [s.persisted_face_id for s in similar] == [kept]
    assert len(list(lists.get_faces("album"))) == 2

    groups.delete("cast")
    lists.delete("album")
    with pytest.raises(ResourceNotFoundError):
        groups.get("cast")


def test_azure_cognitiveservices_vision_face_on_v1_0(live: LiveVisage, key: str) -> None:
    import time

    from azure.cognitiveservices.vision.face import FaceClient
    from azure.cognitiveservices.vision.face.models import APIErrorException
    from msrest.authentication import CognitiveServicesCredentials

    client = FaceClient(live.endpoint, CognitiveServicesCredentials(key))
    with photo("people/obama/obama.jpg").file.open("rb") as stream:
        faces = client.face.detect_with_stream(stream, return_face_attributes=["headPose", "blur"],
                                               return_face_landmarks=True)
    assert len(faces) == 1 and faces[0].face_attributes.blur.blur_level
    client.person_group.create("pg", name="group")
    person = client.person_group_person.create("pg", name="obama")
    with photo("people/obama/obama1.jpg").file.open("rb") as stream:
        client.person_group_person.add_face_from_stream("pg", person.person_id, stream)
    client.person_group.train("pg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(100):
            status = client.person_group.get_training_status("pg").status
            if str(getattr(status, "value", status)) in ("succeeded", "failed"):
                break
            time.sleep(0.2)
    assert str(getattr(status, "value", status)) == "succeeded"
    identified = client.face.identify([faces[0].face_id], person_group_id="pg")
    assert identified[0].candidates[0].person_id == person.person_id
    client.face_list.create("fl", name="faces")
    with photo("people/obama/obama3.jpg").file.open("rb") as stream:
        persisted = client.face_list.add_face_from_stream("fl", stream).persisted_face_id
    assert [f.persisted_face_id for f in client.face_list.get("fl").persisted_faces] == [persisted]
    similar = client.face.find_similar(faces[0].face_id, face_list_id="fl")
    assert [s.persisted_face_id for s in similar] == [persisted]
    client.person_group.delete("pg")
    with pytest.raises(APIErrorException) as missing:
        client.person_group.get("pg")
    assert missing.value.error.error.code == "PersonGroupNotFound"
