"""Receiving an uploaded image or video: the request body streamed to a file, never held in memory.

The media comes as the whole body (application/octet-stream, image/*, video/*) or as the part
named `file` of a multipart/form-data body, whose other fields are options. An upload may be as
large as the largest video accepted, so these routes raise the request size limit for themselves
(the app's limit, for everything else, is the largest image).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flask import request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from server import defaults
from server.errors import BadArgument, Kind, VideoTooLarge, VisageError

MAX_UPLOAD_BYTES = defaults.MAX_VIDEO_BYTES
FORM_OVERHEAD_BYTES = 1024 * 1024
"""Room in a multipart body for the boundaries, the part headers and the option fields."""

FORM_MEMORY_BYTES = 512 * 1024
"""Werkzeug's cap on what it holds in memory of the form (the fields; it reads 64 KB at a time)."""

MAX_FORM_PARTS = 16
CHUNK_BYTES = 1024 * 1024
FILE_PART = "file"
RAW_MEDIA_TYPES = ("application/octet-stream",)
RAW_MEDIA_PREFIXES = ("image/", "video/")
MULTIPART = "multipart/form-data"


@dataclasses.dataclass(frozen=True)
class ReceivedMedia:
    path: Path
    form: dict[str, str]  # a multipart body's other fields (none for a raw body)


def is_upload() -> bool:
    """Whether the request sends the media itself (raw or multipart) rather than JSON naming it."""
    mimetype = request.mimetype
    return mimetype in RAW_MEDIA_TYPES or mimetype.startswith(RAW_MEDIA_PREFIXES) or mimetype == MULTIPART


def is_json() -> bool:
    return request.mimetype == "application/json"


def unsupported_body() -> VisageError:
    return VisageError("Invalid Media Type: send the image or video as application/octet-stream (or its image/ or "
                       "video/ type), as the 'file' part of multipart/form-data, or name it in JSON.",
                       code="BadArgument", kind=Kind.UNSUPPORTED_MEDIA)


@contextlib.contextmanager
def received_media(destination: Path) -> Iterator[ReceivedMedia]:
    """The request's media written to `destination` (a new file); deleted again when the block
    raises, so a refused upload leaves nothing behind."""
    request.max_content_length = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
    try:
        try:
            form = _receive_form(destination) if request.mimetype == MULTIPART else _receive_raw(destination)
        except RequestEntityTooLarge:
            raise _too_large() from None
        if destination.stat().st_size == 0:
            raise BadArgument("The uploaded media is empty.")
        yield ReceivedMedia(destination, form)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise


def _too_large() -> VideoTooLarge:
    return VideoTooLarge(f"The upload is larger than the {MAX_UPLOAD_BYTES} bytes accepted.")


def _receive_raw(destination: Path) -> dict[str, str]:
    if request.content_length is not None and request.content_length > MAX_UPLOAD_BYTES:
        raise _too_large()
    with open(destination, "xb") as out:
        _copy(request.stream, out)
    return {}


def _receive_form(destination: Path) -> dict[str, str]:
    opened: list[IO[bytes]] = []

    def into_destination(*_: Any, **__: Any) -> IO[bytes]:
        if opened:
            raise BadArgument(f"Send one file, as the part named '{FILE_PART}'.")
        opened.append(open(destination, "xb+"))  # noqa: SIM115 - closed below, whatever happens
        return opened[0]

    parser = FormDataParser(stream_factory=into_destination, max_form_memory_size=FORM_MEMORY_BYTES,
                            max_form_parts=MAX_FORM_PARTS)
    try:
        _, form, files = parser.parse(request.stream, request.mimetype, request.content_length,
                                      request.mimetype_params)
    finally:
        for handle in opened:
            handle.close()
    upload: FileStorage | None = files.get(FILE_PART)
    if upload is None or not opened:
        raise BadArgument(f"The form has no file part named '{FILE_PART}'.")
    if destination.stat().st_size > MAX_UPLOAD_BYTES:
        raise _too_large()
    return {name: form[name] for name in form}


def _copy(source: IO[bytes], out: IO[bytes]) -> None:
    written = 0
    while chunk := source.read(CHUNK_BYTES):
        written += len(chunk)
        if written > MAX_UPLOAD_BYTES:
            raise _too_large()
        out.write(chunk)
