"""S3 objects in and out through boto3: images and videos to analyse, redacted files to deliver.

The endpoint is the operator's choice, never the caller's (a caller-chosen endpoint would let
anyone make Visage fetch from its own network): `VISAGE_S3_ENDPOINT_URL` when set (MinIO,
LocalStack, moto's server), else AWS's own. Credentials and region come from boto3's standard
chain (environment, shared config and credential files, instance or container roles).

Every failure becomes one of four domain errors, whatever S3 server answered:

| error             | when                                                                 |
| ----------------- | -------------------------------------------------------------------- |
| S3ObjectNotFound  | no such bucket, key or version (404, NoSuchKey, NoSuchBucket, ...)   |
| S3AccessDenied    | Visage's credentials may not read or write it, or there are none     |
| S3ObjectTooLarge  | larger than the caller's cap (checked before and while reading)      |
| S3Unavailable     | the endpoint cannot be reached, times out or fails (5xx)             |

The Rekognition surface answers the first two (and a malformed location) with
InvalidS3ObjectException, as AWS does.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from server.errors import BadArgument, S3AccessDenied, S3Error, S3ObjectNotFound, S3ObjectTooLarge, S3Unavailable

ENDPOINT_VARIABLE = "VISAGE_S3_ENDPOINT_URL"

BUCKET_PATTERN = re.compile(r"[0-9A-Za-z.\-_]{3,255}")
"""Rekognition's S3Bucket pattern and length."""

MAX_KEY_LENGTH = 1024
"""Rekognition's S3ObjectName and S3ObjectVersion lengths (S3's own key limit is 1024 bytes)."""

CHUNK_BYTES = 1024 * 1024

CLIENT_CONFIG = Config(
    connect_timeout=5,
    read_timeout=60,
    retries={"mode": "standard", "max_attempts": 3},
)
"""Five seconds to connect and a minute between bytes: a dead endpoint fails a job quickly, a slow
large download does not. Standard retries (three attempts, with backoff) ride out a throttled or
briefly failing S3."""

TRANSFER_CONFIG = TransferConfig(max_concurrency=4)
"""Multipart uploads of large outputs with four threads: the machine has other work."""

_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NotFound"})
_DENIED_CODES = frozenset({
    "403", "AccessDenied", "Forbidden", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch",
    "ExpiredToken", "InvalidToken", "AccountProblem", "InvalidObjectState",
})


@dataclasses.dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str
    version: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.bucket, str) or not BUCKET_PATTERN.fullmatch(self.bucket):
            raise BadArgument("The S3 bucket name is invalid: 3 to 255 letters, digits, '.', '-' or '_'.")
        if not isinstance(self.key, str) or not 1 <= len(self.key) <= MAX_KEY_LENGTH:
            raise BadArgument(f"The S3 object name must be 1 to {MAX_KEY_LENGTH} characters.")
        if self.version is not None and (not isinstance(self.version, str)
                                         or not 1 <= len(self.version) <= MAX_KEY_LENGTH):
            raise BadArgument(f"The S3 object version must be 1 to {MAX_KEY_LENGTH} characters.")

    @classmethod
    def from_uri(cls, uri: str) -> S3Location:
        """`s3://bucket/key`, the form the media API takes for an output."""
        if not isinstance(uri, str) or not uri.startswith("s3://"):
            raise BadArgument("An S3 location is written s3://bucket/key.")
        bucket, _, key = uri[len("s3://"):].partition("/")
        return cls(bucket, key)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def _version_args(self) -> dict[str, str]:
        return {"VersionId": self.version} if self.version else {}


@dataclasses.dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str
    content_type: str | None
    version: str | None


