"""A slow server on the loopback: the client's timeout, and which calls it retries after one."""

from __future__ import annotations

import http.server
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from visage import APITimeoutError, FaceClient, RetryPolicy
from visage_fakes import FakeClock, serving


@dataclass
class SlowServer:
    endpoint: str
    delay: float
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def slow_server() -> Iterator[SlowServer]:
    state = SlowServer(endpoint="", delay=0.5)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            state.hits.append(f"{self.command} {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            time.sleep(state.delay)
            body = json.dumps({"largePersonGroupId": "g", "name": "G"}).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up and closed the connection

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as state.endpoint:
        yield state


def test_a_get_slower_than_the_timeout_is_retried_then_raises(slow_server: SlowServer) -> None:
    clock = FakeClock()
    with FaceClient(slow_server.endpoint, "key", timeout=(1.0, 0.1), retry=RetryPolicy(max_retries=2),
                    clock=clock) as client:
        with pytest.raises(APITimeoutError) as caught:
            client.large_person_groups.get("g")
    assert caught.value.request_sent and caught.value.attempts == 3
    assert slow_server.hits == ["GET /face/v1.2/largepersongroups/g"] * 3
    assert len(clock.sleeps) == 2


def test_a_post_slower_than_the_timeout_is_not_retried(slow_server: SlowServer) -> None:
    with FaceClient(slow_server.endpoint, "key", timeout=0.1, clock=FakeClock()) as client:
        with pytest.raises(APITimeoutError, match="did not answer in time") as caught:
            client.large_person_groups.persons.create("g", "Ada")
    assert caught.value.request_sent and caught.value.attempts == 1
    assert slow_server.hits == ["POST /face/v1.2/largepersongroups/g/persons"]


def test_a_slow_server_within_the_timeout_answers(slow_server: SlowServer) -> None:
    slow_server.delay = 0.2
    with FaceClient(slow_server.endpoint, "key", timeout=5) as client:
        assert client.large_person_groups.get("g").name == "G"
