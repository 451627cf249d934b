"""The management API: deployments and their keys."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.support.faces import photo
from tests.support.tenants import Account, sign_up, signup_form

SMALL_PHOTO = "people/obama/obama_small.jpg"


def detect_status(client: FlaskClient, key: str) -> int:
    return client.post("/face/v1.2/detect?returnFaceId=false", data=photo(SMALL_PHOTO).read(),
                       headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"}
                       ).status_code


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def test_created_deployment_shows_endpoint_and_two_long_random_keys(client: FlaskClient) -> None:
    token = client.post("/signup", json=signup_form()).get_json()["management_token"]
    response = client.post("/mgmt/v1/deployments", json={"name": "eu-face", "sku": "F0", "region": "westeurope"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "eu-face" and body["sku"] == "F0" and body["region"] == "westeurope"
    assert body["endpoint"] == "http://localhost"
    key1, key2 = body["keys"]["key1"], body["keys"]["key2"]
    assert re.fullmatch(r"[0-9a-f]{64}", key1) and re.fullmatch(r"[0-9a-f]{64}", key2) and key1 != key2


def test_keys_are_stored_only_as_hashes(client: FlaskClient, account: Account, redis_db: Redis) -> None:
    for key in redis_db.scan_iter("*"):
        kind = redis_db.type(key)
        values: list[bytes] = []
        if kind == b"string":
            values = [redis_db.get(key) or b""]
        elif kind == b"hash":
            values = list(redis_db.hgetall(key).values())
        elif kind == b"set":
            values = list(redis_db.smembers(key))
        joined = b" ".join(values) + key
        assert account.key1.encode() not in joined and account.key2.encode() not in joined
        assert account.token.encode() not in joined


def test_list_and_get_never_show_keys(client: FlaskClient, account: Account) -> None:
    listed = client.get("/mgmt/v1/deployments", headers=account.bearer).get_json()
    assert [d["name"] for d in listed] == [account.deployment, "starter"]  # signup creates "starter"
    assert all("keys" not in d for d in listed)
    got = client.get(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer).get_json()
    assert got["sku"] == "S0" and "keys" not in got


def test_both_keys_call_the_data_plane(client: FlaskClient, account: Account) -> None:
    assert detect_status(client, account.key1) == 200
    assert detect_status(client, account.key2) == 200


@pytest.mark.parametrize("key_name", ["key1", "key2"])
def test_regenerating_a_key_stops_the_old_one_at_once_and_keeps_the_other(
    client: FlaskClient, account: Account, key_name: str
) -> None:
    old, other = (account.key1, account.key2) if key_name == "key1" else (account.key2, account.key1)
    response = client.post(f"/mgmt/v1/deployments/{account.deployment}/regenerateKey",
                           json={"keyName": key_name}, headers=account.bearer)
    assert response.status_code == 200
    new = response.get_json()["keys"][key_name]
    assert new not in (old, other)
    assert detect_status(client, old) == 401
    assert detect_status(client, new) == 200
    assert detect_status(client, other) == 200


def test_regenerating_needs_a_valid_key_name(client: FlaskClient, account: Account) -> None:
    response = client.post(f"/mgmt/v1/deployments/{account.deployment}/regenerateKey",
                           json={"keyName": "key3"}, headers=account.bearer)
    assert response.status_code == 400


def test_deleting_a_deployment_stops_its_keys(client: FlaskClient, account: Account) -> None:
    response = client.delete(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer)
    assert response.status_code == 204
    assert detect_status(client, account.key1) == 401
    assert client.get(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer).status_code == 404
    assert client.delete(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer).status_code == 404


def test_duplicate_names_conflict(client: FlaskClient, account: Account) -> None:
    response = client.post("/mgmt/v1/deployments", json={"name": account.deployment, "sku": "S0",
                                                         "region": "eastus"}, headers=account.bearer)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "DeploymentAlreadyExists"


@pytest.mark.parametrize("body", [
    {"name": "x", "sku": "P1", "region": "eastus"},
    {"name": "x", "sku": "S0", "region": "mars-north"},
    {"name": "-bad-", "sku": "S0", "region": "eastus"},
    {"name": "x" * 65, "sku": "S0", "region": "eastus"},
    {"sku": "S0", "region": "eastus"},
])
def test_bad_deployment_bodies_are_refused(client: FlaskClient, account: Account, body: dict[str, str]) -> None:
    response = client.post("/mgmt/v1/deployments", json=body, headers=account.bearer)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "BadArgument"


def test_sku_changes_in_place(client: FlaskClient, account: Account) -> None:
    response = client.patch(f"/mgmt/v1/deployments/{account.deployment}", json={"sku": "F0"}, headers=account.bearer)
    assert response.status_code == 200 and response.get_json()["sku"] == "F0"
    assert detect_status(client, account.key1) == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
def test_management_needs_a_valid_token(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/mgmt/v1/deployments", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "Unauthorized"


def test_a_tenant_cannot_see_or_touch_another_tenants_deployment(client: FlaskClient, account: Account) -> None:
    other = sign_up(client, deployment="other-face")
    path = f"/mgmt/v1/deployments/{account.deployment}"
    assert client.get(path, headers=other.bearer).status_code == 404
    assert client.delete(path, headers=other.bearer).status_code == 404
    assert client.post(f"{path}/regenerateKey", json={"keyName": "key1"}, headers=other.bearer).status_code == 404
    assert detect_status(client, account.key1) == 200
