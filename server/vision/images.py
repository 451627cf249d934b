"""Image bytes to RGB pixels, safely.

The header is read first (Pillow opens lazily) so that an unsupported format or a decompression
bomb is refused before any pixel is decoded; OpenCV then decodes, honouring EXIF orientation,
taking a GIF's first frame and scaling 16-bit samples to 8 bits. Transparent pixels are laid on
white, as a viewer would show them.
"""

from __future__ import annotations

import dataclasses
import io
import warnings

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from server import defaults
from server.errors import InvalidImage, InvalidImageSize

SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "BMP"})
"""Azure's input formats."""

IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
"""The first bytes of JPEG, PNG, GIF and BMP files: what tells an image from a video in media."""


def looks_like_image(head: bytes) -> bool:
    return head.startswith(IMAGE_SIGNATURES)


@dataclasses.dataclass(frozen=True)
class DecodedImage:
    pixels: np.ndarray  # height x width x 3, RGB, uint8, orientation applied
    format: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def check_byte_size(size: int, min_bytes: int = defaults.MIN_IMAGE_BYTES) -> None:
    if size < min_bytes:
        raise InvalidImageSize("Image size is too small.")
    if size > defaults.MAX_IMAGE_BYTES:
        raise InvalidImageSize("Image size is too big.")


def decode_image(data: bytes, *, min_bytes: int = defaults.MIN_IMAGE_BYTES) -> DecodedImage:
    """`min_bytes` is Azure's 1 KB unless the caller's API has no such floor (Rekognition)."""
    check_byte_size(len(data), min_bytes)
    image_format, has_alpha = _probe(data)
    buffer = np.frombuffer(data, dtype=np.uint8)
    flags = cv2.IMREAD_UNCHANGED if has_alpha else cv2.IMREAD_COLOR
    decoded = cv2.imdecode(buffer, flags)
    if decoded is None or decoded.size == 0:
        raise InvalidImage()
    return DecodedImage(pixels=_to_rgb8(decoded), format=image_format)


def _probe(data: bytes) -> tuple[str, bool]:
    """Format and alpha from the header alone; refuses what Azure does not accept and bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            image_format = probe.format or ""
            has_alpha = probe.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in probe.info
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InvalidImage() from None
    if image_format not in SUPPORTED_FORMATS:
        raise InvalidImage()
    if width * height > defaults.MAX_IMAGE_PIXELS:
        raise _too_many_pixels(width, height)
    if width < 1 or height < 1:
        raise InvalidImage()
    return image_format, has_alpha


def _too_many_pixels(width: int | None = None, height: int | None = None) -> InvalidImageSize:
    size = f" The image is {width} x {height} pixels;" if width and height else ""
    return InvalidImageSize(
        f"Image size is too big.{size} at most {defaults.MAX_IMAGE_PIXELS:,} pixels are accepted."
    )


def _to_rgb8(decoded: np.ndarray) -> np.ndarray:
    if decoded.dtype == np.uint16:
        decoded = (decoded.astype(np.float32) / 257.0).round().astype(np.uint8)
    elif decoded.dtype != np.uint8:
        low, high = float(decoded.min()), float(decoded.max())
        decoded = ((decoded - low) * (255.0 / max(high - low, 1e-9))).astype(np.uint8)
    if decoded.ndim == 2:
        return cv2.cvtColor(decoded, cv2.COLOR_GRAY2RGB)
    channels = decoded.shape[2]
    if channels == 1:
        return cv2.cvtColor(decoded, cv2.COLOR_GRAY2RGB)
    if channels == 2:  # grey + alpha
        grey = cv2.cvtColor(decoded[:, :, 0], cv2.COLOR_GRAY2BGR)
        decoded = np.dstack([grey, decoded[:, :, 1]])
        channels = 4
    if channels == 4:
        alpha = decoded[:, :, 3:4].astype(np.float32) / 255.0
        colour = decoded[:, :, :3].astype(np.float32)
        decoded = (colour * alpha + 255.0 * (1.0 - alpha)).round().astype(np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB))
