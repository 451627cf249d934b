"""The terms of use and Limited Access at the data plane's gate, through HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

import flask
import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.c2pa import tampered
from tests.support.faces import photo
from tests.support.tenants import Account, sign_up
from tests.support.terms import (
    ADMIN,
    OTHER_PHOTO,
    SMALL_PHOTO,
    approve,
    detect_face,
    detect_signed_face,
    list_test_cameras,
    live,
    recorded,
    sign_up_police,
    signed_photo,
    snapshot,
    verify,
)

AZURE_MESSAGE = ("Feature is not supported, missing approval for one or more of the following features: "
                 "Identification, Verification.")


@pytest.fixture
def police(client: FlaskClient) -> Account:
    return sign_up_police(client)


def test_f0_verify_is_refused_with_azures_unsupported_feature(client: FlaskClient) -> None:
    free = sign_up(client, sku="F0", deployment="free")
    face = detect_face(client, free, {})
    response = verify(client, free, face, face, {})
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "UnsupportedFeature"
    error = response.get_json()["error"]
    assert error["code"] == "UnsupportedFeature" and error["message"] == AZURE_MESSAGE
    assert "F0" in error["innererror"]["message"]


def test_an_unapproved_tenant_detects_but_cannot_verify(client: FlaskClient) -> None:
    pending = sign_up(client, customer_type="government", organization="Ministry of Transport")
    face = detect_face(client, pending, {})
    response = verify(client, pending, face, face, {})
    assert response.status_code == 403 and response.get_json()["error"]["message"] == AZURE_MESSAGE


def test_live_verify_by_law_enforcement_is_refused_and_changes_nothing_but_the_audit(
    client: FlaskClient, police: Account, redis_db: Redis
) -> None:
    first = detect_signed_face(client, police)
    second = detect_signed_face(client, police, path=OTHER_PHOTO)
    audit_before = redis_db.xlen("visage:audit")
    before = snapshot(redis_db)
    response = verify(client, police, first, second, live())
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "TermsOfUseViolation"
    error = response.get_json()["error"]
    assert error["code"] == "TermsOfUseViolation"
    assert error["innererror"] == {"code": "le-realtime-identification", "policyVersion": "2026-12"}
    assert "real time" in error["message"] and "x-visage-capture-mode on this call says live" in error["message"]
    assert snapshot(redis_db) == before
    assert redis_db.xlen("visage:audit") == audit_before + 1


def test_law_enforcement_detects_live_footage_for_redaction(client: FlaskClient, police: Account) -> None:
    assert detect_face(client, police, live())


def test_law_enforcement_verifies_old_footage_with_trusted_content_credentials(client: FlaskClient,
                                                                               police: Account) -> None:
    first = detect_signed_face(client, police)
    response = verify(client, police, first, first, {})
    assert response.status_code == 200 and response.get_json()["isIdentical"] is True
    same_story = recorded()
    del same_story["x-visage-captured-at"]  # a header may agree with the credentials; it decides nothing
    assert verify(client, police, first, first, {**same_story, "x-visage-camera": "body-worn"}).status_code == 200


@pytest.mark.parametrize(("name", "headers"), [
    ("no capture headers", {}),
    ("recorded three days ago", recorded()),
    ("recorded without a time", {"x-visage-capture-mode": "recorded"}),
])
def test_headers_alone_no_longer_make_police_footage_recorded(client: FlaskClient, police: Account, name: str,
                                                              headers: dict[str, str]) -> None:
    face = detect_face(client, police, headers)
    response = verify(client, police, face, face, headers)
    assert response.status_code == 403, name
    error = response.get_json()["error"]
    assert error["innererror"]["code"] == "le-realtime-identification"
    assert "without content credentials" in error["message"]
    assert "C2PA" in error["message"] and "trust anchor" in error["message"]  # how to present provenance


@pytest.mark.parametrize(("name", "headers", "field"), [
    ("live", live(), "x-visage-capture-mode"),
    ("recorded an hour ago", recorded(timedelta(hours=1)), "x-visage-captured-at"),
    ("a dash camera", {"x-visage-camera": "dash"}, "x-visage-camera"),
])
def test_a_header_that_contradicts_trusted_credentials_makes_the_call_doubtful(
        client: FlaskClient, police: Account, name: str, headers: dict[str, str], field: str) -> None:
    face = detect_signed_face(client, police)
    response = verify(client, police, face, face, headers)
    assert response.status_code == 403, name
    assert f"{field} on this call says" in response.get_json()["error"]["message"]


def test_a_fresh_patrol_camera_capture_is_refused_naming_the_device(client: FlaskClient, police: Account) -> None:
    old_face = detect_signed_face(client, police)
    fresh = detect_signed_face(client, police, path=OTHER_PHOTO, age=timedelta(minutes=5), camera="dash")
    response = verify(client, police, old_face, fresh.upper(), {})
    assert response.status_code == 403
    message = response.get_json()["error"]["message"]
    assert "captured by a dash camera" in message and "patrol camera" in message


def test_us_police_get_no_recognition_at_all(client: FlaskClient) -> None:
    us_police = sign_up(client, customer_type="law_enforcement", country="US", organization="Springfield PD")
    approve(client, us_police.tenant_id)
    face = detect_face(client, us_police, recorded())
    response = verify(client, us_police, face, face, recorded())
    assert response.status_code == 403
    assert response.get_json()["error"]["innererror"]["code"] == "us-police-recognition"


def test_the_decision_is_on_flask_g_for_every_data_plane_call(client: FlaskClient) -> None:
    account = sign_up(client)
    with client:
        detect_face(client, account, {})
        assert flask.g.policy_decision.allowed and flask.g.operation_class.value == "detection"


def test_every_recognition_decision_is_audited_and_each_tenant_reads_its_own(client: FlaskClient,
                                                                             police: Account) -> None:
    shop = sign_up(client, deployment="shop")
    shop_face = detect_face(client, shop, {})
    assert verify(client, shop, shop_face, shop_face, {}).status_code == 200
    police_face = detect_signed_face(client, police)
    assert verify(client, police, police_face, police_face, live()).status_code == 403
    trail = client.get("/mgmt/v1/audit", headers=police.bearer).get_json()
    assert [e["kind"] for e in trail] == ["policy_decision", "detect", "operator_review"]  # its approval too
    detected, entry = trail[1], trail[0]
    assert detected["provenance"]["status"] == "trusted" and detected["face_ids"] == [police_face]
    assert entry["tenant_id"] == police.tenant_id
    assert (entry["operation"], entry["decision"], entry["clause"], entry["policy_version"]) == (
        "verification", "refused", "le-realtime-identification", "2026-12")
    assert (entry["capture_mode"], entry["camera"], entry["deployment"], entry["realtime"]) == (
        "live", "body-worn", "face-1", True)
    assert [face["status"] for face in entry["face_provenance"]] == ["trusted", "trusted"]  # faceId1, faceId2
    assert (entry["route"], entry["api_version"], entry["outcome_status"]) == ("verify", "v1.2", "403")
    assert entry["request_id"] and entry["time"] and entry["hash"]
    everything = [e for e in client.get("/admin/v1/audit", headers=ADMIN).get_json() if e["kind"] == "policy_decision"]
    assert [e["tenant_id"] for e in everything] == [police.tenant_id, shop.tenant_id]
    assert everything[1]["decision"] == "allowed"
    only_shop = client.get(f"/admin/v1/audit?tenant_id={shop.tenant_id}", headers=ADMIN).get_json()
    assert {e["tenant_id"] for e in only_shop} == {shop.tenant_id}
    assert client.get("/admin/v1/audit?limit=0", headers=ADMIN).status_code == 400


def test_the_dry_run_says_why_and_writes_nothing(client: FlaskClient, police: Account, redis_db: Redis) -> None:
    live_face = detect_face(client, police, live())
    old_face = detect_signed_face(client, police)
    before = {key: redis_db.type(key) for key in redis_db.scan_iter("*")}
    audit_before = redis_db.xlen("visage:audit")
    ask = {"operation": "identification", "face_ids": [old_face]}
    answer = client.post("/mgmt/v1/policy/evaluate", json=ask, headers=police.bearer)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "allowed": True, "code": None, "clause": None, "policy_version": "2026-12",
        "message": "Allowed under the terms of use, version 2026-12.", "realtime": False,
        "reasons": ["every face it uses comes from an image with trusted content credentials captured before the "
                    "real-time threshold"]}
    with_live_face = client.post("/mgmt/v1/policy/evaluate", json={**ask, "face_ids": [old_face, live_face]},
                                 headers=police.bearer).get_json()
    assert (with_live_face["allowed"], with_live_face["clause"], with_live_face["realtime"]) == (
        False, "le-realtime-identification", True)
    said_old = client.post("/mgmt/v1/policy/evaluate", json={"operation": "identification", "capture": {
        "mode": "recorded", "captured_at": "2020-01-01T00:00:00Z"}}, headers=police.bearer).get_json()
    assert (said_old["allowed"], said_old["realtime"]) == (False, True)  # words, no faces: real time
    old_terms = client.post("/mgmt/v1/policy/evaluate", json={"operation": "identification", "capture": {
        "mode": "live"}, "policy_version": "2020-06", "at": "2023-01-01T00:00:00Z"}, headers=police.bearer).get_json()
    assert (old_terms["allowed"], old_terms["policy_version"]) == (True, "2020-06")
    assert {key: redis_db.type(key) for key in redis_db.scan_iter("*")} == before
    assert redis_db.xlen("visage:audit") == audit_before


def test_the_dry_run_knows_the_deployments_sku(client: FlaskClient) -> None:
    free = sign_up(client, sku="F0", deployment="free")
    answer = client.post("/mgmt/v1/policy/evaluate", json={"operation": "verification", "deployment": "free"},
                         headers=free.bearer).get_json()
    assert (answer["allowed"], answer["code"]) == (False, "UnsupportedFeature")
    starter = client.post("/mgmt/v1/policy/evaluate", json={"operation": "verification", "deployment": "starter"},
                          headers=free.bearer).get_json()
    assert starter["allowed"] is True
    missing = client.post("/mgmt/v1/policy/evaluate", json={"operation": "verification", "deployment": "nope"},
                          headers=free.bearer)
    assert missing.status_code == 404


@pytest.mark.parametrize("body", [
    {"operation": "mind_reading"},
    {"operation": "verification", "capture": {"mode": "streaming"}},
    {"operation": "verification", "capture": {"captured_at": "yesterday"}},
    {"operation": "verification", "policy_version": "1999-01"},
    {"operation": "verification", "face_ids": "not-a-list"},
])
def test_the_dry_run_refuses_bad_descriptions(client: FlaskClient, body: dict[str, object]) -> None:
    account = sign_up(client)
    response = client.post("/mgmt/v1/policy/evaluate", json=body, headers=account.bearer)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "BadArgument"


def test_unknown_face_ids_in_a_recognition_call_are_left_to_the_view(client: FlaskClient, police: Account) -> None:
    face = detect_signed_face(client, police)
    response = verify(client, police, face, str(uuid.uuid4()), {})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "FaceNotFound"
    shop = sign_up(client, deployment="shop")
    unknown = verify(client, shop, str(uuid.uuid4()), str(uuid.uuid4()), {})
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "FaceNotFound"


def test_police_naming_no_known_face_are_refused_not_told_it_is_missing(client: FlaskClient,
                                                                        police: Account) -> None:
    """Fail closed: no face proves recorded footage, so the call is real time before it is a 404."""
    response = verify(client, police, str(uuid.uuid4()), str(uuid.uuid4()), {})
    assert response.status_code == 403 and "names no face Visage knows" in response.get_json()["error"]["message"]


def test_a_face_captured_live_cannot_be_enrolled_by_law_enforcement_and_searched_later(
    client: FlaskClient, police: Account, redis_db: Redis
) -> None:
    """Enrolling a live frame into a face list, then searching it with an old recorded probe, would
    identify the person in the live frame: the enrollment itself is refused."""
    headers = police.key_header
    list_test_cameras(client)
    assert client.put("/face/v1.2/facelists/street", json={"name": "street"}, headers=headers).status_code == 200
    image = {"Content-Type": "application/octet-stream"}
    old = client.post("/face/v1.2/facelists/street/persistedfaces", data=signed_photo(SMALL_PHOTO),
                      headers={**headers, **image})
    assert old.status_code == 200
    before = snapshot(redis_db)
    attempts = [(photo(SMALL_PHOTO).read(), capture) for capture in (live(), {}, recorded())]
    attempts.append((signed_photo(SMALL_PHOTO, age=timedelta(hours=2)), {}))
    attempts.append((tampered(signed_photo(SMALL_PHOTO)), {}))
    for data, capture in attempts:
        refused = client.post("/face/v1.2/facelists/street/persistedfaces", data=data,
                              headers={**headers, **image, **capture})
        assert refused.status_code == 403, capture
        assert refused.get_json()["error"]["innererror"]["code"] == "le-realtime-identification"
    assert snapshot(redis_db) == before
    probe = detect_signed_face(client, police, path=OTHER_PHOTO)
    found = client.post("/face/v1.2/findsimilars", json={"faceId": probe, "faceListId": "street"}, headers=headers)
    assert found.status_code == 200, found.get_json()["error"]["message"]


def test_a_commercial_tenant_may_enroll_live_captures(client: FlaskClient) -> None:
    shop = sign_up(client)
    client.put("/face/v1.2/facelists/door", json={"name": "door"}, headers=shop.key_header)
    added = client.post("/face/v1.2/facelists/door/persistedfaces", data=photo(SMALL_PHOTO).read(),
                        headers={**shop.key_header, "Content-Type": "application/octet-stream", **live()})
    assert added.status_code == 200
