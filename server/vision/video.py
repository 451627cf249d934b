"""Video files in and out with OpenCV's FFmpeg backend: what a file is, its frames, and a writer in
the same container.

Safety. Only MP4, MOV, AVI, Matroska and WebM are opened, recognised from their first bytes before
FFmpeg sees the file, so no playlist or other demuxer that reaches out to URLs or other files is
ever probed; FFmpeg is also told to open nothing but local files (`protocol_whitelist`). Size,
duration, frame size and frame rate are checked from the container before decoding, and the
frame and duration caps again while decoding, since a container can misstate them.

Writing. OpenCV's wheels bundle an FFmpeg that decodes H.264, HEVC and AV1 but encodes none of
them (no x264, no AV1 encoder; the H.264 hardware encoder finds no device). What this build can
write, checked by writing and reading back each pair (opencv-python-headless 5.1):

| container | writes                              | cannot write          |
| --------- | ----------------------------------- | --------------------- |
| MP4       | mp4v (MPEG-4 Part 2), VP9, MJPEG    | H.264, HEVC, AV1, VP8 |
| MOV       | mp4v, MJPEG                         | H.264, HEVC, VP8, VP9 |
| AVI       | mp4v/XVID, MJPEG, VP8, VP9          | H.264                 |
| Matroska  | mp4v, MJPEG, VP8, VP9               | H.264                 |
| WebM      | VP8, VP9                            | everything else       |

So the output keeps the container and the codec family where it can: VP8 stays VP8, VP9 VP9,
MJPEG MJPEG, and H.264, HEVC and AV1 become MPEG-4 Part 2 (WebM: VP8). Audio is not carried over:
OpenCV reads and writes pictures only.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from server import defaults
from server.errors import InvalidVideo, VideoEncoderUnavailable, VideoTooLarge

FFMPEG_CAPTURE_OPTIONS = "protocol_whitelist;file"
"""OpenCV passes OPENCV_FFMPEG_CAPTURE_OPTIONS to FFmpeg when it opens a file: only the file protocol."""

SNIFF_BYTES = 64


class Container(enum.StrEnum):
    MP4 = "mp4"
    MOV = "mov"
    AVI = "avi"
    MKV = "mkv"
    WEBM = "webm"

    @property
    def extension(self) -> str:
        return f".{self.value}"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def format_name(self) -> str:
        """FFmpeg's name of the demuxer, which Rekognition's VideoMetadata.Format reports."""
        return _FORMAT_NAMES[self]


_MEDIA_TYPES = {
    Container.MP4: "video/mp4", Container.MOV: "video/quicktime", Container.AVI: "video/x-msvideo",
    Container.MKV: "video/x-matroska", Container.WEBM: "video/webm",
}
_FORMAT_NAMES = {
    Container.MP4: "QuickTime / MOV", Container.MOV: "QuickTime / MOV",
    Container.AVI: "AVI (Audio Video Interleaved)", Container.MKV: "Matroska / WebM", Container.WEBM: "Matroska / WebM",
}
_QUICKTIME_FIRST_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip")
"""Old QuickTime files start with one of these atoms instead of `ftyp`."""

_CODEC_NAMES = {
    "avc1": "h264", "h264": "h264", "x264": "h264", "hevc": "hevc", "hvc1": "hevc", "hev1": "hevc",
    "fmp4": "mpeg4", "mp4v": "mpeg4", "xvid": "mpeg4", "divx": "mpeg4", "dx50": "mpeg4",
    "mjpg": "mjpeg", "jpeg": "mjpeg", "mjpa": "mjpeg", "vp80": "vp8", "vp90": "vp9", "vp09": "vp9",
    "av01": "av1",
}
"""OpenCV's fourccs to FFmpeg's codec names, as Rekognition's VideoMetadata.Codec reports them."""

_OUTPUT_FOURCCS: dict[Container, tuple[dict[str, str], str]] = {
    Container.MP4: ({"vp9": "VP90"}, "mp4v"),
    Container.MOV: ({"mjpeg": "MJPG"}, "mp4v"),
    Container.AVI: ({"mjpeg": "MJPG", "vp8": "VP80", "vp9": "VP90"}, "XVID"),
    Container.MKV: ({"mjpeg": "MJPG", "vp8": "VP80", "vp9": "VP90"}, "mp4v"),
    Container.WEBM: ({"vp9": "VP90"}, "VP80"),
}
"""Per container: the input codecs this build can write again, and the codec for the rest."""


def sniff_container(head: bytes) -> Container:
    """The container from a file's first bytes; anything else is refused."""
    if head[4:8] == b"ftyp":
        return Container.MOV if head[8:12] == b"qt  " else Container.MP4
    if head[4:8] in _QUICKTIME_FIRST_ATOMS:
        return Container.MOV
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Container.AVI
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return Container.WEBM if b"webm" in head[:SNIFF_BYTES] else Container.MKV
    raise InvalidVideo("The video format is not supported: send MP4, MOV, AVI, MKV or WebM.")


@dataclasses.dataclass(frozen=True)
class VideoLimits:
    max_bytes: int = defaults.MAX_VIDEO_BYTES
    max_seconds: float = defaults.MAX_VIDEO_SECONDS
    max_frame_pixels: int = defaults.MAX_VIDEO_FRAME_PIXELS
    max_fps: float = defaults.MAX_VIDEO_FPS
    max_frames: int = defaults.MAX_VIDEO_FRAMES


@dataclasses.dataclass(frozen=True)
class VideoInfo:
    """What the container says, with the frame size as frames are decoded (rotation applied)."""

    container: Container
    codec: str
    fps: float
    width: int
    height: int
    declared_frames: int  # 0 when the container does not say

    @property
    def declared_duration_ms(self) -> int:
        return round(self.declared_frames * 1000 / self.fps) if self.declared_frames > 0 else 0


