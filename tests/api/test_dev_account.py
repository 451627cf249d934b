"""The development account of `visage up --dev`: created once, its well-known keys and token work,
the operator sees who made it, and it obeys the terms of use like any tenant."""

from __future__ import annotations

from flask.testing import FlaskClient
from redis import Redis

from server.domain.deployments import KeyName
from server.services.deployments import regenerate_key
from server.services.dev_account import (
    CREATED_BY,
    DEV_DEPLOYMENT,
    DEV_KEY1,
    DEV_KEY2,
    DEV_MANAGEMENT_TOKEN,
    DEV_TENANT_ID,
    ensure_dev_account,
)
from server.store import keys
from server.store.tenants import TenantRepository
from tests.support.faces import photo
from tests.support.rekognition import signed_post
from tests.support.tenants import signup_form
from tests.support.terms import ADMIN

DEV_BEARER = {"Authorization": f"Bearer {DEV_MANAGEMENT_TOKEN}"}


def detect(client: FlaskClient, key: str, **query: str) -> tuple[int, object]:
    response = client.post("/face/v1.2/detect", query_string=query, data=photo("people/obama/obama_small.jpg").read(),
                           headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"})
    return response.status_code, response.get_json()


def test_the_dev_account_exists_only_once_ensured(client: FlaskClient, redis_db: Redis) -> None:
    assert detect(client, DEV_KEY1)[0] == 401
    assert client.get("/mgmt/v1/deployments", headers=DEV_BEARER).status_code == 401
    assert ensure_dev_account(redis_db).created
    status, faces = detect(client, DEV_KEY1)
    assert status == 200 and isinstance(faces, list) and len(faces) == 1
    assert detect(client, DEV_KEY2)[0] == 200
    listed = client.get("/mgmt/v1/deployments", headers=DEV_BEARER).get_json()
    assert [(d["name"], d["sku"]) for d in listed] == [(DEV_DEPLOYMENT, "S0")]


def test_ensuring_again_changes_nothing_but_restores_regenerated_keys(client: FlaskClient, redis_db: Redis) -> None:
    ensure_dev_account(redis_db)
    tenant = TenantRepository(redis_db).get(DEV_TENANT_ID)
    assert tenant is not None
    regenerate_key(redis_db, tenant, DEV_DEPLOYMENT, KeyName.KEY1, endpoint="")
    assert detect(client, DEV_KEY1)[0] == 401
    again = ensure_dev_account(redis_db)
    assert not again.created
    assert detect(client, DEV_KEY1)[0] == 200
    tenants = client.get("/admin/v1/tenants", headers=ADMIN).get_json()
    assert [t["tenant_id"] for t in tenants] == [DEV_TENANT_ID]
    assert len(client.get("/mgmt/v1/deployments", headers=DEV_BEARER).get_json()) == 1


def test_the_operator_sees_an_approved_commercial_tenant_made_by_visage_up_dev(client: FlaskClient,
                                                                                redis_db: Redis) -> None:
    ensure_dev_account(redis_db)
    tenant = client.get(f"/admin/v1/tenants/{DEV_TENANT_ID}", headers=ADMIN).get_json()
    assert (tenant["customer_type"], tenant["status"], tenant["limited_access"], tenant["email_verified"]) == (
        "commercial", "active", "approved", True)
    assert [(d["decision"], d["by"]) for d in tenant["decisions"]] == [("approve", CREATED_BY)]
    assert tenant["development"] is True


def test_only_the_dev_tenant_is_marked_development(client: FlaskClient, redis_db: Redis) -> None:
    ensure_dev_account(redis_db)
    signed_up = client.post("/signup", json=signup_form()).get_json()
    listed = {t["tenant_id"]: t["development"] for t in client.get("/admin/v1/tenants", headers=ADMIN).get_json()}
    assert listed == {DEV_TENANT_ID: True, signed_up["tenant_id"]: False}
    own = client.get("/mgmt/v1/tenant", headers=DEV_BEARER).get_json()
    assert own["development"] is True


def test_a_dev_tenant_made_before_the_mark_is_marked_when_ensured_again(client: FlaskClient,
                                                                          redis_db: Redis) -> None:
    ensure_dev_account(redis_db)
    redis_db.hdel(keys.tenant(DEV_TENANT_ID), "development")  # as an earlier Visage wrote it
    repository = TenantRepository(redis_db)
    assert repository.get(DEV_TENANT_ID).development is False  # type: ignore[union-attr]
    assert ensure_dev_account(redis_db).tenant.development
    assert repository.get(DEV_TENANT_ID).development is True  # type: ignore[union-attr]


def test_the_dev_account_goes_through_the_terms_of_use_gate_like_any_tenant(client: FlaskClient,
                                                                           redis_db: Redis) -> None:
    ensure_dev_account(redis_db)
    status, body = detect(client, DEV_KEY1, returnFaceAttributes="age")
    assert status == 403 and isinstance(body, dict) and body["error"]["code"] == "UnsupportedFeature"
    _, faces = detect(client, DEV_KEY1)
    assert isinstance(faces, list)
    face_id = faces[0]["faceId"]
    verified = client.post("/face/v1.2/verify", json={"faceId1": face_id, "faceId2": face_id},
                           headers={"Ocp-Apim-Subscription-Key": DEV_KEY2})
    assert verified.status_code == 200 and verified.get_json()["isIdentical"]
    audit = client.get("/mgmt/v1/audit", headers=DEV_BEARER).get_json()
    assert {entry["tenant_id"] for entry in audit} == {DEV_TENANT_ID}
    assert [entry.get("development") for entry in audit] == [True, True, True]
    assert [(entry["kind"], entry.get("operation"), entry.get("decision")) for entry in audit] == [
        ("policy_decision", "verification", "allowed"), ("detect", None, None),
        ("policy_decision", "detection", "refused")]  # newest first


def test_the_dev_keys_sign_rekognition_requests_as_well(client: FlaskClient, redis_db: Redis) -> None:
    """boto3 and the AWS CLI with the deployment name and a dev key work on a fresh `visage up --dev`,
    and after a regenerated key is put back."""
    ensure_dev_account(redis_db)
    for secret in (DEV_KEY1, DEV_KEY2):
        assert signed_post(client, "ListCollections", {}, access_key=DEV_DEPLOYMENT, secret=secret).status_code == 200
    tenant = TenantRepository(redis_db).get(DEV_TENANT_ID)
    assert tenant is not None
    regenerate_key(redis_db, tenant, DEV_DEPLOYMENT, KeyName.KEY1, endpoint="")
    ensure_dev_account(redis_db)
    assert signed_post(client, "ListCollections", {}, access_key=DEV_DEPLOYMENT, secret=DEV_KEY1).status_code == 200
