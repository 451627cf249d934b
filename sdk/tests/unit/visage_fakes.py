"""Shared fakes of the SDK's unit tests (a module, not conftest, so tests can import it)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from responses import Call
from visage import RetryPolicy


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on a loopback port answering with `handler`, for what `responses` cannot fake
    (a body cut short, a stall); its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

ENDPOINT = "http://visage.test"
BASE = f"{ENDPOINT}/face/v1.2"
KEY = "k" * 64
NO_JITTER = RetryPolicy(jitter=0.0)


class FakeClock:
    """Monotonic time that moves only when the SDK sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def error_body(code: str, message: str = "Something is wrong.", **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def body_of(call: Call) -> Any:
    body = call.request.body
    assert body is not None
    return json.loads(body)
