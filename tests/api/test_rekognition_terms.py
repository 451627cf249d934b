"""One policy for both surfaces: the terms of use decide Rekognition's calls with the same function,
the same capture context and content credentials, and the same audit, as they decide Azure's. A
refusal is AccessDeniedException naming the clause, and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient
from redis import Redis

from server.store.audit import AuditLog
from tests.support.rekognition import image, rekognition_client
from tests.support.tenants import Account, sign_up
from tests.support.terms import (
    OTHER_PHOTO,
    SMALL_PHOTO,
    approve,
    detect_face,
    list_test_cameras,
    recorded,
    sign_up_police,
    signed_photo,
    snapshot,
)

SENSITIVE = "AgeRange, Beard, Emotions, Gender, Mustache, Smile"


@pytest.fixture
def police(client: FlaskClient) -> Account:
    return sign_up_police(client)


def refusal(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def decisions(redis: Redis, account: Account) -> list[dict[str, Any]]:
    return [entry for entry in AuditLog(redis).newest_of_tenant(account.tenant_id, 50)
            if entry["kind"] == "policy_decision"]


def test_sensitive_attributes_are_refused_for_everyone_by_name(client: FlaskClient, redis_db: Redis) -> None:
    account = sign_up(client)
    rekognition = rekognition_client(client, account)
    rekognition.create_collection(CollectionId="c")
    before = snapshot(redis_db)
    with pytest.raises(ClientError) as raised:
        rekognition.detect_faces(Image=image(SMALL_PHOTO), Attributes=["ALL"])
    code, message = refusal(raised)
    assert code == "AccessDeniedException"
    assert "clause sensitive-attributes" in message and f"asked for {SENSITIVE}" in message
    with pytest.raises(ClientError) as raised:
        rekognition.index_faces(CollectionId="c", Image=image(SMALL_PHOTO), DetectionAttributes=["GENDER", "DEFAULT"])
    assert refusal(raised)[0] == "AccessDeniedException" and "asked for Gender." in refusal(raised)[1]
    with pytest.raises(ClientError) as raised:
        rekognition.start_face_detection(Video={"S3Object": {"Bucket": "footage", "Name": "clip.mp4"}},
                                         FaceAttributes="ALL")
    assert refusal(raised)[0] == "AccessDeniedException" and SENSITIVE in refusal(raised)[1]
    assert snapshot(redis_db) == before
    refused = [entry for entry in decisions(redis_db, account) if entry["decision"] == "refused"]
    assert [entry["clause"] for entry in refused] == ["sensitive-attributes"] * 3
    assert {entry["route"] for entry in refused} == {"RekognitionService.DetectFaces", "RekognitionService.IndexFaces",
                                                     "RekognitionService.StartFaceDetection"}
    with pytest.raises(ClientError) as raised:  # allowed by the terms, but Visage has no classifier for it
        rekognition.detect_faces(Image=image(SMALL_PHOTO), Attributes=["EYEGLASSES"])
    assert refusal(raised)[0] == "InvalidParameterException" and "Eyeglasses" in refusal(raised)[1]


def test_police_are_refused_real_time_identification_as_on_the_azure_surface(client: FlaskClient, police: Account,
                                                                             redis_db: Redis) -> None:
    rekognition = rekognition_client(client, police, headers=recorded())  # the caller's word alone
    rekognition.create_collection(CollectionId="suspects")
    before = snapshot(redis_db)
    refusals, statuses = [], []
    for attempt in (
        lambda: rekognition.search_faces_by_image(CollectionId="suspects", Image=image(SMALL_PHOTO)),
        lambda: rekognition.index_faces(CollectionId="suspects", Image=image(SMALL_PHOTO)),
        lambda: rekognition.compare_faces(SourceImage=image(SMALL_PHOTO), TargetImage=image(OTHER_PHOTO)),
    ):
        with pytest.raises(ClientError) as raised:
            attempt()
        refusals.append(refusal(raised))
        statuses.append(str(raised.value.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert {code for code, _ in refusals} == {"AccessDeniedException"}
    assert all("clause le-realtime-identification" in message and "real time" in message for _, message in refusals)
    assert snapshot(redis_db) == before
    assert [entry["clause"] for entry in decisions(redis_db, police)[:3]] == ["le-realtime-identification"] * 3
    # the audit records the status the caller got: AWS answers AccessDeniedException with 400
    assert [entry["outcome_status"] for entry in decisions(redis_db, police)[:3]] == statuses[::-1] == ["400"] * 3

    face = detect_face(client, police, recorded())  # the same image and headers, on the Azure surface
    azure = client.post("/face/v1.2/verify", json={"faceId1": face, "faceId2": face},
                        headers={**police.key_header, **recorded()}).get_json()["error"]
    assert azure["innererror"] == {"code": "le-realtime-identification", "policyVersion": "2026-12"}
    entries = decisions(redis_db, police)
    azure_entry, rekognition_entry = entries[0], entries[1]
    assert azure_entry["clause"] == rekognition_entry["clause"] and azure_entry["realtime"] is True
    assert rekognition_entry["api_version"] == "2016-06-27"

    assert rekognition.detect_faces(Image=image(SMALL_PHOTO))["FaceDetails"]  # detection stays allowed


def test_police_search_signed_footage_older_than_a_day(client: FlaskClient, police: Account, redis_db: Redis) -> None:
    list_test_cameras(client)
    rekognition = rekognition_client(client, police)
    rekognition.create_collection(CollectionId="case-41")
    old = {"Bytes": signed_photo(SMALL_PHOTO, age=timedelta(days=3))}
    [record] = rekognition.index_faces(CollectionId="case-41", Image=old, ExternalImageId="subject-1")["FaceRecords"]
    found = rekognition.search_faces_by_image(CollectionId="case-41", Image=old)["FaceMatches"]
    assert found[0]["Face"]["FaceId"] == record["Face"]["FaceId"]
    assert rekognition.search_faces(CollectionId="case-41", FaceId=record["Face"]["FaceId"])["SearchedFaceId"]
    fresh = {"Bytes": signed_photo(SMALL_PHOTO, age=timedelta(hours=1))}
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces_by_image(CollectionId="case-41", Image=fresh)
    code, message = refusal(raised)
    assert code == "AccessDeniedException" and "body-worn camera" in message
    allowed = [entry for entry in decisions(redis_db, police) if entry["decision"] == "allowed"]
    assert {entry["route"] for entry in allowed} == {"RekognitionService.IndexFaces",
                                                     "RekognitionService.SearchFacesByImage",
                                                     "RekognitionService.SearchFaces"}


def test_us_police_are_refused_all_recognition_and_unapproved_tenants_limited_access(client: FlaskClient) -> None:
    us_police = sign_up(client, customer_type="law_enforcement", country="US", organization="Springfield PD",
                        use_cases=["investigative_identification"])
    approve(client, us_police.tenant_id, "reviewed")
    rekognition = rekognition_client(client, us_police)
    with pytest.raises(ClientError) as raised:
        rekognition.compare_faces(SourceImage=image(SMALL_PHOTO), TargetImage=image(SMALL_PHOTO))
    assert refusal(raised)[0] == "AccessDeniedException" and "us-police-recognition" in refusal(raised)[1]

    free = rekognition_client(client, sign_up(client, sku="F0", deployment="free"))
    with pytest.raises(ClientError) as raised:
        free.compare_faces(SourceImage=image(SMALL_PHOTO), TargetImage=image(SMALL_PHOTO))
    code, message = refusal(raised)
    assert code == "AccessDeniedException" and "missing approval" in message and "F0" in message
    assert free.detect_faces(Image=image(SMALL_PHOTO))["FaceDetails"]
