"""Reading test videos frame by frame, making short ones in other containers, and checking that a
redacted video shows no face its input showed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np

from server.domain.detection import DetectionModel
from server.domain.tracking import Box
from server.vision import detector
from tests.support.faces import FACES_DIR

CLIP = FACES_DIR / "video" / "short_hamilton_clip.mp4"
CHECK_MODEL = DetectionModel.DETECTION_03
"""The check uses HOG at its finest scale (on a 640 x 360 frame the same scan as detection_01)."""


def frames(path: Path) -> list[np.ndarray]:
    """Every frame (BGR); test videos are short."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    assert capture.isOpened(), f"cannot open {path}"
    decoded = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        decoded.append(frame)
    capture.release()
    return decoded


def faces(frame: np.ndarray, model: DetectionModel = CHECK_MODEL) -> list[Box]:
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    return [Box(b.left, b.top, b.width, b.height) for b in detector.detect_faces(rgb, model)]


def write_video(path: Path, pictures: list[np.ndarray], fourcc: str, fps: float) -> None:
    height, width = pictures[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter.fourcc(*fourcc), fps, (width, height))
    assert writer.isOpened(), f"this OpenCV cannot write {fourcc} to {path.suffix}"
    for picture in pictures:
        writer.write(picture)
    writer.release()


def overlaps(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


CONFIRM_SIDE = 120
"""dlib's CNN finds faces from about 80 pixels: a region is scaled so that the box is 120 across."""


def confirmed_by_cnn(frame: np.ndarray, box: Box) -> bool:
    """A second, independent look at one detection: dlib's CNN on the region around it, scaled up
    so that even a small face is large enough for the CNN."""
    height, width = frame.shape[:2]
    side = max(box.width, box.height)
    (x, y), half = box.centre, 1.5 * side
    left, top = max(0, int(x - half)), max(0, int(y - half))
    right, bottom = min(width, int(x + half)), min(height, int(y + half))
    scale = CONFIRM_SIDE / side
    region = cv2.resize(frame[top:bottom, left:right], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    target = Box((box.left - left) * scale, (box.top - top) * scale, box.width * scale, box.height * scale)
    return any(overlaps(target, face) for face in faces(region, DetectionModel.DETECTION_02))


@dataclasses.dataclass(frozen=True)
class FaceCheck:
    """What the check detector finds on the redacted frames whose input showed a face (`found`),
    and which of those the CNN confirms as faces (`confirmed`)."""

    frames_with_faces: int
    found: list[tuple[int, Box]]
    confirmed: list[tuple[int, Box]]


def check_faces_hidden(source: list[np.ndarray], redacted: list[np.ndarray]) -> FaceCheck:
    assert len(source) == len(redacted)
    found: list[tuple[int, Box]] = []
    with_faces = 0
    for index, (before, after) in enumerate(zip(source, redacted, strict=True)):
        if faces(before):
            with_faces += 1
            found.extend((index, box) for box in faces(after))
    confirmed = [(index, box) for index, box in found if confirmed_by_cnn(redacted[index], box)]
    return FaceCheck(with_faces, found, confirmed)
