"""Pure builders of the media API's requests (`{endpoint}/media/v1/redactions`), and writing a
downloaded file. Nothing here sends anything."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from visage._face_requests import OCTET_STREAM, path_id, query
from visage._images import SupportsReadBytes
from visage._transport import HttpRequest
from visage.capture import CaptureContext, capture_headers
from visage.enums import RedactionMethod
from visage.exceptions import APIConnectionError, APITimeoutError
from visage.models import S3Object

MEDIA_PATH = "/media/v1/redactions"
DOWNLOAD_CHUNK = 1024 * 1024

MediaInput = bytes | bytearray | memoryview | SupportsReadBytes | os.PathLike[str] | str
"""An image or video: bytes, a file opened in binary mode, or a path (`str` or `pathlib.Path`; a
file given by path is streamed from disk, not read into memory)."""

Destination = os.PathLike[str] | str | IO[bytes]
"""Where a download goes: a path, or a file opened for binary writing."""


def redactions_url(endpoint: str) -> str:
    return f"{endpoint}{MEDIA_PATH}"


def redaction_url(endpoint: str, redaction_id: str) -> str:
    return f"{redactions_url(endpoint)}/{path_id(redaction_id, 'redaction_id')}"


def build_begin_redact_request(endpoint: str, media: MediaInput | None = None, *, url: str | None = None,
                               s3: S3Object | str | None = None, method: RedactionMethod | str | None = None,
                               output: str | None = None, capture: CaptureContext | None = None) -> HttpRequest:
    """One of `media` (sent as the body), `url` or `s3` (named in JSON)."""
    given = [name for name, value in (("media", media), ("url", url), ("s3", s3)) if value is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of media, url and s3" + (f" (got {', '.join(given)})" if given else ""))
    if output is not None and not output.startswith("s3://"):
        raise ValueError("output is an S3 URI, s3://bucket/key")
    options = query(method=method, output=output)
    headers = capture_headers(capture)
    if media is None:
        named: dict[str, object] = {"url": url} if url is not None else {"s3": _s3_body(s3)}
        return HttpRequest("POST", redactions_url(endpoint), json={**named, **options}, headers=headers)
    body, upload = _media_body(media)
    return HttpRequest("POST", redactions_url(endpoint), params=options, content=body, upload=upload,
                       headers={**OCTET_STREAM, **headers})


def build_get_redaction_request(job_url: str) -> HttpRequest:
    return HttpRequest("GET", job_url)


def build_download_redaction_request(job_url: str) -> HttpRequest:
    return HttpRequest("GET", f"{job_url}/result", headers={"Accept": "*/*"}, stream=True)


def build_delete_redaction_request(job_url: str) -> HttpRequest:
    return HttpRequest("DELETE", job_url)


def write_download(response: requests.Response, destination: Destination) -> Path | None:
    """Stream a download to `destination`; a path is written beside itself first and moved into
    place only once complete, so a failed download never leaves half a video under its name."""
    with response:
        if isinstance(destination, str | os.PathLike):
            target = Path(destination)
            handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False)
            try:
                with handle:
                    _copy(response, handle)
                os.replace(handle.name, target)
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
            return target
        _copy(response, destination)
        return None


def _copy(response: requests.Response, out: IO[bytes]) -> None:
    try:
        for chunk in response.iter_content(DOWNLOAD_CHUNK):
            out.write(chunk)
    except requests.RequestException as error:  # the body broke off or stalled: the SDK's errors, not requests'
        stalled = isinstance(error, requests.Timeout) or isinstance(
            error.args[0] if error.args else None, urllib3.exceptions.ReadTimeoutError)
        kind = APITimeoutError if stalled else APIConnectionError
        what = "stopped sending in time" if stalled else "broke off"
        raise kind(f"GET {urlsplit(response.url).path}: the download {what} ({type(error).__name__})",
                   request_sent=True) from error


def _s3_body(s3: S3Object | str | None) -> object:
    if isinstance(s3, str):
        if not s3.startswith("s3://"):
            raise ValueError("s3 is an S3Object or an S3 URI, s3://bucket/key")
        return s3
    if not isinstance(s3, S3Object):
        raise TypeError("s3 is an S3Object or an S3 URI, s3://bucket/key")
    return {"bucket": s3.bucket, "key": s3.key, **({"version": s3.version} if s3.version else {})}


def _media_body(media: MediaInput) -> tuple[bytes | None, Path | None]:
    """(bytes to send, or a file to stream)."""
    if isinstance(media, bytes):
        return media, None
    if isinstance(media, bytearray | memoryview):
        return bytes(media), None
    if isinstance(media, str | os.PathLike):
        if isinstance(media, str) and media.startswith(("http://", "https://", "s3://")):
            raise ValueError("this is a URL: pass it as url=... (or s3=...)")
        path = Path(media)
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        return None, path
    data = media.read()
    if not isinstance(data, bytes):
        raise TypeError("the file gives text, not bytes: open it in binary mode ('rb')")
    return data, None
