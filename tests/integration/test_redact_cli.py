"""`visage redact` as a user runs it: a subprocess on real files, a progress bar only on a terminal,
and refusals with exit status 1 that write nothing."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from server.domain.detection import DetectionModel
from server.vision import detector
from server.vision.images import decode_image
from tests.support.faces import FACES_DIR, photo
from tests.support.video import CLIP, check_faces_hidden, frames, write_video

pytestmark = pytest.mark.slow

VISAGE = [sys.executable, "-m", "server.cli", "redact"]
ROOT = Path(__file__).resolve().parents[2]


def redact(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VISAGE, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=False, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def segment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "segment.mp4"
    write_video(path, frames(CLIP)[125:155], "mp4v", 29.97)
    return path


def test_a_video_is_redacted_with_no_face_left(segment: Path, tmp_path: Path) -> None:
    output = tmp_path / "released.mp4"
    done = redact(segment, "-o", output, "--method", "pixelate", "--fast")
    assert done.returncode == 0, done.stderr
    assert "30 frames" in done.stdout and str(output) in done.stdout
    assert "%|" not in done.stderr, "no progress bar when stderr is not a terminal"
    before, after = frames(segment), frames(output)
    assert len(after) == 30 and after[0].shape == before[0].shape
    check = check_faces_hidden(before, after)
    assert check.frames_with_faces == 30 and check.found == []


def test_a_photo_is_redacted_in_its_own_format(tmp_path: Path) -> None:
    output = tmp_path / "portrait.jpeg"
    done = redact(photo("people/obama/obama.jpg").file, "-o", output, "--method", "box", "--fast")
    assert done.returncode == 0, done.stderr
    assert "1 face(s) hidden" in done.stdout
    assert detector.detect_faces(decode_image(output.read_bytes()).pixels, DetectionModel.DETECTION_03) == []


def test_a_terminal_gets_a_progress_bar(segment: Path, tmp_path: Path) -> None:
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        process = subprocess.Popen([*VISAGE, str(segment), "-o", str(tmp_path / "out.mp4"), "--fast"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=terminal)
        os.close(terminal)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end closed: the process is done with it
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=600) == 0
    finally:
        os.close(controller)
    text = shown.decode(errors="replace")
    assert "segment.mp4:" in text and "100%|" in text
    assert any(f"{percent:3d}%|" in text for percent in range(1, 100)), text[-500:]


@pytest.mark.parametrize(("source", "output", "message"), [
    ("people/obama/obama.jpg", "portrait.png", "name OUTPUT with .jpg"),
    ("MANIFEST.tsv", "out.tsv", "neither an image"),
])
def test_refusals_exit_1_and_write_nothing(tmp_path: Path, source: str, output: str, message: str) -> None:
    done = redact(FACES_DIR / source, "-o", tmp_path / output)
    assert done.returncode == 1 and message in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_output_is_kept_unless_asked(tmp_path: Path) -> None:
    output = tmp_path / "portrait.jpg"
    output.write_bytes(b"mine")
    done = redact(photo("people/obama/obama_small.jpg").file, "-o", output, "--fast")
    assert done.returncode == 1 and "--overwrite" in done.stderr and output.read_bytes() == b"mine"
    assert redact(photo("people/obama/obama_small.jpg").file, "-o", output, "--overwrite", "--fast").returncode == 0
    assert output.read_bytes()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("kind", ["image", "video"])
def test_an_output_that_is_a_directory_is_refused_before_the_work_and_leaves_nothing(
        tmp_path: Path, segment: Path, kind: str) -> None:
    source, name = (photo("people/obama/obama_small.jpg").file, "portrait.jpg") if kind == "image" else (
        segment, "clip.mp4")
    output = tmp_path / name
    output.mkdir()
    done = redact(source, "-o", output, "--overwrite", "--fast")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == f"visage redact: {output} is a directory\n"
    assert [path.name for path in tmp_path.iterdir()] == [name] and output.is_dir()
