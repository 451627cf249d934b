"""The one way requests leave the SDK: a requests.Session, timeouts, the retry rules, error mapping.

Request builders (`_*_requests.py`) make `HttpRequest` values; `Transport.send` sends them, retries
by `_retry`, and turns an error answer into the exception of `visage.exceptions`.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from visage._retry import Failure, RetryPolicy, retry_delay
from visage._version import VERSION
from visage.exceptions import APIConnectionError, APITimeoutError, VisageError, error_from_response

log = logging.getLogger("visage")

Timeout = float | tuple[float, float]
"""Seconds for each HTTP attempt: one number, or (connect, read)."""

DEFAULT_TIMEOUT: Timeout = (5.0, 60.0)
"""Connecting takes milliseconds locally; detecting on a large photo with detection_03 can take
several seconds on a laptop, so reads get a minute."""

UNCERTAIN_NOTE = (
    "An earlier attempt of this call may have reached the server before the SDK retried it, so this "
    "answer may describe the effect of that attempt (for example 409 ...Exists after a create)."
)


class Clock(Protocol):
    """Time as the SDK sees it: inject one in tests to make retries and polling instant."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A request before it is sent: `url` is relative to the client's base URL, or absolute."""

    method: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    upload: Path | None = None
    """A file sent as the body instead of `content`, streamed from disk (opened anew for each attempt)."""
    stream: bool = False
    """Leave the answer's body unread, for the caller to stream (and close)."""


def classify(error: requests.RequestException) -> Failure:
    """Whether a failed attempt may have reached the server (see `_retry`)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return Failure.NOT_SENT
    if isinstance(error, requests.exceptions.SSLError):
        return Failure.FATAL
    if isinstance(error, requests.exceptions.ProxyError):
        return Failure.MAYBE_SENT
    if isinstance(error, requests.exceptions.ConnectionError):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        never_connected = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
        if isinstance(reason, never_connected) or isinstance(error.args[0] if error.args else None,
                                                              never_connected):
            return Failure.NOT_SENT
        return Failure.MAYBE_SENT
    if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ChunkedEncodingError):
        return Failure.MAYBE_SENT
    return Failure.FATAL


def user_agent() -> str:
    return f"visage-sdk/{VERSION} python/{platform.python_version()} requests/{requests.__version__}"


class Transport:
    """Sends `HttpRequest`s to one base URL with the client's credential, timeout and retries."""

    def __init__(
        self,
        base_url: str,
        *,
        auth_headers: Callable[[], Mapping[str, str]],
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.clock: Clock = clock or SystemClock()
        self._auth_headers = auth_headers
        self._owns_session = session is None
        self._session = session or requests.Session()
        self._rand = rand

    def url_for(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def same_origin(self, url: str) -> bool:
        """Whether an absolute URL (an operation-Location) points at this client's server: the
        credential is only ever sent there."""
        mine, theirs = urlsplit(self.base_url), urlsplit(url)
        return (mine.scheme, mine.netloc.lower()) == (theirs.scheme, theirs.netloc.lower())

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def send(self, request: HttpRequest, *, authenticated: bool = True) -> requests.Response:
        """Send with retries; return a 2xx/3xx answer or raise the mapped `VisageError`.
        `authenticated=False` leaves the credential out (signup)."""
        headers = {
            "User-Agent": user_agent(),
            "Accept": "application/json",
            "x-ms-client-request-id": str(uuid.uuid4()),
            **request.headers,
            **(self._auth_headers() if authenticated else {}),
        }
        url = self.url_for(request.url)
        retries = 0
        uncertain = False
        while True:
            try:
                with _body(request) as body:
                    response = self._session.request(
                        request.method, url, params=dict(request.params) or None, json=request.json,
                        data=body, headers=headers, timeout=self.timeout, allow_redirects=False,
                        stream=request.stream,
                    )
            except requests.RequestException as error:
                failure = classify(error)
                wait = retry_delay(self.retry, method=request.method, retries_done=retries, failure=failure,
                                   rand=self._rand)
                if wait is None:
                    raise no_answer(request, error, failure, retries + 1, uncertain) from error
                log.info("visage: %s %s failed (%s); retry %d in %.2fs", request.method, request.url,
                         type(error).__name__, retries + 1, wait)
                uncertain = uncertain or failure is Failure.MAYBE_SENT
            else:
                if response.status_code < 400:
                    return response
                wait = retry_delay(self.retry, method=request.method, retries_done=retries,
                                   status=response.status_code, headers=response.headers, rand=self._rand)
                if wait is None:
                    raise answered_error(response, retries + 1, uncertain)
                log.info("visage: %s %s answered %d; retry %d in %.2fs", request.method, request.url,
                         response.status_code, retries + 1, wait)
                uncertain = uncertain or response.status_code != 429
                response.close()
            retries += 1
            self.clock.sleep(wait)


@contextlib.contextmanager
def _body(request: HttpRequest) -> Iterator[bytes | BinaryIO | None]:
    if request.upload is None:
        yield request.content
        return
    with open(request.upload, "rb") as handle:
        yield handle


def answered_error(response: requests.Response, attempts: int, uncertain: bool) -> VisageError:
    error = error_from_response(response)
    error.attempts = attempts
    error.earlier_attempt_uncertain = uncertain
    if uncertain:
        error.add_note(UNCERTAIN_NOTE)
    return error


def no_answer(request: HttpRequest, error: requests.RequestException, failure: Failure, attempts: int,
              uncertain: bool) -> APIConnectionError:
    kind = APITimeoutError if isinstance(error, requests.exceptions.Timeout) else APIConnectionError
    what = "did not answer in time" if kind is APITimeoutError else "could not be reached"
    after = f" after {attempts} attempts" if attempts > 1 else ""
    wrapped = kind(f"{request.method} {request.url}: the server {what}{after} ({error})",
                   request_sent=failure is Failure.MAYBE_SENT)
    wrapped.attempts = attempts
    wrapped.earlier_attempt_uncertain = uncertain
    return wrapped
