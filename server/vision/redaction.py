"""Hiding faces in images and videos.

A video is read twice. The first pass detects faces on sampled frames and tracks them
(server/vision/face_scan.py); the second decodes every frame, hides each tracked face's padded box
(interpolated between detections, held a little before the first and after the last) and encodes
the frame into the same container (server/vision/video.py). The output has the input's frame
count, frame rate and frame size, hence its duration; it has no audio track.

An image is detected with every model of the plan once, and written back in its own format with
no metadata (EXIF, including GPS position, is dropped; orientation is applied to the pixels).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from server.domain.redaction import (
    BLUR_CELLS,
    PIXELATE_CELLS,
    FaceRectangle,
    FaceTrack,
    RedactionMethod,
    RedactionOptions,
)
from server.domain.tracking import Box, Coverage
from server.errors import InvalidImage
from server.vision.face_scan import FaceScan, Progress, ProgressMeter, detect_in_image, scan_faces
from server.vision.images import decode_image
from server.vision.video import Container, VideoLimits, VideoReader, VideoWriter

SCAN_SHARE = (0, 90)
WRITE_SHARE = (90, 100)
"""Progress: detection takes most of the time (about nine tenths on the test clip); writing the rest."""

JPEG_QUALITY = 92
_IMAGE_WRITERS = {"JPEG": (".jpg", "image/jpeg"), "PNG": (".png", "image/png"), "BMP": (".bmp", "image/bmp")}


def hide(pixels: np.ndarray, boxes: Iterable[Box], method: RedactionMethod) -> int:
    """Hide each box in place (any channel order); returns how many boxes touched the image."""
    height, width = pixels.shape[:2]
    hidden = 0
    for box in boxes:
        rect = box.clipped(width, height)
        if rect is None:
            continue
        left, top, right, bottom = rect
        region = pixels[top:bottom, left:right]
        pixels[top:bottom, left:right] = _hidden(region, method)
        hidden += 1
    return hidden


def _hidden(region: np.ndarray, method: RedactionMethod) -> np.ndarray:
    if method is RedactionMethod.BOX:
        return np.zeros_like(region)
    height, width = region.shape[:2]
    cells = BLUR_CELLS if method is RedactionMethod.BLUR else PIXELATE_CELLS
    scale = min(1.0, cells / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
    if method is RedactionMethod.PIXELATE:
        return cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


@dataclasses.dataclass(frozen=True)
class RedactedImage:
    data: bytes
    media_type: str
    extension: str
    width: int
    height: int
    faces: tuple[FaceRectangle, ...]


def redact_image(data: bytes, options: RedactionOptions) -> RedactedImage:
    decoded = decode_image(data)
    if decoded.format == "GIF" and _is_animated(data):
        raise InvalidImage("An animated GIF is a video: Visage redacts its first frame only, so it refuses it.")
    pixels = decoded.pixels.copy()
    found = detect_in_image(decoded.pixels, options.plan, options.tracking)
    hide(pixels, (options.padding.apply(o.extent) for o in found), options.method)
    if decoded.format == "GIF":
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="GIF")
        encoded, extension, media_type = buffer.getvalue(), ".gif", "image/gif"
    else:
        extension, media_type = _IMAGE_WRITERS[decoded.format]
        params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if decoded.format == "JPEG" else []
        ok, buffer_array = cv2.imencode(extension, cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), params)
        if not ok:
            raise InvalidImage("The redacted image could not be encoded.")
        encoded = buffer_array.tobytes()
    return RedactedImage(encoded, media_type, extension, decoded.width, decoded.height,
                         tuple(FaceRectangle.of(o.box) for o in found))


def _is_animated(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(getattr(image, "is_animated", False))


@dataclasses.dataclass(frozen=True)
class RedactedVideo:
    container: Container
    codec: str  # FFmpeg's name of the output codec
    media_type: str
    extension: str
    fps: float
    width: int
    height: int
    frames: int
    duration_ms: int
    source_codec: str
    tracks: tuple[FaceTrack, ...]


def redact_video(source: Path, destination: Path, options: RedactionOptions, *, progress: Progress | None = None,
                 limits: VideoLimits | None = None) -> RedactedVideo:
    """Write `source` with every tracked face hidden to `destination` (replaced only when done)."""
    reader = VideoReader(source, limits)
    info = reader.info
    meter = ProgressMeter(progress)
    meter.set(0)
    scan: FaceScan[None] = scan_faces(reader, options.plan, options.tracking, progress=meter, share=SCAN_SHARE)
    coverage = Coverage(scan.covered(options.tracking, info.fps))
    writer = VideoWriter(destination, info)
    written = 0
    try:
        for frame in reader.frames():
            if frame.index >= scan.frames or frame.pixels is None:
                break
            boxes = coverage.at(frame.index)
            hide(frame.pixels, (options.padding.apply(box) for box in boxes), options.method)
            writer.write(frame.pixels)
            written += 1
            meter.phase(*WRITE_SHARE, written, scan.frames)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    meter.set(100)
    return RedactedVideo(
        container=info.container, codec=writer.codec, media_type=info.container.media_type,
        extension=info.container.extension, fps=info.fps, width=info.width, height=info.height, frames=written,
        duration_ms=scan.duration_ms, source_codec=info.codec,
        tracks=tuple(scan.public_tracks(options.tracking, info.fps)),
    )
