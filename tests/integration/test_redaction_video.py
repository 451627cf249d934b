"""Redacting the test clip (9 s, 640 x 360, 29.97 fps, 275 frames, three shots) and short videos
in other containers, with the real detectors."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from server.domain.detection import DetectionModel
from server.domain.redaction import RedactionMethod, RedactionOptions
from server.errors import InvalidVideo, VideoTooLarge
from server.vision.redaction import RedactedVideo, redact_video
from server.vision.video import Container, VideoLimits, VideoReader, sniff_container
from tests.support.video import CLIP, check_faces_hidden, faces, frames, write_video

pytestmark = pytest.mark.slow

CNN_FRAMES = (0, 45, 100, 150, 215, 230, 245, 260, 274)
"""Frames of each shot (the singer, the pianist, the singer again, the audience watching side-on)
that the most sensitive model, dlib's CNN, checks on the input and the output."""


@dataclasses.dataclass(frozen=True)
class Redaction:
    result: RedactedVideo
    output: Path
    progress: list[tuple[int, float]]  # percent, seconds since the start
    seconds: float


@pytest.fixture(scope="module")
def clip_frames() -> list[np.ndarray]:
    return frames(CLIP)


@pytest.fixture(scope="module")
def blurred(tmp_path_factory: pytest.TempPathFactory) -> Redaction:
    output = tmp_path_factory.mktemp("redaction") / "clip-redacted.mp4"
    reports: list[tuple[int, float]] = []
    started = time.monotonic()
    result = redact_video(CLIP, output, RedactionOptions(method=RedactionMethod.BLUR),
                          progress=lambda percent: reports.append((percent, time.monotonic() - started)))
    return Redaction(result, output, reports, time.monotonic() - started)


def test_the_redacted_clip_plays_with_the_same_frames_rate_size_and_duration(blurred: Redaction) -> None:
    capture = cv2.VideoCapture(str(blurred.output), cv2.CAP_FFMPEG)
    assert capture.isOpened()
    source = VideoReader(CLIP).info
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(source.fps, abs=0.01)
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (640, 360)
    capture.release()
    decoded = frames(blurred.output)
    assert len(decoded) == source.declared_frames == 275
    assert all(frame.shape == (360, 640, 3) for frame in decoded)
    assert sniff_container(blurred.output.read_bytes()[:64]) is Container.MP4
    result = blurred.result
    assert (result.frames, result.width, result.height, result.container) == (275, 640, 360, Container.MP4)
    assert (result.source_codec, result.codec, result.media_type) == ("h264", "mpeg4", "video/mp4")
    assert result.duration_ms == pytest.approx(275 * 1000 / source.fps, abs=1000 / source.fps)


def test_progress_is_reported_while_it_runs(blurred: Redaction) -> None:
    percents = [percent for percent, _ in blurred.progress]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(set(percents)), "each percentage once, rising"
    assert len(percents) > 50
    halfway = next(seconds for percent, seconds in blurred.progress if percent >= 50)
    assert 0 < halfway < blurred.seconds


def test_no_face_the_clip_showed_is_found_in_the_redacted_clip(clip_frames: list[np.ndarray],
                                                               blurred: Redaction) -> None:
    check = check_faces_hidden(clip_frames, frames(blurred.output))
    assert check.frames_with_faces > 150  # HOG finds a face on most frames of the clip
    assert check.confirmed == []
    assert check.found == []


def test_the_most_sensitive_model_finds_no_face_either(clip_frames: list[np.ndarray], blurred: Redaction) -> None:
    redacted = frames(blurred.output)
    before = {index: faces(clip_frames[index], DetectionModel.DETECTION_02) for index in CNN_FRAMES}
    after = {index: faces(redacted[index], DetectionModel.DETECTION_02) for index in CNN_FRAMES}
    assert sum(len(found) for found in before.values()) >= 10  # the audience shot alone shows three or four
    assert after == {index: [] for index in CNN_FRAMES}


