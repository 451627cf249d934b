"""Images for detect and add-face: bytes, a binary file object, or a path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class SupportsReadBytes(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


ImageInput = bytes | bytearray | memoryview | SupportsReadBytes | os.PathLike[str] | str
"""Image bytes, a file opened in binary mode, or a path (`str` or `pathlib.Path`). For a URL use the
`*_from_url` methods."""


def read_image(image: ImageInput) -> bytes:
    """The bytes to send. Read once, so a retry resends the same image."""
    if isinstance(image, bytes):
        return image
    if isinstance(image, bytearray | memoryview):
        return bytes(image)
    if isinstance(image, str):
        if image.startswith(("http://", "https://")):
            raise ValueError("this is a URL: use detect_from_url (or add_from_url) to send a URL")
        return Path(image).read_bytes()
    if isinstance(image, os.PathLike):
        return Path(image).read_bytes()
    data = image.read()
    if not isinstance(data, bytes):
        raise TypeError("the file gives text, not bytes: open it in binary mode ('rb')")
    return data
