"""Rekognition's face API through unchanged boto3 (signed and parsed by botocore), served by the Flask
app: collections, faces, search, compare and detect, with AWS's paging, names and errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from tests.support.faces import photo
from tests.support.rekognition import image, rekognition_client
from tests.support.tenants import Account, sign_up

OBAMA, OBAMA_2, BIDEN = "people/obama/obama.jpg", "people/obama/obama2.jpg", "people/biden/biden.jpg"
GROUP = "groups/obama_and_biden.jpg"


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


@pytest.fixture
def rekognition(client: FlaskClient, account: Account) -> Any:
    return rekognition_client(client, account)


def error_code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def test_a_collection_is_created_listed_page_by_page_described_and_deleted(rekognition: Any) -> None:
    created = rekognition.create_collection(CollectionId="staff.2026", Tags={"team": "doors"})
    assert created["StatusCode"] == 200
    assert created["CollectionArn"].startswith("arn:aws:rekognition:eu-west-1:")
    assert created["CollectionArn"].endswith(":collection/staff.2026")
    for name in ("visitors", "alpha_2"):
        rekognition.create_collection(CollectionId=name)
    first = rekognition.list_collections(MaxResults=2)
    assert first["CollectionIds"] == ["alpha_2", "staff.2026"] and len(first["FaceModelVersions"]) == 2
    second = rekognition.list_collections(MaxResults=2, NextToken=first["NextToken"])
    assert second["CollectionIds"] == ["visitors"] and "NextToken" not in second
    pages = rekognition.get_paginator("list_collections").paginate(PaginationConfig={"PageSize": 1})
    assert [cid for page in pages for cid in page["CollectionIds"]] == ["alpha_2", "staff.2026", "visitors"]
    described = rekognition.describe_collection(CollectionId="visitors")
    assert described["FaceCount"] == 0 and described["CollectionARN"].endswith(":collection/visitors")
    assert described["CreationTimestamp"].year >= 2026  # botocore parsed AWS's epoch seconds
    assert rekognition.delete_collection(CollectionId="visitors")["StatusCode"] == 200
    with pytest.raises(rekognition.exceptions.ResourceNotFoundException):
        rekognition.describe_collection(CollectionId="visitors")
    with pytest.raises(rekognition.exceptions.ResourceAlreadyExistsException, match="alpha_2 already exists"):
        rekognition.create_collection(CollectionId="alpha_2")


def test_faces_are_indexed_searched_by_image_and_by_face_with_the_right_identity_first(rekognition: Any) -> None:
    rekognition.create_collection(CollectionId="people")
    indexed = {}
    for path in (OBAMA, BIDEN, "people/rose_leslie/img1.jpg", "people/kit_harington/john1.jpeg"):
        identity = photo(path).identity
        answer = rekognition.index_faces(CollectionId="people", Image=image(path), ExternalImageId=identity)
        [record] = answer["FaceRecords"]
        assert record["Face"]["ExternalImageId"] == identity and answer["UnindexedFaces"] == []
        box = record["Face"]["BoundingBox"]
        assert 0 < box["Width"] < 1 and 0 < box["Height"] < 1 and 0 <= box["Left"] < 1 and 0 <= box["Top"] < 1
        assert record["FaceDetail"]["BoundingBox"] == box and len(record["FaceDetail"]["Landmarks"]) == 30
        indexed[identity] = record["Face"]["FaceId"]
    assert rekognition.describe_collection(CollectionId="people")["FaceCount"] == 4

    found = rekognition.search_faces_by_image(CollectionId="people", Image=image(OBAMA_2))
    matches = found["FaceMatches"]
    assert matches and matches[0]["Face"]["ExternalImageId"] == "obama" and matches[0]["Similarity"] >= 80
    assert all(match["Face"]["ExternalImageId"] == "obama" for match in matches)  # nobody else passes 80
    assert 0 < found["SearchedFaceBoundingBox"]["Width"] < 1 and found["SearchedFaceConfidence"] > 50
    loose = rekognition.search_faces_by_image(CollectionId="people", Image=image(OBAMA_2), FaceMatchThreshold=0,
                                              MaxFaces=4)["FaceMatches"]
    assert [match["Face"]["ExternalImageId"] for match in loose][0] == "obama" and len(loose) == 4
    assert [match["Similarity"] for match in loose] == sorted((m["Similarity"] for m in loose), reverse=True)

    by_face = rekognition.search_faces(CollectionId="people", FaceId=indexed["biden"], FaceMatchThreshold=0)
    assert by_face["SearchedFaceId"] == indexed["biden"]
    assert indexed["biden"] not in {match["Face"]["FaceId"] for match in by_face["FaceMatches"]}
    assert len(by_face["FaceMatches"]) == 3


def test_index_faces_keeps_max_faces_and_says_why_the_others_were_not_indexed(rekognition: Any) -> None:
    rekognition.create_collection(CollectionId="group")
    answer = rekognition.index_faces(CollectionId="group", Image=image(GROUP), MaxFaces=2, QualityFilter="NONE")
    assert len(answer["FaceRecords"]) == 2 and len(answer["UnindexedFaces"]) == 1
    assert answer["UnindexedFaces"][0]["Reasons"] == ["EXCEEDS_MAX_FACES"]
    image_ids = {record["Face"]["ImageId"] for record in answer["FaceRecords"]}
    assert len(image_ids) == 1
    widths = [record["Face"]["BoundingBox"]["Width"] for record in answer["FaceRecords"]]
    assert widths == sorted(widths, reverse=True)
    small = {"Bytes": scaled(OBAMA, 0.2)}  # a face of about 50 pixels: over the AUTO bar, under HIGH's 60
    refused = rekognition.index_faces(CollectionId="group", Image=small, QualityFilter="HIGH")
    assert refused["FaceRecords"] == [] and refused["UnindexedFaces"][0]["Reasons"] == ["SMALL_BOUNDING_BOX"]
    assert len(rekognition.index_faces(CollectionId="group", Image=small)["FaceRecords"]) == 1


def scaled(path: str, factor: float) -> bytes:
    import cv2
    import numpy as np

    pixels = cv2.imdecode(np.frombuffer(photo(path).read(), np.uint8), cv2.IMREAD_COLOR)
    assert pixels is not None
    ok, encoded = cv2.imencode(".jpg", cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA))
    assert ok
    return encoded.tobytes()


def test_faces_are_listed_page_by_page_and_deleted(rekognition: Any) -> None:
    rekognition.create_collection(CollectionId="faces")
    ids = [record["Face"]["FaceId"] for path in (OBAMA, BIDEN, GROUP)
           for record in rekognition.index_faces(CollectionId="faces", Image=image(path))["FaceRecords"]]
    assert len(ids) == 5
    first = rekognition.list_faces(CollectionId="faces", MaxResults=3)
    rest = rekognition.list_faces(CollectionId="faces", MaxResults=3, NextToken=first["NextToken"])
    listed = [face["FaceId"] for face in first["Faces"] + rest["Faces"]]
    assert listed == sorted(ids) and "NextToken" not in rest
    assert [face["FaceId"] for face in rekognition.list_faces(CollectionId="faces", FaceIds=ids[:2])["Faces"]] == \
        sorted(ids[:2])
    missing = "00000000-0000-4000-8000-000000000000"
    deleted = rekognition.delete_faces(CollectionId="faces", FaceIds=[ids[0], missing, "not-a-face"])
    assert deleted["DeletedFaces"] == [ids[0]]
    assert deleted["UnsuccessfulFaceDeletions"] == [{"FaceId": missing, "Reasons": ["FACE_NOT_FOUND"]},
                                                    {"FaceId": "not-a-face", "Reasons": ["FACE_NOT_FOUND"]}]
    assert rekognition.describe_collection(CollectionId="faces")["FaceCount"] == 4


def test_a_next_token_pages_only_what_it_was_given_for(rekognition: Any) -> None:
    """A forged token, or one from another collection or operation, is InvalidPaginationTokenException
    as on AWS (and as the video jobs' tokens already are), not a page starting anywhere."""
    for collection in ("one", "two"):
        rekognition.create_collection(CollectionId=collection)
    for path in (OBAMA, BIDEN):
        rekognition.index_faces(CollectionId="one", Image=image(path))
    faces_token = rekognition.list_faces(CollectionId="one", MaxResults=1)["NextToken"]
    collections_token = rekognition.list_collections(MaxResults=1)["NextToken"]
    for operation, kwargs in (("list_faces", {"CollectionId": "one", "NextToken": "AAAA"}),
                              ("list_faces", {"CollectionId": "two", "NextToken": faces_token}),
                              ("list_faces", {"CollectionId": "one", "NextToken": collections_token}),
                              ("list_collections", {"NextToken": faces_token}),
                              ("list_collections", {"NextToken": "AAAA"})):
        with pytest.raises(ClientError) as raised:
            getattr(rekognition, operation)(**kwargs)
        assert error_code(raised) == "InvalidPaginationTokenException", (operation, kwargs)
    assert len(rekognition.list_faces(CollectionId="one", NextToken=faces_token)["Faces"]) == 1
    assert rekognition.list_collections(NextToken=collections_token)["CollectionIds"] == ["two"]


def test_compare_faces_matches_the_same_person_in_a_group_photo(rekognition: Any) -> None:
    compared = rekognition.compare_faces(SourceImage=image(OBAMA), TargetImage=image(GROUP))
    assert len(compared["FaceMatches"]) == 1 and compared["FaceMatches"][0]["Similarity"] >= 80
    assert len(compared["UnmatchedFaces"]) == 2
    matched = compared["FaceMatches"][0]["Face"]["BoundingBox"]
    assert 0 <= matched["Left"] < 1 and 0 < matched["Width"] < 1
    assert compared["SourceImageFace"]["Confidence"] > 50
    strangers = rekognition.compare_faces(SourceImage=image(BIDEN), TargetImage=image("people/rose_leslie/img2.jpg"))
    assert strangers["FaceMatches"] == [] and len(strangers["UnmatchedFaces"]) == 1


def test_detect_faces_finds_every_face_with_the_default_attributes(rekognition: Any) -> None:
    for entry in (photo(GROUP), photo("groups/two_people.jpg"), photo(OBAMA)):
        details = rekognition.detect_faces(Image=image(entry.path))["FaceDetails"]
        assert len(details) == entry.faces
        for detail in details:
            assert set(detail) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
    assert rekognition.detect_faces(Image=image(OBAMA), Attributes=["DEFAULT"])["FaceDetails"]


def test_images_from_bytes_are_checked_as_aws_checks_them(rekognition: Any) -> None:
    with pytest.raises(ClientError) as raised:
        rekognition.detect_faces(Image={"Bytes": b"GIF89a" + bytes(2048)})
    assert error_code(raised) == "InvalidImageFormatException"
    with pytest.raises(ClientError) as raised:
        rekognition.detect_faces(Image={"Bytes": b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)})
    assert error_code(raised) == "ImageTooLargeException"
    with pytest.raises(ClientError) as raised:
        rekognition.detect_faces(Image={"Bytes": photo(OBAMA).read()[:4000]})  # a cut JPEG
    assert error_code(raised) == "InvalidImageFormatException"
    with pytest.raises(ClientError) as raised:
        rekognition.detect_faces(Image={"Bytes": photo(OBAMA).read(), "S3Object": {"Bucket": "bkt", "Name": "a"}})
    assert error_code(raised) == "InvalidParameterException" and "exactly one" in str(raised.value)