def test_the_face_tracks_follow_the_faces(blurred: Redaction) -> None:
    tracks = blurred.result.tracks
    assert len(tracks) >= 4
    for track in tracks:
        stamps = [face.timestamp_ms for face in track.faces]
        assert stamps == sorted(stamps) and track.start_ms == stamps[0]
        assert track.covered_from <= track.faces[0].frame <= track.faces[-1].frame <= track.covered_to <= 274
    singer = max(tracks, key=lambda track: len(track.faces))
    assert singer.faces[0].frame < 90 and singer.faces[-1].frame > 200  # the second shot, 82 to 210, throughout


@pytest.mark.parametrize("method, fourcc, suffix, container, codec", [
    (RedactionMethod.PIXELATE, "MJPG", ".avi", Container.AVI, "mjpeg"),
    (RedactionMethod.BOX, "VP80", ".webm", Container.WEBM, "vp8"),
    (RedactionMethod.BLUR, "mp4v", ".mkv", Container.MKV, "mpeg4"),
])
def test_other_containers_and_methods(clip_frames: list[np.ndarray], tmp_path: Path, method: RedactionMethod,
                                      fourcc: str, suffix: str, container: Container, codec: str) -> None:
    """Two seconds across the cut to the audience: faces in profile and a cut mid-video."""
    source = tmp_path / f"segment{suffix}"
    write_video(source, clip_frames[200:260], fourcc, 29.97)
    output = tmp_path / f"redacted{suffix}"
    result = redact_video(source, output, RedactionOptions(method=method))
    assert (result.container, result.codec, result.frames) == (container, codec, 60)
    assert sniff_container(output.read_bytes()[:64]) is container
    redacted = frames(output)
    assert len(redacted) == 60
    check = check_faces_hidden(frames(source), redacted)
    assert check.frames_with_faces > 20 and check.confirmed == [] and check.found == []
    if method is RedactionMethod.BOX:
        assert min(float(frame.min()) for frame in redacted) <= 8  # black boxes


def test_garbage_and_unsupported_files_are_refused(tmp_path: Path) -> None:
    cases = {
        "text.mp4": b"not a video at all " * 100,
        "playlist.mp4": b"#EXTM3U\n#EXTINF:10,\nhttp://169.254.169.254/latest/meta-data\n",
        "header-only.mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(4000),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InvalidVideo):
            redact_video(tmp_path / name, tmp_path / f"out-{name}", RedactionOptions())
        assert not (tmp_path / f"out-{name}").exists()


def test_a_truncated_video_is_refused_or_cut_short_never_padded(tmp_path: Path) -> None:
    data = CLIP.read_bytes()
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(data[: len(data) // 3])
    try:
        decoded = list(VideoReader(truncated).frames(lambda index: False))
    except InvalidVideo:
        return
    assert 0 < len(decoded) < 275


@pytest.mark.parametrize("limits, message", [
    (VideoLimits(max_bytes=100_000), "bytes"),
    (VideoLimits(max_seconds=5), "longer"),
    (VideoLimits(max_frames=200), "longer"),
    (VideoLimits(max_frame_pixels=640 * 360 - 1), "pixels"),
    (VideoLimits(max_fps=25), "frame rate"),
])
def test_videos_over_a_limit_are_refused_before_decoding(tmp_path: Path, limits: VideoLimits, message: str) -> None:
    with pytest.raises(VideoTooLarge, match=message):
        redact_video(CLIP, tmp_path / "out.mp4", RedactionOptions(), limits=limits)
    assert list(tmp_path.iterdir()) == []


def test_decoding_stops_at_the_frame_cap_whatever_the_container_declared() -> None:
    reader = VideoReader(CLIP)
    reader.limits = VideoLimits(max_frames=100)  # as if the container had understated its length
    with pytest.raises(VideoTooLarge):
        for _ in reader.frames(lambda index: False):
            pass
