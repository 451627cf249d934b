"""What every client shares: the endpoint check, the key credential, closing, `with` blocks."""

from __future__ import annotations

from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from visage._transport import Transport

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


class BaseClient:
    """Closing and `with` support; the transport is made by each client."""

    _transport: Transport

    @property
    def endpoint(self) -> str:
        return self._endpoint

    _endpoint: str

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