class S3Store:
    def __init__(self, client: Any) -> None:
        self.client = client

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> S3Store:
        endpoint = (environ if environ is not None else os.environ).get(ENDPOINT_VARIABLE) or None
        config = CLIENT_CONFIG.merge(Config(s3={"addressing_style": "path"})) if endpoint else CLIENT_CONFIG
        try:
            client = boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)
        except (BotoCoreError, ValueError) as error:
            raise S3Unavailable(f"The S3 client cannot be set up: {error}") from None
        return cls(client)

    def head(self, location: S3Location) -> ObjectInfo:
        with _mapped(location, "read"):
            answer = self.client.head_object(Bucket=location.bucket, Key=location.key, **location._version_args())
        return ObjectInfo(int(answer.get("ContentLength", 0)), str(answer.get("ETag", "")),
                          answer.get("ContentType"), answer.get("VersionId"))

    def check_bucket(self, location: S3Location) -> None:
        """That the bucket to write `location` to exists, before work is spent on what goes there. Only
        a bucket S3 says is missing is refused: credentials that may write but not list it are not."""
        with _mapped(location, "write"):
            try:
                self.client.head_bucket(Bucket=location.bucket)
            except ClientError as error:
                status = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
                if status == "404":
                    raise S3ObjectNotFound(f"The S3 bucket {location.bucket} to write {location.uri} to does not "
                                           "exist.") from None
                if status != "403":
                    raise

    def download(self, location: S3Location, destination: Path, max_bytes: int) -> ObjectInfo:
        """Copy the object to `destination` (created; removed again on failure)."""
        info = self._check_size(location, max_bytes)
        try:
            with open(destination, "xb") as handle:
                for chunk in self._chunks(location, info, max_bytes):
                    handle.write(chunk)
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
        return info

    def read_bytes(self, location: S3Location, max_bytes: int) -> bytes:
        info = self._check_size(location, max_bytes)
        return b"".join(self._chunks(location, info, max_bytes))

    def upload(self, source: Path, location: S3Location, content_type: str) -> ObjectInfo:
        with _mapped(location, "write"):
            self.client.upload_file(str(source), location.bucket, location.key,
                                    ExtraArgs={"ContentType": content_type}, Config=TRANSFER_CONFIG)
        return self.head(S3Location(location.bucket, location.key))

    def put_bytes(self, data: bytes, location: S3Location, content_type: str) -> ObjectInfo:
        with _mapped(location, "write"):
            answer = self.client.put_object(Bucket=location.bucket, Key=location.key, Body=data,
                                            ContentType=content_type)
        return ObjectInfo(len(data), str(answer.get("ETag", "")), content_type, answer.get("VersionId"))

    def _check_size(self, location: S3Location, max_bytes: int) -> ObjectInfo:
        info = self.head(location)
        if info.size > max_bytes:
            raise _too_large(location, max_bytes, info.size)
        return info

    def _chunks(self, location: S3Location, info: ObjectInfo, max_bytes: int) -> Iterator[bytes]:
        """The object's bytes as HEAD described them (If-Match: a replaced object is refused, not mixed)."""
        with _mapped(location, "read"):
            answer = self.client.get_object(Bucket=location.bucket, Key=location.key, IfMatch=info.etag,
                                            **location._version_args())
            body = answer["Body"]
            try:
                total = 0
                while chunk := body.read(CHUNK_BYTES):
                    total += len(chunk)
                    if total > max_bytes:
                        raise _too_large(location, max_bytes)
                    yield chunk
            finally:
                body.close()


def _too_large(location: S3Location, max_bytes: int, size: int | None = None) -> S3ObjectTooLarge:
    found = f" ({size} bytes)" if size is not None else ""
    return S3ObjectTooLarge(f"The S3 object {location.uri}{found} is larger than the {max_bytes} bytes accepted.")


@contextmanager
def _mapped(location: S3Location, verb: str) -> Iterator[None]:
    """Turns boto3's and botocore's exceptions into the domain's, naming the object."""
    try:
        yield
    except S3Error:
        raise
    except Exception as error:
        mapped = _domain_error(error, location, verb)
        if mapped is None:
            raise
        raise mapped from None


def _domain_error(error: BaseException, location: S3Location, verb: str) -> S3Error | None:
    uri = location.uri + (f" (version {location.version})" if location.version else "")
    if isinstance(error, S3UploadFailedError) and isinstance(error.__context__, ClientError):
        error = error.__context__
    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return S3AccessDenied(f"Visage has no AWS credentials to {verb} {uri} with.")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        bad_version = location.version is not None and (code == "InvalidArgument" or status == "400")
        if code in _NOT_FOUND_CODES or status == "404" or bad_version:  # S3 answers a malformed versionId 400
            return S3ObjectNotFound(f"The S3 object {uri} does not exist (no such bucket, key or version).")
        if code in _DENIED_CODES or status == "403":
            return S3AccessDenied(f"Visage's credentials may not {verb} the S3 object {uri} ({code or status}).")
        if code == "PreconditionFailed" or status == "412":
            return S3Unavailable(f"The S3 object {uri} changed while it was read; try again.")
        return S3Unavailable(f"S3 could not {verb} {uri}: {code or status}.")
    if isinstance(error, (BotoCoreError, S3UploadFailedError)):
        return S3Unavailable(f"S3 could not be reached to {verb} {uri}: {type(error).__name__}.")
    return None
