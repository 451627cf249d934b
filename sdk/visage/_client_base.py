"""What every client shares: the endpoint check, the options, the key credential, closing, `with` blocks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Self, TypedDict
from urllib.parse import urlsplit

import requests

from visage._retry import RetryPolicy
from visage._transport import Clock, Timeout, Transport

DEFAULT_API_VERSION = "v1.2"
"""The data plane's API version; Visage also serves v1.0, v1.1-preview.1 and v1.2-preview.1."""


def check_endpoint(endpoint: str) -> str:
    """The base URL without a trailing slash; refuse what is not an http(s) URL with a host."""
    parts = urlsplit(endpoint.strip()) if isinstance(endpoint, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"endpoint must be an http(s) URL such as http://127.0.0.1:8080, not {endpoint!r}")
    if parts.query or parts.fragment:
        raise ValueError("endpoint must not carry a query or fragment")
    return endpoint.strip().rstrip("/")


def check_secret(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value.strip()


class KeyCredential:
    """A deployment key that can be swapped while clients use it (after `regenerate_key`)."""

    def __init__(self, key: str) -> None:
        self._key = check_secret(key, "key")

    @property
    def key(self) -> str:
        return self._key

    def update(self, key: str) -> None:
        """Use another key from the next request on."""
        self._key = check_secret(key, "key")

    def __repr__(self) -> str:
        return "KeyCredential(key=***)"


class ClientOptions(TypedDict, total=False):
    """The options every client takes, keyword-only, after its endpoint and credential."""

    timeout: Timeout
    """Seconds for each HTTP attempt: one number, or (connect, read). Default: 5 s to connect, 60 s to read."""
    retry: RetryPolicy | None
    """How to retry (`RetryPolicy(max_retries=0)` turns retries off). Default: `RetryPolicy()`."""
    session: requests.Session | None
    """A `requests.Session` to share; the client then leaves it open on `close()`."""
    clock: Clock | None
    """Time for retries and polling (tests pass a fake one to make them instant)."""


class BaseClient:
    """One transport to `{endpoint}{path}` with the client's credential; closing and `with` support."""

    def __init__(self, endpoint: str, *, path: str, auth_headers: Callable[[], Mapping[str, str]],
                 options: ClientOptions) -> None:
        self._endpoint = check_endpoint(endpoint)
        self._transport = Transport(f"{self._endpoint}{path}", auth_headers=auth_headers, **options)

    @property
    def endpoint(self) -> str:
        return self._endpoint

    def close(self) -> None:
        """Close the HTTP session (unless it was passed in)."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self._endpoint!r})"
