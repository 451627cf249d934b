"""Signals on real Redis with real images: faces per window on Redis's clock, EXIF, streams, frames."""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image
from redis import Redis

from server.domain.capture import CaptureContext, CaptureMode
from server.domain.provenance import NO_PROVENANCE, DeviceClass, Provenance
from server.services.signals import (
    count_faces,
    image_doubts,
    organization_scope,
    record_detected_faces,
    tenant_scope,
)
from server.vision.images import decode_image
from server.vision.provenance import read_provenance
from server.vision.signals import EXIF_IFD, exif_capture_time
from tests.support.c2pa import jpeg, pki, reencoded
from tests.support.terms import snapshot

THREE_DAYS_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def faces(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_faces_are_counted_not_calls_and_a_face_seen_again_counts_once(redis_db: Redis) -> None:
    seen = faces(3)
    assert count_faces(redis_db, "t1", seen[:1], window_seconds=60) == 1
    assert count_faces(redis_db, "t1", seen, window_seconds=60) == 3
    assert count_faces(redis_db, "t1", seen, window_seconds=60) == 3
    assert count_faces(redis_db, "t2", seen[:2], window_seconds=60) == 2


def test_the_count_is_kept_on_redis_time(redis_db: Redis) -> None:
    face = faces(1)
    count_faces(redis_db, "t1", face, window_seconds=60)
    seconds, micros = redis_db.time()
    score = redis_db.zscore(tenant_scope("t1"), face[0])
    assert score is not None and abs(score - (seconds * 1000 + micros // 1000)) < 1000


def test_faces_leave_the_count_when_the_window_passes(redis_db: Redis) -> None:
    count_faces(redis_db, "t1", faces(5), window_seconds=1)
    time.sleep(1.1)
    assert count_faces(redis_db, "t1", faces(1), window_seconds=1) == 1
    assert count_faces(redis_db, "t1", [], window_seconds=60) == 6


def test_linked_tenants_share_their_organisations_count(redis_db: Redis) -> None:
    count_faces(redis_db, "t1", faces(20), window_seconds=60, organizations=["police.example"])
    count_faces(redis_db, "t2", faces(20), window_seconds=60, organizations=["police.example"])
    assert count_faces(redis_db, "t3", faces(1), window_seconds=60, organizations=["police.example"]) == 41
    assert count_faces(redis_db, "t3", faces(1), window_seconds=60) == 2
    assert redis_db.zcard(organization_scope("police.example")) == 41


def test_the_dry_run_counts_what_recording_would_and_writes_nothing(redis_db: Redis) -> None:
    seen = faces(3)
    count_faces(redis_db, "t1", seen[:2], window_seconds=60, organizations=["org"])
    before = snapshot(redis_db) | {key: redis_db.zrange(key, 0, -1, withscores=True)
                                   for key in redis_db.scan_iter("visage:face-cadence:*")}
    assert count_faces(redis_db, "t1", seen, window_seconds=60, organizations=["org"], record=False) == 3
    after = snapshot(redis_db) | {key: redis_db.zrange(key, 0, -1, withscores=True)
                                  for key in redis_db.scan_iter("visage:face-cadence:*")}
    assert before == after
    assert count_faces(redis_db, "t1", seen, window_seconds=60, organizations=["org"]) == 3


def test_detection_counts_its_faces_with_or_without_face_ids(redis_db: Redis) -> None:
    record_detected_faces(redis_db, "t1", [], 4)
    ids = faces(2)
    record_detected_faces(redis_db, "t1", ids, 2)
    assert count_faces(redis_db, "t1", ids, window_seconds=60) == 6


def with_exif(image: bytes, taken: datetime, offset: str | None = None) -> bytes:
    opened = Image.open(io.BytesIO(image))
    exif = opened.getexif()
    exif.get_ifd(EXIF_IFD)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if offset:
        exif.get_ifd(EXIF_IFD)[0x9011] = offset
    out = io.BytesIO()
    opened.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def doubts(redis: Redis, image: bytes, capture: CaptureContext | None = None,
           provenance: Provenance = NO_PROVENANCE, tenant: str = "t1") -> tuple[str, ...]:
    return image_doubts(redis, tenant, image, decode_image(image).pixels, capture or CaptureContext(), provenance)


def test_a_claim_the_images_exif_time_cannot_match_is_doubted(redis_db: Redis) -> None:
    today = with_exif(jpeg(), datetime.now(UTC), "+00:00")
    assert exif_capture_time(today) is not None
    claimed_old = CaptureContext(CaptureMode.RECORDED, THREE_DAYS_AGO)
    found = doubts(redis_db, today, claimed_old)
    assert [d for d in found if "EXIF DateTimeOriginal" in d and "x-visage-captured-at" in d], found
    old = with_exif(jpeg(), THREE_DAYS_AGO)
    assert not [d for d in doubts(redis_db, old, claimed_old, tenant="t2") if "EXIF" in d]


def test_a_trusted_manifest_time_the_exif_time_cannot_match_is_doubted(redis_db: Redis) -> None:
    signed = pki().body_cam.sign(with_exif(jpeg(), datetime.now(UTC), "+00:00"), captured_at=THREE_DAYS_AGO)
    provenance = read_provenance(signed, [pki().anchor(pki().ca, DeviceClass.BODY_WORN)])
    assert provenance.trusted
    assert [d for d in doubts(redis_db, signed, provenance=provenance) if "trusted c2pa.created time" in d]


def test_claimed_times_that_advance_with_redis_time_are_doubted_as_a_stream(redis_db: Redis) -> None:
    start_ms = int(redis_db.time()[0] * 1000)
    found: list[tuple[str, ...]] = []
    for index in range(4):
        seconds, micros = redis_db.time()
        now_ms = seconds * 1000 + micros // 1000
        claimed = THREE_DAYS_AGO + timedelta(milliseconds=now_ms - start_ms)
        found.append(doubts(redis_db, reencoded(jpeg(f"people/obama/obama{index or ''}.jpg"), 90),
                            CaptureContext(CaptureMode.RECORDED, claimed)))
        time.sleep(0.3)
    assert not [d for d in found[2] if "in step with the clock" in d]
    assert [d for d in found[3] if "in step with the clock" in d], found[3]


def test_one_recordings_time_sent_again_and_again_is_no_stream(redis_db: Redis) -> None:
    capture = CaptureContext(CaptureMode.RECORDED, THREE_DAYS_AGO)
    for index in range(5):
        found = doubts(redis_db, jpeg(f"people/obama/obama{index % 4 or ''}.jpg"), capture)
        assert not [d for d in found if "in step" in d]
        time.sleep(0.1)


def test_near_identical_frames_at_a_videos_rate_are_doubted(redis_db: Redis) -> None:
    frames = [reencoded(jpeg(), quality) for quality in (90, 80, 70)]
    found = [doubts(redis_db, frame) for frame in frames]
    assert not found[0] and not found[1]
    assert [d for d in found[2] if "near-identical frames" in d], found[2]


def test_the_same_file_resent_or_different_photos_are_not_a_stream(redis_db: Redis) -> None:
    for _ in range(3):
        assert doubts(redis_db, jpeg()) == ()
    for path in ("people/obama/obama.jpg", "people/biden/biden.jpg", "people/obama/obama2.jpg"):
        assert doubts(redis_db, jpeg(path), tenant="t2") == ()
