"""What a media file is, checked before a redaction job is queued for it: an image or a video within
the limits, or a clear refusal, so that bad input never becomes a job.

Image or video is told from the first bytes, as the worker tells them (server/services/media.py):
an image signature makes an image, a video container's makes a video, anything else is refused.
"""

from __future__ import annotations

import enum
from pathlib import Path

from server.errors import InvalidVideo, UnsupportedMedia
from server.vision.images import check_byte_size, decode_image, looks_like_image
from server.vision.video import SNIFF_BYTES, VideoReader, sniff_container


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"


def media_kind(head: bytes) -> MediaKind:
    """From a file's first SNIFF_BYTES; UnsupportedMedia when it is neither."""
    if looks_like_image(head):
        return MediaKind.IMAGE
    try:
        sniff_container(head)
    except InvalidVideo:
        raise UnsupportedMedia() from None
    return MediaKind.VIDEO


def check_media_file(path: Path) -> MediaKind:
    """Refuse what a job would fail on from the file alone: an image that does not decode or breaks
    the image limits, a video whose container does not open or breaks the video limits (size,
    duration, frame size, frame rate). Reads an image whole; of a video, only its header."""
    with open(path, "rb") as handle:
        kind = media_kind(handle.read(SNIFF_BYTES))
    if kind is MediaKind.IMAGE:
        check_byte_size(path.stat().st_size)
        decode_image(path.read_bytes())
    else:
        VideoReader(path)
    return kind
