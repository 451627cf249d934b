"""Redacting and analysing the test clip: time against detection on every frame, measured in the same run.

Baseline: dlib's HOG (detection_01) on every decoded frame of the clip and nothing else: what a
redactor that detects on each frame would spend before hiding anything. The CNN's cost per frame
is measured too, since the redaction plan runs it once a second and at cuts.

Measured, each once after a warm-up: decoding alone; redaction with the default plan (HOG every
100 ms, CNN every second and at cuts); redaction with HOG only; Rekognition's face detection
(HOG every 200 ms, CNN every second, landmarks, pose and quality per face). Each line gives the
seconds, the ratio to the clip's duration and to the baseline, and the encoders this OpenCV
build can write.

Prints JSON lines. Usage: python bench/redact.py [--video PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain.detection import DetectionModel  # noqa: E402
from server.domain.redaction import RedactionOptions  # noqa: E402
from server.domain.sampling import FAST_REDACTION_PLAN  # noqa: E402
from server.vision import detector, models  # noqa: E402
from server.vision.redaction import redact_video  # noqa: E402
from server.vision.video import VideoReader  # noqa: E402
from server.vision.video_analysis import detect_video_faces  # noqa: E402
from tests.support.video import CLIP  # noqa: E402

PAIRS = {"mp4": ("mp4v", "avc1", "hev1", "VP90", "av01"), "mov": ("mp4v", "avc1", "MJPG"),
         "avi": ("XVID", "MJPG", "VP80", "H264"), "mkv": ("mp4v", "VP80", "VP90", "H264"), "webm": ("VP80", "VP90")}


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def writable(directory: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for suffix, fourccs in PAIRS.items():
        for fourcc in fourccs:
            path = directory / f"probe-{fourcc}.{suffix}"
            writer = cv2.VideoWriter(str(path), cv2.CAP_FFMPEG, cv2.VideoWriter.fourcc(*fourcc), 25, (64, 64))
            if writer.isOpened():
                found.setdefault(suffix, []).append(fourcc)
            writer.release()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--video", type=Path, default=CLIP)
    video = parser.parse_args().video
    reader = VideoReader(video)
    info = reader.info
    duration = info.declared_frames / info.fps
    models.load_all()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        print(json.dumps({"video": str(video), "frames": info.declared_frames, "fps": info.fps,
                          "size": [info.width, info.height], "codec": info.codec, "seconds": round(duration, 3),
                          "writable": writable(out), "opencv": cv2.__version__}))

        pictures = [cv2.cvtColor(f.pixels, cv2.COLOR_BGR2RGB) for f in reader.frames() if f.pixels is not None]
        decode = timed(lambda: [None for _ in reader.frames()])
        baseline = timed(lambda: [detector.detect_faces(p, DetectionModel.DETECTION_01) for p in pictures])
        cnn_frames = pictures[:: max(1, len(pictures) // 5)]
        cnn = timed(lambda: [detector.detect_faces(p, DetectionModel.DETECTION_02) for p in cnn_frames])
        print(json.dumps({"baseline": "HOG on every frame", "seconds": round(baseline, 2),
                          "per_frame_ms": round(1000 * baseline / len(pictures), 1),
                          "cnn_per_frame_ms": round(1000 * cnn / len(cnn_frames), 1),
                          "decode_seconds": round(decode, 2)}))

        runs: dict[str, Callable[[], object]] = {
            "redact (HOG 100 ms + CNN 1 s)": lambda: redact_video(video, out / "a.mp4", RedactionOptions()),
            "redact (HOG 100 ms only)": lambda: redact_video(video, out / "b.mp4",
                                                             RedactionOptions(plan=FAST_REDACTION_PLAN)),
            "face detection (HOG 200 ms + CNN 1 s)": lambda: detect_video_faces(video),
        }
        for name, work in runs.items():
            seconds = timed(work)
            print(json.dumps({"run": name, "seconds": round(seconds, 2),
                              "x_realtime": round(seconds / duration, 2), "x_baseline": round(seconds / baseline, 2)}))


if __name__ == "__main__":
    main()