@dataclasses.dataclass(frozen=True)
class Frame:
    index: int
    timestamp_ms: int
    pixels: np.ndarray | None  # BGR, only for the frames asked for


class VideoReader:
    """An open video whose header passed the limits; `frames` decodes it once from the start."""

    def __init__(self, path: Path, limits: VideoLimits | None = None) -> None:
        self.path = path
        self.limits = limits or VideoLimits()
        self.info = self._open_and_check()

    def _open_and_check(self) -> VideoInfo:
        if not self.path.is_file():
            raise InvalidVideo("The video file does not exist.")
        size = self.path.stat().st_size
        if size > self.limits.max_bytes:
            raise VideoTooLarge(
                f"Video size in bytes: {size} is more than the maximum limit of: {self.limits.max_bytes} bytes."
            )
        with open(self.path, "rb") as handle:
            container = sniff_container(handle.read(SNIFF_BYTES))
        capture = _open_capture(self.path)
        try:
            fps = float(capture.get(cv2.CAP_PROP_FPS))
            width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
            declared = max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
            fourcc = int(capture.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF
        finally:
            capture.release()
        if not (fps > 0 and np.isfinite(fps)) or width < 1 or height < 1:
            raise InvalidVideo("The video has no readable picture stream (no frame rate or frame size).")
        info = VideoInfo(container, codec_name(fourcc), fps, width, height, declared)
        self._check(info)
        return info

    def _check(self, info: VideoInfo) -> None:
        limits = self.limits
        if info.width * info.height > limits.max_frame_pixels:
            raise VideoTooLarge(f"Video frames of {info.width} x {info.height} pixels are larger than the "
                                f"{limits.max_frame_pixels:,} pixels accepted.")
        if info.fps > limits.max_fps:
            raise VideoTooLarge(f"A frame rate of {info.fps:g} fps is more than the {limits.max_fps:g} accepted.")
        if info.declared_frames > limits.max_frames or info.declared_duration_ms > limits.max_seconds * 1000:
            raise _too_long(limits)

    def frames(self, wanted: Callable[[int], bool] | None = None) -> Iterator[Frame]:
        """Every frame in order; pixels are decoded only where `wanted(index)` is true (all when
        None). Ends at the first frame that cannot be decoded."""
        capture = _open_capture(self.path)
        try:
            index, previous_ms = 0, -1
            while capture.grab():
                if index >= self.limits.max_frames:
                    raise _too_long(self.limits)
                timestamp = _timestamp_ms(capture, index, self.info.fps, previous_ms)
                if timestamp > self.limits.max_seconds * 1000:
                    raise _too_long(self.limits)
                pixels = None
                if wanted is None or wanted(index):
                    ok, pixels = capture.retrieve()
                    if not ok or pixels is None:
                        break
                yield Frame(index, timestamp, pixels)
                index, previous_ms = index + 1, timestamp
            if index == 0:
                raise InvalidVideo("No frame of the video could be decoded.")
        finally:
            capture.release()


def codec_name(fourcc: int) -> str:
    text = fourcc.to_bytes(4, "little").decode("latin-1").strip("\x00 ").lower()
    return _CODEC_NAMES.get(text, text or "unknown")


def _open_capture(path: Path) -> Any:
    os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", FFMPEG_CAPTURE_OPTIONS)
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise InvalidVideo()
    return capture


def _timestamp_ms(capture: Any, index: int, fps: float, previous_ms: int) -> int:
    """The container's time of the frame just grabbed; the frame rate's where that goes backwards."""
    position = capture.get(cv2.CAP_PROP_POS_MSEC)
    if np.isfinite(position) and round(position) > previous_ms:
        return int(round(position))
    return max(previous_ms + 1, round(index * 1000 / fps))


def _too_long(limits: VideoLimits) -> VideoTooLarge:
    return VideoTooLarge(f"The video is longer than the {limits.max_seconds / 60:g} minutes "
                         f"({limits.max_frames:,} frames) accepted.")


class VideoWriter:
    """Frames out in the input's container, the same codec family where this build can write it.
    Writes to a temporary name with the container's extension (FFmpeg picks the muxer by name)
    and moves it to `destination` on `close`."""

    def __init__(self, destination: Path, info: VideoInfo) -> None:
        self.destination = destination
        self._partial = destination.with_name(f".{destination.name}.partial{info.container.extension}")
        self.fourcc = ""
        self._writer: Any = None
        chosen, fallback = _OUTPUT_FOURCCS[info.container]
        for fourcc in dict.fromkeys((chosen.get(info.codec, fallback), fallback)):
            writer = cv2.VideoWriter(str(self._partial), cv2.CAP_FFMPEG, cv2.VideoWriter.fourcc(*fourcc), info.fps,
                                     (info.width, info.height))
            if writer.isOpened():
                self._writer, self.fourcc = writer, fourcc
                break
            writer.release()
        if self._writer is None:
            self._partial.unlink(missing_ok=True)
            raise VideoEncoderUnavailable(f"No encoder can write {info.container.value} video here.")
        self.codec = codec_name(int.from_bytes(self.fourcc.encode(), "little"))

    def write(self, pixels: np.ndarray) -> None:
        self._writer.write(pixels)

    def close(self) -> None:
        self._writer.release()
        try:
            os.replace(self._partial, self.destination)
        except OSError:
            self._partial.unlink(missing_ok=True)  # the destination is a directory, gone, ...: no file left behind
            raise

    def abort(self) -> None:
        self._writer.release()
        self._partial.unlink(missing_ok=True)