def test_a_sliver_of_an_image_has_no_faces_rather_than_an_internal_error(rekognition: Any) -> None:
    import cv2
    import numpy as np

    ok, sliver = cv2.imencode(".jpg", np.random.default_rng(3).integers(0, 255, (1, 20_000, 3), dtype=np.uint8))
    assert ok
    assert rekognition.detect_faces(Image={"Bytes": sliver.tobytes()})["FaceDetails"] == []


def test_an_image_under_1_kb_is_examined_as_aws_does_not_called_too_large(rekognition: Any) -> None:
    """Azure's 1 KB minimum is not Rekognition's: a plain 200 x 200 PNG of a few hundred bytes has no
    faces, and an image must never be refused as ImageTooLargeException for being small."""
    import cv2
    import numpy as np

    ok, plain = cv2.imencode(".png", np.full((200, 200, 3), 128, dtype=np.uint8))
    assert ok and len(plain.tobytes()) < 1024
    assert rekognition.detect_faces(Image={"Bytes": plain.tobytes()})["FaceDetails"] == []
    ok, dot = cv2.imencode(".jpg", np.full((1, 1, 3), 128, dtype=np.uint8))
    assert ok
    assert rekognition.detect_faces(Image={"Bytes": dot.tobytes()})["FaceDetails"] == []
    rekognition.create_collection(CollectionId="c")
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces_by_image(CollectionId="c", Image={"Bytes": plain.tobytes()})
    assert error_code(raised) == "InvalidParameterException" and "no faces" in str(raised.value)


