"""moto's server as a real S3 endpoint over HTTP, on a free port, with boto3 pointed at it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCESS_KEY = "AKIATESTINGVISAGE000"
SECRET_KEY = "testing-secret"


@dataclasses.dataclass(frozen=True)
class MotoS3:
    endpoint: str

    def client(self, service: str = "s3", **credentials: str) -> Any:
        """A plain boto3 client, as a user of Visage would make one."""
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=credentials.get("key", ACCESS_KEY),
            aws_secret_access_key=credentials.get("secret", SECRET_KEY),
        )

    def reset(self) -> None:
        requests.post(f"{self.endpoint}/moto-api/reset", timeout=10).raise_for_status()

    def enforce_auth(self, enabled: bool) -> None:
        """moto checks signatures and IAM policies only once told to (from the next request on)."""
        count = "0" if enabled else "inf"
        requests.post(f"{self.endpoint}/moto-api/reset-auth", data=count, timeout=10).raise_for_status()


@contextmanager
def moto_s3_server() -> Iterator[MotoS3]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield MotoS3(f"http://{host}:{port}")
    finally:
        server.stop()


def aws_environment(endpoint: str | None, *, credentials: bool = True) -> dict[str, str]:
    """Environment for code that builds its own boto3 client: only what is given here counts."""
    env = {
        "AWS_CONFIG_FILE": "/nonexistent/visage-test-aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/visage-test-aws-credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": REGION,
    }
    if credentials:
        env |= {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    if endpoint:
        env["VISAGE_S3_ENDPOINT_URL"] = endpoint
    return env
