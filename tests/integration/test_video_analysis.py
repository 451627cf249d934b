"""The cores of Rekognition's face detection and face search jobs, on the test clip with real models.

The clip shows Lin-Manuel Miranda singing (two shots), a pianist in profile, and an audience
watching side-on; ../shared/faces/people holds photos of Lin-Manuel Miranda and of people not in
the clip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from server.domain.detection import DetectionModel
from server.domain.rekognition_shapes import Face
from server.vision import detector
from server.vision.face_detail import REKOGNITION_LANDMARKS
from server.vision.images import decode_image
from server.vision.video_analysis import (
    CollectionFaces,
    FaceDetectionResult,
    FaceSearchResult,
    detect_video_faces,
    search_video_faces,
)
from tests.support.faces import photo
from tests.support.video import CLIP, frames, write_video

pytestmark = pytest.mark.slow

ENROLLED = {
    "lin": "people/lin_manuel_miranda/lin-manuel-miranda.png",
    "obama": "people/obama/obama.jpg",
    "biden": "people/biden/biden.jpg",
    "alex": "people/alex_lacamoire/img1.jpg",
    "rose": "people/rose_leslie/img1.jpg",
}


def collection() -> CollectionFaces:
    rows, faces = [], []
    for name, path in ENROLLED.items():
        pixels = decode_image(photo(path).read()).pixels
        box = detector.detect_faces(pixels, DetectionModel.DETECTION_01)[0]
        rows.append(detector.embed(pixels, box))
        faces.append(Face(face_id=f"face-{name}", external_image_id=name))
    return CollectionFaces(np.stack(rows), tuple(faces))


@pytest.fixture(scope="module")
def detection() -> FaceDetectionResult:
    progress: list[int] = []
    result = detect_video_faces(CLIP, progress=progress.append)
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(set(progress))
    return result


@pytest.fixture(scope="module")
def search() -> FaceSearchResult:
    return search_video_faces(CLIP, collection())


def test_video_metadata_describes_the_clip(detection: FaceDetectionResult) -> None:
    video = detection.video
    assert (video.codec, video.format, video.frame_width, video.frame_height) == ("h264", "QuickTime / MOV", 640, 360)
    assert video.frame_rate == pytest.approx(29.97, abs=0.01)
    assert video.duration_millis == pytest.approx(9176, abs=34)


def test_faces_are_timed_and_in_rekognitions_shape(detection: FaceDetectionResult) -> None:
    stamps = [face.timestamp for face in detection.faces]
    assert stamps == sorted(stamps) and 0 <= stamps[0] and stamps[-1] < detection.video.duration_millis
    for found in detection.faces:
        box = found.face.bounding_box
        assert 0 <= box.left < 1 and 0 <= box.top < 1 and 0 < box.left + box.width <= 1
        assert 0 < box.top + box.height <= 1
        assert 50 < found.face.confidence <= 100
        assert found.face.landmarks is not None
        assert [landmark.type for landmark in found.face.landmarks] == list(REKOGNITION_LANDMARKS)
        eye_left = next(lm for lm in found.face.landmarks if lm.type == "eyeLeft")
        eye_right = next(lm for lm in found.face.landmarks if lm.type == "eyeRight")
        assert box.left <= eye_left.x < eye_right.x <= box.left + box.width
        assert found.face.pose is not None and found.face.quality is not None
        assert 0 <= found.face.quality.brightness <= 100 and 0 <= found.face.quality.sharpness <= 100


def test_faces_are_found_every_200_ms_and_side_faces_by_the_cnn(detection: FaceDetectionResult) -> None:
    singer_shot = [f.timestamp for f in detection.faces if 2736 <= f.timestamp < 7007]  # frames 82-209
    assert len(singer_shot) >= 18  # about one every 200 ms over 4.3 s, a few missed
    gaps = np.diff(singer_shot)
    assert np.median(gaps) == pytest.approx(200, abs=1)
    audience = [track for track in detection.tracks if track.start_ms >= 7040]  # the last shot, from frame 211
    assert len(audience) >= 4  # four people watching, three of them side-on


def test_the_singer_is_found_in_the_collection_and_nobody_else(search: FaceSearchResult) -> None:
    assert search.persons, "Lin-Manuel Miranda sings through most of the clip"
    best = {person.face_matches[0].face.external_image_id for person in search.persons}
    assert best == {"lin"}
    assert all(m.similarity >= 80 for person in search.persons for m in person.face_matches)
    stamps = [(person.timestamp, person.person.index) for person in search.persons]
    assert stamps == sorted(stamps)
    assert len({person.person.index for person in search.persons}) <= 3  # one track a shot he is in


def test_a_higher_threshold_keeps_fewer_matches(tmp_path: Path) -> None:
    singer = tmp_path / "singer.mp4"
    write_video(singer, frames(CLIP)[82:150], "mp4v", 29.97)
    enrolled = collection()
    loose = search_video_faces(singer, enrolled, threshold=80.0)
    strict = search_video_faces(singer, enrolled, threshold=93.0)
    assert 0 < len(strict.persons) < len(loose.persons)
    assert all(m.similarity >= 93 for person in strict.persons for m in person.face_matches)
    assert search_video_faces(singer, enrolled, threshold=100.0).persons == ()
