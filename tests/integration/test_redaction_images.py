"""Redacting still images with the real detectors: every face hidden, format kept, metadata dropped."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.domain.detection import DetectionModel
from server.domain.redaction import RedactionMethod, RedactionOptions
from server.errors import InvalidImage
from server.vision import detector
from server.vision.images import decode_image
from server.vision.redaction import redact_image
from tests.support.faces import photo

pytestmark = pytest.mark.slow

PHOTOS = ("people/obama/obama.jpg", "groups/obama_and_biden.jpg", "groups/two_people.jpg", "hard/32bit.png")


def faces_in(data: bytes, model: DetectionModel) -> int:
    return len(detector.detect_faces(decode_image(data).pixels, model))


@pytest.mark.parametrize("path", PHOTOS)
@pytest.mark.parametrize("method", list(RedactionMethod))
def test_every_face_is_hidden_and_the_image_keeps_its_size_and_format(path: str, method: RedactionMethod) -> None:
    original = photo(path)
    redacted = redact_image(original.read(), RedactionOptions(method=method))
    assert len(redacted.faces) == original.faces
    decoded = decode_image(redacted.data)
    assert (decoded.width, decoded.height) == (original.width, original.height)
    assert decoded.format == decode_image(original.read()).format
    assert faces_in(redacted.data, DetectionModel.DETECTION_03) == 0


def test_the_most_sensitive_model_finds_no_face_in_a_redacted_group() -> None:
    group = photo("groups/obama_and_biden.jpg").read()
    assert faces_in(group, DetectionModel.DETECTION_02) >= 2  # the third face is too small for it at 768 px
    assert faces_in(redact_image(group, RedactionOptions()).data, DetectionModel.DETECTION_02) == 0


@pytest.mark.parametrize("image_format, media_type", [("PNG", "image/png"), ("GIF", "image/gif"),
                                                      ("BMP", "image/bmp")])
def test_png_gif_and_bmp_come_back_as_themselves(image_format: str, media_type: str) -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(photo("people/obama/obama.jpg").read())).save(buffer, format=image_format)
    redacted = redact_image(buffer.getvalue(), RedactionOptions(method=RedactionMethod.PIXELATE))
    assert redacted.media_type == media_type and len(redacted.faces) == 1
    assert Image.open(io.BytesIO(redacted.data)).format == image_format
    assert faces_in(redacted.data, DetectionModel.DETECTION_01) == 0


def test_metadata_such_as_the_gps_position_is_dropped() -> None:
    image = Image.open(io.BytesIO(photo("people/obama/obama.jpg").read()))
    exif = Image.Exif()
    exif[0x010F] = "BodyCam Inc."  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()
    redacted = redact_image(buffer.getvalue(), RedactionOptions())
    assert not Image.open(io.BytesIO(redacted.data)).getexif()


def test_an_animated_gif_is_refused() -> None:
    still = Image.open(io.BytesIO(photo("people/obama/obama.jpg").read())).convert("P")
    buffer = io.BytesIO()
    still.save(buffer, format="GIF", save_all=True, append_images=[still.rotate(10)], duration=100)
    with pytest.raises(InvalidImage, match="animated"):
        redact_image(buffer.getvalue(), RedactionOptions())
