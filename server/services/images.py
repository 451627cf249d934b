"""Images a call names by URL instead of sending them: fetched through the SSRF-safe fetcher."""

from __future__ import annotations

from collections.abc import Sequence

from server.vision.fetch import fetch_image


def fetch(url: str, *, allowlist: Sequence[str]) -> bytes:
    """The image at a public http(s) URL; loopback, private and metadata addresses are refused
    unless the operator's allowlist names them."""
    return fetch_image(url, allowlist=allowlist)
