"""The request builders are pure: method, path, query, headers and body, without a network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from visage import CaptureContext, DetectionModel, FaceAttributeType, OperationClass
from visage import _collection_requests as collections
from visage import _face_requests as face
from visage import _management_requests as management


def test_query_leaves_out_none_and_spells_values_as_azure_does() -> None:
    assert face.query(a=None, b=True, c=False, d=DetectionModel.DETECTION_02, e=60, f=["x", "y"],
                      g=[FaceAttributeType.BLUR, FaceAttributeType.NOISE]) == {
        "b": "true", "c": "false", "d": "detection_02", "e": "60", "f": "x,y", "g": "blur,noise"}


def test_detect_builders() -> None:
    request = face.build_detect_request(b"img", {"return_face_id": False, "return_face_attributes": [],
                                                 "detection_model": None, "capture": CaptureContext.live()})
    assert (request.method, request.url, request.content, request.json) == ("POST", "detect", b"img", None)
    assert request.params == {"returnFaceId": "false"}
    assert request.headers == {"Content-Type": "application/octet-stream", "x-visage-capture-mode": "live"}
    from_url = face.build_detect_from_url_request("https://example.com/a.jpg", {"face_id_time_to_live": 60})
    assert (from_url.json, from_url.params, from_url.headers) == ({"url": "https://example.com/a.jpg"},
                                                                  {"faceIdTimeToLive": "60"}, {})


def test_a_misspelt_detect_option_is_a_type_error_not_ignored() -> None:
    with pytest.raises(TypeError, match="recognition_modle"):
        face.build_detect_request(b"img", {"recognition_modle": "recognition_04"})  # type: ignore[typeddict-unknown-key]


def test_collection_builders_quote_ids_and_refuse_empty_ones() -> None:
    request = collections.build_get_person_request("largepersongroups", "my group", "p/1")
    assert request.url == "largepersongroups/my%20group/persons/p%2F1"
    with pytest.raises(ValueError, match="collection id"):
        collections.build_delete_request("facelists", "")
    assert collections.build_update_request("largefacelists", "l", name=None, user_data=None).json == {}
    assert collections.build_train_request("persongroups", "g").url == "persongroups/g/train"


def test_management_builders() -> None:
    request = management.build_evaluate_policy_request(
        OperationClass.GROUPING, capture=None, deployment=None, face_ids=None, policy_version=None,
        at=datetime(2026, 1, 31, tzinfo=UTC))
    assert request.json == {"operation": "grouping", "capture": {"mode": None, "captured_at": None, "camera": None},
                            "at": "2026-01-31T00:00:00Z"}
    assert management.build_regenerate_key_request("face 1", "key2").url == "mgmt/v1/deployments/face%201/regenerateKey"
    with pytest.raises(TypeError, match="use_cases"):
        management.build_sign_up_request(organization="o", email="e", customer_type="commercial", country="GB",
                                         use_cases="identity_verification", accept_terms=True)
    groups = management.managed_large_person_groups_path("face/1")
    assert groups == "mgmt/v1/deployments/face%2F1/largepersongroups"
    assert collections.build_get_request(groups, "staff", return_recognition_model=None).url == f"{groups}/staff"
