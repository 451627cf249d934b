"""A download that breaks or stalls in the middle of the body, from a loopback server: a `VisageError`
(the SDK's errors, not requests'), and no file, whole or half, under the target's name."""

from __future__ import annotations

import http.server
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from visage import APIConnectionError, APITimeoutError, FaceClient
from visage_fakes import FakeClock, serving

JOB_ID = "7d0c2b1e-0f7a-4c38-9b1a-1f6f3c4c5d6e"


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    stall = getattr(request, "param", 0.0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"\0" * 1000)  # a tenth of what it promised
            self.wfile.flush()
            time.sleep(stall)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as endpoint:
        yield endpoint


def test_a_body_cut_short_is_an_api_connection_error_and_leaves_no_file(endpoint: str, tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    with FaceClient(endpoint, "key", clock=FakeClock()) as client:
        with pytest.raises(APIConnectionError, match="broke off") as caught:
            client.download_redaction(JOB_ID, target)
    assert caught.value.request_sent
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("endpoint", [2.0], indirect=True)
def test_a_body_that_stalls_past_the_read_timeout_is_an_api_timeout_error(endpoint: str, tmp_path: Path) -> None:
    with FaceClient(endpoint, "key", timeout=(1.0, 0.2), clock=FakeClock()) as client:
        with pytest.raises(APITimeoutError):
            client.download_redaction(JOB_ID, tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []
