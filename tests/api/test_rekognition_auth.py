"""Signature Version 4 at POST /: the deployment's name and either of its keys sign; anything else is
refused as AWS refuses it, in AWS's error form."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from werkzeug.test import TestResponse

from tests.support.rekognition import AWS_JSON, aws_error, rekognition_client, signed_post, signed_request
from tests.support.tenants import ADMIN_TOKEN, Account, sign_up

LIST: tuple[str, dict[str, object]] = ("ListCollections", {})


@pytest.fixture
def account(client: FlaskClient) -> Account:
    return sign_up(client)


def call(client: FlaskClient, account: Account, *, secret: str | None = None,
         at: datetime | None = None) -> TestResponse:
    return signed_post(client, *LIST, access_key=account.deployment, secret=secret or account.key1, at=at)


def test_either_key_signs_and_a_regenerated_key_stops_at_once(client: FlaskClient, account: Account) -> None:
    assert call(client, account).status_code == 200
    assert call(client, account, secret=account.key2).status_code == 200
    regenerated = client.post(f"/mgmt/v1/deployments/{account.deployment}/regenerateKey", json={"keyName": "key1"},
                              headers=account.bearer).get_json()["keys"]["key1"]
    assert aws_error(call(client, account))[1] == "InvalidSignatureException"
    assert call(client, account, secret=regenerated).status_code == 200
    assert call(client, account, secret=account.key2).status_code == 200


def test_a_wrong_key_an_unknown_name_and_no_signature_are_refused_in_aws_words(client: FlaskClient,
                                                                                account: Account) -> None:
    status, kind, message = aws_error(call(client, account, secret=account.key1[::-1]))
    assert (status, kind) == (400, "InvalidSignatureException") and "signature we calculated" in message
    unknown = signed_post(client, *LIST, access_key="no-such-deployment", secret=account.key1)
    assert aws_error(unknown)[1] == "UnrecognizedClientException"
    bare = client.post("/", data=b"{}", headers={"X-Amz-Target": "RekognitionService.ListCollections",
                                                 "Content-Type": AWS_JSON})
    assert aws_error(bare)[:2] == (400, "MissingAuthenticationTokenException")
    azure_key = client.post("/", data=b"{}", headers={"X-Amz-Target": "RekognitionService.ListCollections",
                                                      "Ocp-Apim-Subscription-Key": account.key1})
    assert aws_error(azure_key)[1] == "MissingAuthenticationTokenException"


def test_a_stale_or_future_signature_is_refused(client: FlaskClient, account: Account) -> None:
    old = call(client, account, at=datetime.now(UTC) - timedelta(minutes=16))
    status, kind, message = aws_error(old)
    assert kind == "InvalidSignatureException" and message.startswith("Signature expired:")
    future = call(client, account, at=datetime.now(UTC) + timedelta(minutes=16))
    assert aws_error(future)[2].startswith("Signature not yet current:")
    assert call(client, account, at=datetime.now(UTC) - timedelta(minutes=14)).status_code == 200


def test_the_operation_and_the_capture_context_must_be_signed(client: FlaskClient, account: Account) -> None:
    data, headers = signed_request(*LIST, access_key=account.deployment, secret=account.key1)
    assert client.post("/", data=data, headers=headers).status_code == 200
    swapped = client.post("/", data=data, headers={**headers, "X-Amz-Target": "RekognitionService.DeleteCollection"})
    assert aws_error(swapped)[1] == "InvalidSignatureException"
    added = client.post("/", data=data, headers={**headers, "x-visage-capture-mode": "recorded"})
    status, kind, message = aws_error(added)
    assert kind == "InvalidSignatureException" and "'x-visage-capture-mode' must be a 'SignedHeader'" in message
    changed = client.post("/", data=data.replace(b"{}", b'{"MaxResults": 1}'), headers=headers)
    assert aws_error(changed)[1] == "InvalidSignatureException"


def test_unknown_operations_and_bodies_that_are_not_json_are_refused(client: FlaskClient, account: Account) -> None:
    unknown = signed_post(client, "DetectLabels", {}, access_key=account.deployment, secret=account.key1)
    status, kind, message = aws_error(unknown)
    assert kind == "UnknownOperationException" and "SearchFacesByImage" in message
    data, headers = signed_request(LIST[0], b"[1, 2]", access_key=account.deployment, secret=account.key1)
    assert aws_error(client.post("/", data=data, headers=headers))[1] == "SerializationException"
    deep = b"[" * 100_000 + b"]" * 100_000  # deeper than Python's parser goes: still not a 500
    data, headers = signed_request(LIST[0], deep, access_key=account.deployment, secret=account.key1)
    assert aws_error(client.post("/", data=data, headers=headers))[1] == "SerializationException"


def test_a_deleted_deployment_no_longer_signs(client: FlaskClient, account: Account) -> None:
    assert client.delete(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer).status_code == 204
    assert aws_error(call(client, account))[1] == "UnrecognizedClientException"


def test_keys_are_kept_encrypted_under_a_private_key_file(client: FlaskClient, account: Account,
                                                          redis_db: Redis) -> None:
    for key in redis_db.scan_iter("*"):
        kind = redis_db.type(key)
        values = (redis_db.hvals(key) if kind == b"hash" else [redis_db.get(key)] if kind == b"string" else [])
        assert not any(account.key1.encode() in (value or b"") for value in values), key
    key_file = Path(os.environ["VISAGE_DATA_DIR"]) / "signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_keys_sealed_under_another_server_key_do_not_sign(client: FlaskClient, account: Account,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISAGE_SIGNING_KEY", "another host's signing key, not this one's" * 2)
    assert aws_error(call(client, account))[1] == "UnrecognizedClientException"


def test_a_suspended_tenant_is_refused_with_access_denied(client: FlaskClient, account: Account) -> None:
    suspended = client.post(f"/admin/v1/tenants/{account.tenant_id}/suspend", json={"reason": "chargeback"},
                            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert suspended.status_code == 200
    status, kind, message = aws_error(call(client, account))
    assert (status, kind) == (400, "AccessDeniedException") and "suspended" in message.lower()


def test_the_skus_rate_limit_is_provisioned_throughput(app: Flask, client: FlaskClient, account: Account) -> None:
    app.config["RATE_LIMITS"] = {"S0": (2, 60)}
    rekognition = rekognition_client(client, account)
    rekognition.list_collections()
    rekognition.list_collections()
    with pytest.raises(rekognition.exceptions.ProvisionedThroughputExceededException):
        rekognition.list_collections()
