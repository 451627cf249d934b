"""`visage redact INPUT -o OUTPUT [--method blur|pixelate|box] [--fast]`: hide every face in an
image or a video on this machine, with the engine Visage's workers run (server/vision/redaction.py).
No server, Redis or key is needed, and nothing leaves the machine.

A video keeps its container, frame size, frame rate and frame count; an image its format. OUTPUT
must be named for that container or format, and is written only once complete. On a terminal a
progress bar shows how far the video has got.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from server.domain.redaction import RedactionMethod

DESCRIPTION = ("Hide every face in an image or a video on this machine, with the engine Visage's workers run: no "
               "server, Redis or key, and nothing leaves the machine. Faces are tracked across frames, so a face the "
               "detector misses for a few frames stays hidden.")

EXTENSIONS = {
    ".mp4": (".mp4", ".m4v"), ".mov": (".mov",), ".avi": (".avi",), ".mkv": (".mkv",), ".webm": (".webm",),
    ".jpg": (".jpg", ".jpeg"), ".png": (".png",), ".bmp": (".bmp",), ".gif": (".gif",),
}
"""The names an output may have, by the video container or image extension the redaction writes."""

IMAGE_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "BMP": ".bmp", "GIF": ".gif"}


def register(commands: Any) -> None:
    """Add `redact` to the `visage` command's subcommands (an argparse subparsers object)."""
    redact = commands.add_parser("redact", help="hide the faces in an image or video file, here (no server needed)",
                                 description=DESCRIPTION)
    redact.add_argument("input", type=Path, metavar="INPUT",
                        help="an image (JPEG, PNG, GIF, BMP) or a video (MP4, MOV, AVI, MKV, WebM)")
    redact.add_argument("-o", "--output", type=Path, required=True, metavar="OUTPUT",
                        help="where to write the redacted file (same container or format as INPUT)")
    redact.add_argument("--method", choices=[method.value for method in RedactionMethod],
                        default=RedactionMethod.BLUR.value, help="how faces are hidden (default blur)")
    redact.add_argument("--fast", action="store_true",
                        help="HOG only: about four times faster, but faces in profile are missed")
    redact.add_argument("-y", "--overwrite", action="store_true", help="replace OUTPUT if it exists")


def run(args: argparse.Namespace) -> int:
    """Exit status: 0 done, 1 the media was refused (what and why on stderr), 130 interrupted."""
    from server.errors import VisageError

    source, target = Path(args.input), Path(args.output)
    problem = _check_paths(source, target, overwrite=args.overwrite)
    if problem:
        print(f"visage redact: {problem}", file=sys.stderr)
        return 1
    try:
        summary = _redact(source, target, args.method, fast=args.fast)
    except VisageError as error:
        print(f"visage redact: {source}: {error.message}", file=sys.stderr)
        return 1
    except OSError as error:  # unreadable INPUT, OUTPUT's directory gone or full: nothing is left half-written
        print(f"visage redact: {error.strerror or error}: {error.filename or target}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("visage redact: interrupted; nothing was written", file=sys.stderr)
        return 130
    print(f"{summary}; wrote {target}")
    return 0


def _check_paths(source: Path, target: Path, *, overwrite: bool) -> str | None:
    if not source.is_file():
        return f"{source} is not a file"
    if target.exists() and target.resolve() == source.resolve():
        return "OUTPUT must not be INPUT: the original is kept"
    if target.is_dir():
        return f"{target} is a directory"
    if target.exists() and not overwrite:
        return f"{target} exists; pass --overwrite to replace it"
    if not target.parent.is_dir():
        return f"{target.parent} is not a directory"
    return None


def _redact(source: Path, target: Path, method: str, *, fast: bool) -> str:
    from server.domain.redaction import redaction_options
    from server.domain.sampling import FAST_REDACTION_PLAN, REDACTION_PLAN
    from server.vision.media_check import MediaKind, media_kind
    from server.vision.video import SNIFF_BYTES

    options = redaction_options(method, FAST_REDACTION_PLAN if fast else REDACTION_PLAN)
    with open(source, "rb") as handle:
        kind = media_kind(handle.read(SNIFF_BYTES))
    if kind is MediaKind.IMAGE:
        return _redact_image(source, target, options)
    return _redact_video(source, target, options)


def _redact_image(source: Path, target: Path, options: Any) -> str:
    from PIL import Image

    from server import defaults
    from server.errors import InvalidImageSize
    from server.vision.redaction import redact_image

    if source.stat().st_size > defaults.MAX_IMAGE_BYTES:
        raise InvalidImageSize("Image size is too big.")
    with Image.open(source) as probe:  # the header only: refuse a misnamed OUTPUT before the work
        _check_name(target, IMAGE_EXTENSIONS.get(probe.format or "", ""))
    image = redact_image(source.read_bytes(), options)
    _check_name(target, image.extension)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(image.data)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return f"{len(image.faces)} face(s) hidden in a {image.width} x {image.height} image"


def _redact_video(source: Path, target: Path, options: Any) -> str:
    from tqdm import tqdm

    from server.vision.redaction import redact_video
    from server.vision.video import VideoReader

    info = VideoReader(source).info
    _check_name(target, info.container.extension)
    with tqdm(total=100, unit="%", desc=source.name, disable=not sys.stderr.isatty(),
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
        def advance(percent: int) -> None:
            bar.update(percent - bar.n)

        video = redact_video(source, target, options, progress=advance)
    return (f"{video.frames} frames ({video.duration_ms / 1000:.1f} s, {video.width} x {video.height}, "
            f"{video.codec}), {len(video.tracks)} face track(s) hidden")


def _check_name(target: Path, written: str) -> None:
    from server.errors import BadArgument

    allowed = EXTENSIONS.get(written)
    if allowed is None:
        return  # not a format Visage writes: the redaction itself refuses it
    if target.suffix.lower() not in allowed:
        raise BadArgument(f"the redacted file is {allowed[0].lstrip('.').upper()}: name OUTPUT with {allowed[0]}")
