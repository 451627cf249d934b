"""Re-encodings of the real photos: other formats, EXIF rotation, broken and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
from PIL import Image


def load_rgb(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def as_png_rgba(data: bytes) -> bytes:
    image = load_rgb(data).convert("RGBA")
    return encode(image, "PNG")


def as_png_16bit(data: bytes) -> bytes:
    rgb = np.asarray(load_rgb(data))
    sixteen = (rgb.astype(np.uint16) * 257)[:, :, ::-1]  # OpenCV writes BGR
    ok, buffer = cv2.imencode(".png", sixteen)
    assert ok
    return buffer.tobytes()


def as_gif_with_blank_second_frame(data: bytes) -> bytes:
    first = load_rgb(data)
    blank = Image.new("RGB", first.size, (128, 128, 128))
    return encode(first, "GIF", save_all=True, append_images=[blank])


def as_bmp(data: bytes) -> bytes:
    return encode(load_rgb(data), "BMP")


def as_exif_rotated_jpeg(data: bytes) -> bytes:
    """The photo stored turned 90 degrees counter-clockwise, with EXIF orientation 6 saying how to
    turn it back: a viewer (and Azure) shows it upright."""
    image = load_rgb(data).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(image, "JPEG", exif=exif.tobytes(), quality=92)


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A valid PNG header that claims width x height pixels, with a tiny compressed body."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 3)
    body = b"".join(compressor.compress(row) for _ in range(8)) + compressor.flush()
    padding = chunk(b"tEXt", b"Comment\x00" + b"x" * 2048)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + padding + chunk(b"IDAT", body) + chunk(b"IEND", b"")