def test_parameters_are_checked_where_botocore_does_not(rekognition: Any) -> None:
    with pytest.raises(ClientError) as raised:
        rekognition.create_collection(CollectionId="has spaces")
    assert error_code(raised) == "InvalidParameterException" and "CollectionId" in str(raised.value)
    rekognition.create_collection(CollectionId="c")
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces_by_image(CollectionId="c", Image=image(OBAMA), MaxFaces=99999)
    assert error_code(raised) == "InvalidParameterException"
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces_by_image(CollectionId="c", Image=image("hard/32bit.png"),
                                          FaceMatchThreshold=101)
    assert error_code(raised) == "InvalidParameterException"
    with pytest.raises(ClientError) as raised:
        rekognition.list_faces(CollectionId="c", NextToken="!!not a token!!")
    assert error_code(raised) == "InvalidPaginationTokenException"
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces(CollectionId="c", FaceId="00000000-0000-4000-8000-000000000000")
    assert error_code(raised) == "InvalidParameterException"
    with pytest.raises(rekognition.exceptions.ResourceNotFoundException):
        rekognition.index_faces(CollectionId="nowhere", Image=image(OBAMA))


def test_search_by_an_image_without_a_face_is_an_invalid_parameter(rekognition: Any) -> None:
    import cv2
    import numpy as np

    rekognition.create_collection(CollectionId="c")
    ok, encoded = cv2.imencode(".png", np.random.default_rng(7).integers(0, 255, (200, 200, 3), dtype=np.uint8))
    assert ok
    with pytest.raises(ClientError) as raised:
        rekognition.search_faces_by_image(CollectionId="c", Image={"Bytes": encoded.tobytes()})
    assert error_code(raised) == "InvalidParameterException" and "no faces" in str(raised.value)


def test_collections_are_the_deployments_own(client: FlaskClient, rekognition: Any, account: Account) -> None:
    """Another tenant may name its deployment the same: its key signs for its own collections only."""
    rekognition.create_collection(CollectionId="mine")
    other = sign_up(client, deployment=account.deployment)
    theirs = rekognition_client(client, other)
    assert theirs.list_collections()["CollectionIds"] == []
    with pytest.raises(theirs.exceptions.ResourceNotFoundException):
        theirs.describe_collection(CollectionId="mine")
    theirs.create_collection(CollectionId="mine")  # the same id, another collection
    rekognition.index_faces(CollectionId="mine", Image=image(OBAMA))
    assert theirs.describe_collection(CollectionId="mine")["FaceCount"] == 0
