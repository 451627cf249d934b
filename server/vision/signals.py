"""What an image says about its own capture: its EXIF capture time, and a perceptual hash of its pixels."""

from __future__ import annotations

import io
import warnings
from datetime import datetime

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from server.domain.signals import ExifTime

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
EXIF_TIME_FORMAT = "%Y:%m:%d %H:%M:%S"

HASH_SIZE = 8
"""dHash on a 9 x 8 grey thumbnail: 64 bits, one per horizontal neighbour comparison."""


def exif_capture_time(image: bytes) -> ExifTime | None:
    """EXIF DateTimeOriginal, with its OffsetTimeOriginal when present; None when absent or unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # only the header is read
            with Image.open(io.BytesIO(image)) as opened:
                exif = opened.getexif().get_ifd(EXIF_IFD)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    raw, offset = exif.get(DATE_TIME_ORIGINAL), exif.get(OFFSET_TIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    text = raw.strip("\x00 ")
    try:
        moment = datetime.strptime(text, EXIF_TIME_FORMAT)
        if isinstance(offset, str) and offset.strip("\x00 "):
            zone = offset.strip("\x00 ")
            moment = datetime.fromisoformat(f"{moment.isoformat()}{zone}")
            text = f"{text} {zone}"
    except ValueError:
        return None
    return ExifTime(moment, text)


def perceptual_hash(pixels: np.ndarray) -> int:
    """A 64-bit difference hash of the decoded RGB pixels: close for frames of one scene, far otherwise."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (HASH_SIZE + 1, HASH_SIZE), interpolation=cv2.INTER_AREA)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int("".join("1" if bit else "0" for bit in bits), 2)
