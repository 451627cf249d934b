"""Reading and writing S3 objects through boto3, against moto's server over real HTTP."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.errors import BadArgument, S3AccessDenied, S3ObjectNotFound, S3ObjectTooLarge, S3Unavailable
from server.store.s3 import S3Location, S3Store
from tests.support.s3 import MotoS3, aws_environment, moto_s3_server

AWS_VARIABLES = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "VISAGE_S3_ENDPOINT_URL")


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    with moto_s3_server() as server:
        yield server


@pytest.fixture
def s3(moto: MotoS3, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoS3]:
    use_environment(monkeypatch, aws_environment(moto.endpoint))
    moto.reset()
    moto.client().create_bucket(Bucket="footage")
    yield moto
    moto.enforce_auth(False)


def use_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_reads_an_object_into_bytes_and_into_a_file(s3: MotoS3, tmp_path: Path) -> None:
    body = bytes(range(256)) * 5000
    s3.client().put_object(Bucket="footage", Key="cam/1.mp4", Body=body, ContentType="video/mp4")
    store = S3Store.from_environment()
    location = S3Location("footage", "cam/1.mp4")
    assert store.read_bytes(location, max_bytes=len(body)) == body
    info = store.download(location, tmp_path / "copy.mp4", max_bytes=len(body))
    assert (tmp_path / "copy.mp4").read_bytes() == body
    assert (info.size, info.content_type) == (len(body), "video/mp4")


def test_reads_the_version_asked_for(s3: MotoS3) -> None:
    client = s3.client()
    client.put_bucket_versioning(Bucket="footage", VersioningConfiguration={"Status": "Enabled"})
    first = client.put_object(Bucket="footage", Key="clip", Body=b"first take")["VersionId"]
    client.put_object(Bucket="footage", Key="clip", Body=b"second take")
    store = S3Store.from_environment()
    assert store.read_bytes(S3Location("footage", "clip", first), max_bytes=100) == b"first take"
    assert store.read_bytes(S3Location("footage", "clip"), max_bytes=100) == b"second take"


@pytest.mark.parametrize("location", [
    S3Location("footage", "missing.mp4"),
    S3Location("no-such-bucket", "clip.mp4"),
    S3Location("footage", "clip", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"),
])
def test_a_missing_bucket_key_or_version_is_not_found(s3: MotoS3, location: S3Location, tmp_path: Path) -> None:
    s3.client().put_object(Bucket="footage", Key="clip", Body=b"x")
    store = S3Store.from_environment()
    with pytest.raises(S3ObjectNotFound, match=location.bucket):
        store.read_bytes(location, max_bytes=100)
    with pytest.raises(S3ObjectNotFound):
        store.download(location, tmp_path / "out", max_bytes=100)
    assert not (tmp_path / "out").exists()


def test_an_object_over_the_cap_is_refused_before_it_is_read(s3: MotoS3, tmp_path: Path) -> None:
    s3.client().put_object(Bucket="footage", Key="big", Body=b"x" * 2048)
    store = S3Store.from_environment()
    with pytest.raises(S3ObjectTooLarge, match="2048 bytes"):
        store.download(S3Location("footage", "big"), tmp_path / "big", max_bytes=2047)
    assert not (tmp_path / "big").exists()
    assert store.read_bytes(S3Location("footage", "big"), max_bytes=2048) == b"x" * 2048


def test_credentials_without_permission_are_denied(s3: MotoS3, monkeypatch: pytest.MonkeyPatch) -> None:
    s3.client().put_object(Bucket="footage", Key="clip", Body=b"x")
    iam = s3.client("iam")
    iam.create_user(UserName="reader")
    iam.put_user_policy(UserName="reader", PolicyName="list-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    s3.enforce_auth(True)
    store = S3Store.from_environment()
    with pytest.raises(S3AccessDenied, match="s3://footage/clip"):
        store.read_bytes(S3Location("footage", "clip"), max_bytes=100)
    with pytest.raises(S3AccessDenied):
        store.put_bytes(b"y", S3Location("footage", "out"), "video/mp4")


def test_no_credentials_at_all_is_a_denial(moto: MotoS3, monkeypatch: pytest.MonkeyPatch) -> None:
    use_environment(monkeypatch, aws_environment(moto.endpoint, credentials=False))
    with pytest.raises(S3AccessDenied, match="no AWS credentials"):
        S3Store.from_environment().read_bytes(S3Location("footage", "clip"), max_bytes=100)


def test_an_unreachable_endpoint_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    use_environment(monkeypatch, aws_environment(f"http://127.0.0.1:{closed_port}"))
    with pytest.raises(S3Unavailable, match="could not be reached"):
        S3Store.from_environment().read_bytes(S3Location("footage", "clip"), max_bytes=100)


def test_writes_a_file_and_bytes_with_their_content_type(s3: MotoS3, tmp_path: Path) -> None:
    source = tmp_path / "redacted.mp4"
    source.write_bytes(b"\x00\x01" * 10_000)
    store = S3Store.from_environment()
    info = store.upload(source, S3Location.from_uri("s3://footage/out/redacted.mp4"), "video/mp4")
    stored = s3.client().get_object(Bucket="footage", Key="out/redacted.mp4")
    assert stored["Body"].read() == source.read_bytes()
    assert stored["ContentType"] == "video/mp4" and info.size == 20_000
    store.put_bytes(b"png", S3Location("footage", "face.png"), "image/png")
    assert s3.client().get_object(Bucket="footage", Key="face.png")["ContentType"] == "image/png"


def test_writing_to_a_missing_bucket_is_not_found(s3: MotoS3, tmp_path: Path) -> None:
    source = tmp_path / "redacted.mp4"
    source.write_bytes(b"x")
    with pytest.raises(S3ObjectNotFound, match="s3://nowhere/out.mp4"):
        S3Store.from_environment().upload(source, S3Location("nowhere", "out.mp4"), "video/mp4")


@pytest.mark.parametrize("bucket, key, version", [
    ("ab", "k", None), ("bad bucket", "k", None), ("footage", "", None), ("footage", "k" * 1025, None),
    ("footage", "k", ""),
])
def test_a_malformed_location_is_a_bad_argument(bucket: str, key: str, version: str | None) -> None:
    with pytest.raises(BadArgument):
        S3Location(bucket, key, version)


def test_locations_from_uris() -> None:
    assert S3Location.from_uri("s3://footage/a/b.mp4") == S3Location("footage", "a/b.mp4")
    for uri in ("https://footage/a", "s3://footage", "s3://footage/"):
        with pytest.raises(BadArgument):
            S3Location.from_uri(uri)
