"""The terms of use and Limited Access at the data plane's gate, through HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

import flask
import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo
from tests.support.tenants import Account, sign_up
from tests.support.terms import (
    ADMIN,
    OTHER_PHOTO,
    SMALL_PHOTO,
    approve,
    detect_face,
    live,
    recorded,
    snapshot,
    verify,
)

AZURE_MESSAGE = ("Feature is not supported, missing approval for one or more of the following features: "
                 "Identification, Verification.")


@pytest.fixture
def police(client: FlaskClient) -> Account:
    """An approved law-enforcement tenant outside the US (the US clause would refuse everything)."""
    account = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police",
                      use_cases=["investigative_identification"])
    approve(client, account.tenant_id, "investigations on recorded material")
    return account


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
    first = detect_face(client, police, recorded())
    second = detect_face(client, police, recorded(), OTHER_PHOTO)
    audit_before = redis_db.xlen("visage:audit")
    before = snapshot(redis_db)
    response = verify(client, police, first, second, live())
    assert response.status_code == 403
    assert response.headers["x-ms-error-code"] == "TermsOfUseViolation"
    error = response.get_json()["error"]
    assert error["code"] == "TermsOfUseViolation"
    assert error["innererror"] == {"code": "le-realtime-identification", "policyVersion": "2024-05"}
    assert "real time" in error["message"] and "captured live" in error["message"]
    assert snapshot(redis_db) == before
    assert redis_db.xlen("visage:audit") == audit_before + 1


def test_law_enforcement_detects_live_footage_for_redaction(client: FlaskClient, police: Account) -> None:
    assert detect_face(client, police, live())


def test_law_enforcement_verifies_old_recorded_footage(client: FlaskClient, police: Account) -> None:
    first = detect_face(client, police, recorded())
    response = verify(client, police, first, first, recorded())
    assert response.status_code == 200 and response.get_json()["isIdentical"] is True


@pytest.mark.parametrize(("name", "headers"), [
    ("no capture headers", {}),
    ("recorded without a time", {"x-visage-capture-mode": "recorded"}),
    ("recorded an hour ago", recorded(timedelta(hours=1))),
])
def test_doubtful_context_counts_as_real_time(client: FlaskClient, police: Account, name: str,
                                              headers: dict[str, str]) -> None:
    face = detect_face(client, police, recorded())
    response = verify(client, police, face, face, headers)
    assert response.status_code == 403, name
    assert response.get_json()["error"]["innererror"]["code"] == "le-realtime-identification"


def test_a_live_face_id_cannot_be_laundered_as_recorded(client: FlaskClient, police: Account) -> None:
    live_face = detect_face(client, police, live())
    old_face = detect_face(client, police, recorded())
    response = verify(client, police, old_face, live_face.upper(), recorded())
    assert response.status_code == 403
    assert "a faceId it uses was captured live" in response.get_json()["error"]["message"]


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
    police_face = detect_face(client, police, recorded())
    assert verify(client, police, police_face, police_face, live()).status_code == 403
    trail = client.get("/mgmt/v1/audit", headers=police.bearer).get_json()
    assert [e["kind"] for e in trail] == ["policy_decision", "operator_review"]  # its approval is on record too
    own = [e for e in trail if e["kind"] == "policy_decision"]
    assert len(own) == 1 and own[0]["tenant_id"] == police.tenant_id
    entry = own[0]
    assert (entry["operation"], entry["decision"], entry["clause"], entry["policy_version"]) == (
        "verification", "refused", "le-realtime-identification", "2024-05")
    assert (entry["capture_mode"], entry["camera"], entry["deployment"], entry["realtime"]) == (
        "live", "body-worn", "face-1", True)
    assert entry["request_id"] and entry["time"] and entry["hash"]
    everything = [e for e in client.get("/admin/v1/audit", headers=ADMIN).get_json() if e["kind"] == "policy_decision"]
    assert [e["tenant_id"] for e in everything] == [police.tenant_id, shop.tenant_id]
    assert everything[1]["decision"] == "allowed"
    only_shop = client.get(f"/admin/v1/audit?tenant_id={shop.tenant_id}", headers=ADMIN).get_json()
    assert [e["tenant_id"] for e in only_shop] == [shop.tenant_id]
    assert client.get("/admin/v1/audit?limit=0", headers=ADMIN).status_code == 400


def test_the_dry_run_says_why_and_writes_nothing(client: FlaskClient, police: Account, redis_db: Redis) -> None:
    live_face = detect_face(client, police, live())
    before = {key: redis_db.type(key) for key in redis_db.scan_iter("*")}
    audit_before = redis_db.xlen("visage:audit")
    ask = {"operation": "identification", "capture": {"mode": "recorded", "captured_at": "2020-01-01T00:00:00Z"}}
    answer = client.post("/mgmt/v1/policy/evaluate", json=ask, headers=police.bearer)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "allowed": True, "code": None, "clause": None, "policy_version": "2024-05",
        "message": "Allowed under the terms of use, version 2024-05.", "realtime": False,
        "reasons": ["the call is on recorded material older than the real-time threshold"]}
    with_live_face = client.post("/mgmt/v1/policy/evaluate", json={**ask, "face_ids": [live_face]},
                                 headers=police.bearer).get_json()
    assert (with_live_face["allowed"], with_live_face["clause"], with_live_face["realtime"]) == (
        False, "le-realtime-identification", True)
    old_terms = client.post("/mgmt/v1/policy/evaluate", json={"operation": "identification", "capture": {
        "mode": "live"}, "policy_version": "2020-06", "at": "2023-01-01T00:00:00Z"}, headers=police.bearer).get_json()
    assert (old_terms["allowed"], old_terms["policy_version"]) == (True, "2020-06")
    assert {key: redis_db.type(key) for key in redis_db.scan_iter("*")} == before
    assert redis_db.xlen("visage:audit") == audit_before == 1  # the operator's approval, nothing since


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
    face = detect_face(client, police, recorded(), SMALL_PHOTO)
    response = verify(client, police, face, str(uuid.uuid4()), recorded())
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "FaceNotFound"


def test_a_face_captured_live_cannot_be_enrolled_by_law_enforcement_and_searched_later(
    client: FlaskClient, police: Account, redis_db: Redis
) -> None:
    """Enrolling a live frame into a face list, then searching it with an old recorded probe, would
    identify the person in the live frame: the enrollment itself is refused."""
    headers = police.key_header
    assert client.put("/face/v1.2/facelists/street", json={"name": "street"}, headers=headers).status_code == 200
    image = {"Content-Type": "application/octet-stream"}
    before = snapshot(redis_db)
    for capture in (live(), {}, recorded(timedelta(hours=2))):
        refused = client.post("/face/v1.2/facelists/street/persistedfaces", data=photo(SMALL_PHOTO).read(),
                              headers={**headers, **image, **capture})
        assert refused.status_code == 403, capture
        assert refused.get_json()["error"]["innererror"]["code"] == "le-realtime-identification"
    assert snapshot(redis_db) == before
    old = client.post("/face/v1.2/facelists/street/persistedfaces", data=photo(SMALL_PHOTO).read(),
                      headers={**headers, **image, **recorded()})
    assert old.status_code == 200
    probe = detect_face(client, police, recorded(), OTHER_PHOTO)
    found = client.post("/face/v1.2/findsimilars", json={"faceId": probe, "faceListId": "street"},
                        headers={**headers, **recorded()})
    assert found.status_code == 200


def test_a_commercial_tenant_may_enroll_live_captures(client: FlaskClient) -> None:
    shop = sign_up(client)
    client.put("/face/v1.2/facelists/door", json={"name": "door"}, headers=shop.key_header)
    added = client.post("/face/v1.2/facelists/door/persistedfaces", data=photo(SMALL_PHOTO).read(),
                        headers={**shop.key_header, "Content-Type": "application/octet-stream", **live()})
    assert added.status_code == 200
