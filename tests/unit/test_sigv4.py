"""Signature Version 4 on the server's side, against botocore's own signer: the canonical request
Visage rebuilds is botocore's, character for character, and only the right secret verifies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import sigv4
from server.domain.aws_errors import (
    AwsError,
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

SECRET = "5f3c9a0e6b1d4c2f8a7e9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e"
SIGNED_AT = datetime(2026, 11, 26, 5, 56, 34, tzinfo=UTC)
BODY = json.dumps({"Image": {"Bytes": "/9j/IGFiYw=="}, "Attributes": ["DEFAULT"]}).encode()
TARGET = {"X-Amz-Target": "RekognitionService.DetectFaces", "Content-Type": "application/x-amz-json-1.1"}


def signed(url: str = "http://127.0.0.1:8080/", *, headers: dict[str, str] | None = None, body: bytes = BODY,
           params: dict[str, str] | None = None, secret: str = SECRET, access_key: str = "face-1",
           region: str = "us-east-1", service: str = "rekognition", at: datetime = SIGNED_AT,
           token: str | None = None) -> tuple[AWSRequest, str]:
    """A request botocore signed, and the canonical request it signed."""
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(TARGET if headers is None else headers),
                         params=params or {})
    signer = SigV4Auth(Credentials(access_key, secret, token), service, region)
    seen: list[str] = []
    original = signer.canonical_request

    def recording(request: AWSRequest) -> str:
        seen.append(original(request))
        return seen[-1]

    with mock.patch("botocore.auth.get_current_datetime", return_value=at.replace(tzinfo=None)), \
            mock.patch.object(signer, "canonical_request", recording):
        signer.add_auth(request)
    return request, seen[0]


def received(request: AWSRequest, **replace: str) -> sigv4.HttpRequest:
    """The request as the server sees it on the wire: botocore's URL and headers, and the Host header
    its HTTP client adds."""
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    headers = [(name, value.decode() if isinstance(value, bytes) else value)
               for name, value in prepared.headers.items()]
    headers.append(("Host", parts.netloc.removesuffix(":80") if parts.scheme == "http" else parts.netloc))
    headers = [(name, replace.get(name.lower(), value)) for name, value in headers]
    body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    return sigv4.HttpRequest(prepared.method, parts.path or "/", parts.query, tuple(headers), body)


def authorization(request: sigv4.HttpRequest) -> sigv4.Authorization:
    return sigv4.parse_authorization(dict((k.lower(), v) for k, v in request.headers).get("authorization"),
                                     request.query)


def verify(request: sigv4.HttpRequest, *, secret: str = SECRET, now: datetime = SIGNED_AT) -> bool:
    auth = authorization(request)
    return sigv4.signature_matches(secret, auth, sigv4.string_to_sign(request, auth, service="rekognition", now=now))


def canonical(request: sigv4.HttpRequest) -> str:
    import hashlib

    return sigv4.canonical_request(request, authorization(request).signed_headers,
                                   hashlib.sha256(request.body).hexdigest())


def test_a_boto3_request_verifies_with_the_same_secret_only() -> None:
    request, _ = signed()
    assert verify(received(request))
    assert not verify(received(request), secret=SECRET[:-1] + "f")


def test_the_canonical_request_is_botocores() -> None:
    request, botocores = signed("http://localhost:5000/a/./b/../c//d%20e/", params={"b": "x y", "a": "1~*+"},
                                headers={**TARGET, "X-Visage-Capture-Mode": "  recorded   twice  "})
    wire = received(request)
    assert canonical(wire) == botocores
    assert verify(wire)


@settings(max_examples=60, deadline=None)
@given(
    segments=st.lists(st.text(st.characters(codec="utf-8", exclude_characters="/?#\x00"), min_size=0, max_size=6),
                      max_size=4),
    params=st.dictionaries(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1,
                                   max_size=6),
                           st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8), max_size=3),
    spaced=st.text(st.sampled_from("ab \t"), min_size=1, max_size=12).filter(lambda text: text.strip()),
    body=st.binary(max_size=200),
)
def test_any_path_query_header_and_body_verifies_as_botocore_signed_it(segments: list[str], params: dict[str, str],
                                                                       spaced: str, body: bytes) -> None:
    from urllib.parse import quote

    url = "http://127.0.0.1:8080/" + "/".join(quote(segment, safe="") for segment in segments)
    request, botocores = signed(url, params=params, body=body, headers={**TARGET, "X-Visage-Camera": spaced})
    wire = received(request)
    assert canonical(wire) == botocores
    assert verify(wire)


def test_a_changed_body_target_or_capture_header_breaks_the_signature() -> None:
    request, _ = signed(headers={**TARGET, "X-Visage-Capture-Mode": "live"})
    wire = received(request)
    assert verify(wire)
    assert not verify(sigv4.HttpRequest(wire.method, wire.path, wire.query, wire.headers, wire.body + b" "))
    assert not verify(received(request, **{"x-amz-target": "RekognitionService.DeleteCollection"}))
    assert not verify(received(request, **{"x-visage-capture-mode": "recorded"}))


def test_the_clock_may_be_fifteen_minutes_off_and_no_more() -> None:
    wire = received(signed()[0])
    assert verify(wire, now=SIGNED_AT + timedelta(minutes=15))
    assert verify(wire, now=SIGNED_AT - timedelta(minutes=15))
    with pytest.raises(InvalidSignatureException, match="Signature expired: 20261126T055634Z is now earlier than"):
        verify(wire, now=SIGNED_AT + timedelta(minutes=15, seconds=1))
    with pytest.raises(InvalidSignatureException, match="Signature not yet current"):
        verify(wire, now=SIGNED_AT - timedelta(minutes=15, seconds=1))


def without(request: sigv4.HttpRequest, name: str) -> sigv4.HttpRequest:
    return sigv4.HttpRequest(request.method, request.path, request.query,
                             tuple((k, v) for k, v in request.headers if k.lower() != name), request.body)


def with_header(request: sigv4.HttpRequest, name: str, value: str) -> sigv4.HttpRequest:
    return sigv4.HttpRequest(request.method, request.path, request.query, (*request.headers, (name, value)),
                             request.body)


@pytest.mark.parametrize(("change", "error", "words"), [
    (lambda r: without(r, "authorization"), MissingAuthenticationTokenException, "Missing Authentication Token"),
    (lambda r: with_header(without(r, "authorization"), "Authorization", "AWS AKID:c2ln"),
     IncompleteSignatureException, "Signature Version 4"),
    (lambda r: with_header(without(r, "authorization"), "Authorization",
                           "AWS4-HMAC-SHA256 Credential=face-1/20261126/us-east-1/rekognition/aws4_request"),
     IncompleteSignatureException, "requires 'Signature' parameter"),
    (lambda r: with_header(without(r, "authorization"), "Authorization",
                           "AWS4-HMAC-SHA256 Credential=face-1/us-east-1, SignedHeaders=host, Signature=00"),
     IncompleteSignatureException, "5 parts"),
    (lambda r: without(r, "x-amz-date"), IncompleteSignatureException, "'X-Amz-Date' or a 'Date'"),
    (lambda r: with_header(r, "X-Amz-Meta", "unsigned"), InvalidSignatureException,
     "'x-amz-meta' must be a 'SignedHeader'"),
    (lambda r: with_header(r, "x-visage-capture-mode", "recorded"), InvalidSignatureException,
     "'x-visage-capture-mode' must be a 'SignedHeader'"),
    (lambda r: without(r, "x-amz-target"), InvalidSignatureException, "'x-amz-target' is not in the request"),
    (lambda r: with_header(r, "X-Amz-Content-SHA256", "0" * 64), InvalidSignatureException,
     "must be a 'SignedHeader'"),
])
def test_malformed_or_incomplete_signatures_are_refused_in_aws_words(change: object, error: type[AwsError],
                                                                     words: str) -> None:
    wire = change(received(signed()[0]))  # type: ignore[operator]
    with pytest.raises(error, match=words):
        verify(wire)


def test_host_must_be_signed() -> None:
    request, _ = signed()
    wire = received(request)
    authorization = dict((k.lower(), v) for k, v in wire.headers)["authorization"]
    tampered = with_header(without(wire, "authorization"), "Authorization",
                           authorization.replace("content-type;host;", "content-type;"))
    with pytest.raises(InvalidSignatureException, match="'Host' or ':authority' must be a 'SignedHeader'"):
        verify(tampered)


def test_scope_service_date_and_terminator_are_checked() -> None:
    with pytest.raises(InvalidSignatureException, match="correct service: 'rekognition'"):
        verify(received(signed(service="s3")[0]))
    wire = received(signed()[0])
    authorization = dict((k.lower(), v) for k, v in wire.headers)["authorization"]
    for old, new, words in (("/20261126/", "/20261127/", "Date in Credential scope does not match"),
                            ("/aws4_request", "/aws5_request", "valid terminator")):
        changed = with_header(without(wire, "authorization"), "Authorization", authorization.replace(old, new))
        with pytest.raises(InvalidSignatureException, match=words):
            verify(changed)


def test_a_session_token_is_not_recognised() -> None:
    with pytest.raises(UnrecognizedClientException):
        verify(received(signed(token="FwoGZXIvYXdzE")[0]))


def test_a_signed_payload_hash_must_be_the_bodys() -> None:
    import hashlib

    right = signed(headers={**TARGET, "X-Amz-Content-SHA256": hashlib.sha256(BODY).hexdigest()})[0]
    assert verify(received(right))
    wrong = signed(headers={**TARGET, "X-Amz-Content-SHA256": hashlib.sha256(b"other").hexdigest()})[0]
    with pytest.raises(InvalidSignatureException, match="does not match what was computed"):
        verify(received(wrong))


def test_the_signing_key_is_the_documented_derivation() -> None:
    # AWS's published example (General Reference, "Examples of how to derive a signing key"):
    key = sigv4.signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
