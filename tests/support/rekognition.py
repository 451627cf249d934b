"""boto3's Rekognition client against the Flask test client, and raw signed requests.

`rekognition_client` is the unchanged boto3 client a user makes (endpoint, region, the deployment's
name and key); botocore builds, signs and parses everything, and only the last hop, the socket, is
replaced by the Flask test client (botocore's `before-send` event takes a response instead of
sending), so every answer is also checked against the OpenAPI document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any
from unittest import mock

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.tenants import Account

ENDPOINT = "http://localhost"
REGION = "eu-west-1"
AWS_JSON = "application/x-amz-json-1.1"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def rekognition_client(client: FlaskClient, account: Account, *, key: str | None = None,
                       headers: Mapping[str, str] | None = None, region: str = REGION) -> Any:
    """boto3's client, with `headers` (capture context) added before botocore signs, as a user's
    event handler would add them."""
    rekognition = boto3.session.Session().client(
        "rekognition", endpoint_url=ENDPOINT, region_name=region, aws_access_key_id=account.deployment,
        aws_secret_access_key=key or account.key1, config=Config(retries={"max_attempts": 1}))

    def add_headers(request: AWSRequest, **_: Any) -> None:
        for name, value in (headers or {}).items():
            request.headers[name] = value

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        answer = client.post("/", data=request.body, headers=_text(request.headers.items()))
        return AWSResponse(request.url, answer.status_code, dict(answer.headers), _Raw(answer.get_data()))

    rekognition.meta.events.register_first("before-sign.rekognition.*", add_headers)
    rekognition.meta.events.register("before-send.rekognition.*", send)
    return rekognition


def signed_post(client: FlaskClient, operation: str, body: Mapping[str, Any], *, access_key: str, secret: str,
                headers: Mapping[str, str] | None = None, at: datetime | None = None,
                region: str = REGION, service: str = "rekognition") -> TestResponse:
    """A request signed by botocore's signer (at `at`, else now), sent as it is."""
    data, signed = signed_request(operation, body, access_key=access_key, secret=secret, headers=headers, at=at,
                                  region=region, service=service)
    return client.post("/", data=data, headers=signed)


def signed_request(operation: str, body: Mapping[str, Any] | bytes, *, access_key: str, secret: str,
                   headers: Mapping[str, str] | None = None, at: datetime | None = None, region: str = REGION,
                   service: str = "rekognition") -> tuple[bytes, dict[str, str]]:
    """The body and the headers of a request botocore signed."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = AWSRequest("POST", f"{ENDPOINT}/", data=data, headers={
        "X-Amz-Target": f"RekognitionService.{operation}", "Content-Type": AWS_JSON, **(headers or {})})
    signer = SigV4Auth(Credentials(access_key, secret), service, region)
    if at is None:
        signer.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=at.replace(tzinfo=None)):
            signer.add_auth(request)
    return data, _text(request.headers.items())


def _text(headers: Iterable[tuple[str, str | bytes]]) -> dict[str, str]:
    """Headers as sent on the wire (botocore keeps some as bytes)."""
    return {name: value.decode() if isinstance(value, bytes) else value for name, value in headers}


def aws_error(response: TestResponse) -> tuple[int, str, str]:
    """(status, __type, message) of an AWS error answer, checking its header agrees."""
    body = json.loads(response.get_data())
    assert response.headers["x-amzn-ErrorType"] == body["__type"]
    assert response.headers["x-amzn-RequestId"]
    return response.status_code, body["__type"], body["message"]


def image(path: str) -> dict[str, bytes]:
    from tests.support.faces import photo

    return {"Bytes": photo(path).read()}
