"""Signals a lying caller cannot choose, for every tenant: faces per window, and doubts about an image.

The data plane calls `image_doubts` for each image that reaches detection or a collection (store the
doubts with the faceIds, as their provenance is stored), and `count_faces` when faces are detected
(`record_only`) and when a recognition or enrollment call is decided (its count goes into the policy
request). For law enforcement under terms 2026-12 on, each doubt and a live stream's throughput
count as real time; for everyone they go into the audit trail.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

import numpy as np
from redis import Redis

from server.domain.capture import CAPTURED_AT_HEADER, CaptureContext
from server.domain.provenance import Provenance
from server.domain.signals import (
    FRAME_GAP_MS,
    FRAME_RUN,
    STREAM_MAX_STEP_MS,
    STREAM_STEPS,
    Frame,
    exif_doubt,
    frame_doubt,
    stream_doubt,
)
from server.store import keys
from server.store import signals as facts
from server.vision.signals import exif_capture_time, perceptual_hash

FACE_RETENTION_MS = 10 * 60 * 1000
"""How long a face stays in a cadence set: longer than any policy's cadence window, which is what a
count looks back over (a record from detection does not know which version will read it)."""

CLAIM_HISTORY = STREAM_STEPS + 1
FRAME_HISTORY = FRAME_RUN


def tenant_scope(tenant_id: str) -> str:
    return keys.face_cadence(f"tenant:{tenant_id}")


def organization_scope(organization: str) -> str:
    """The linked organisation's own count: every tenant linked to it adds to the same set."""
    return keys.face_cadence(f"organization:{hashlib.sha256(organization.encode()).hexdigest()}")


def count_faces(redis: Redis, tenant_id: str, faces: Sequence[str], *, window_seconds: int,
                organizations: Sequence[str] = (), record: bool = True) -> int:
    """Distinct faces this tenant, or an organisation it is linked to (by any of its link keys),
    handled in the window, these `faces` (faceIds) included: the largest of the counts.
    `record=False` is the dry run."""
    counts = facts.count_faces(redis, _scopes(tenant_id, organizations), faces, window_ms=window_seconds * 1000,
                               retention_ms=FACE_RETENTION_MS, record=record)
    return max(counts)


def record_detected_faces(redis: Redis, tenant_id: str, face_ids: Sequence[str], detected: int, *,
                          organizations: Sequence[str] = ()) -> None:
    """Count a detect call's faces: by faceId when it returned them, else each face once anonymously
    (detection without faceIds still shows a live stream's throughput)."""
    faces = list(face_ids) or [uuid.uuid4().hex for _ in range(detected)]
    if faces:
        facts.count_faces(redis, _scopes(tenant_id, organizations), faces, window_ms=FACE_RETENTION_MS,
                          retention_ms=FACE_RETENTION_MS, record=True)


def _scopes(tenant_id: str, organizations: Sequence[str]) -> list[str]:
    return [tenant_scope(tenant_id), *(organization_scope(organization) for organization in organizations)]


def image_doubts(redis: Redis, tenant_id: str, image: bytes, pixels: np.ndarray, capture: CaptureContext,
                 provenance: Provenance) -> tuple[str, ...]:
    """Why this image looks like live capture whatever the caller claims: its EXIF time against the
    claimed capture time (the header's, and a trusted manifest's), claimed times that advance with
    Redis's clock across calls, and near-identical frames at a video's frame rate."""
    exif = exif_capture_time(image)
    doubts = [exif_doubt(exif, capture.captured_at, CAPTURED_AT_HEADER)]
    if provenance.trusted and provenance.captured_at is not None:
        doubts.append(exif_doubt(exif, provenance.captured_at, "the trusted c2pa.created time"))
    claimed = provenance.captured_at if provenance.trusted and provenance.captured_at else capture.captured_at
    if claimed is not None:
        history = facts.remember(redis, keys.claimed_times(tenant_id), str(int(claimed.timestamp() * 1000)),
                                 keep=CLAIM_HISTORY, ttl_ms=STREAM_MAX_STEP_MS)
        doubts.append(stream_doubt([(int(value), at_ms) for at_ms, value in history]))
    frame = f"{perceptual_hash(pixels):016x}:{hashlib.sha256(image).hexdigest()[:32]}"
    frames = facts.remember(redis, keys.recent_frames(tenant_id), frame, keep=FRAME_HISTORY, ttl_ms=FRAME_GAP_MS * 2)
    doubts.append(frame_doubt([_frame(value, at_ms) for at_ms, value in frames]))
    return tuple(doubt for doubt in dict.fromkeys(doubts) if doubt)


def _frame(value: str, at_ms: int) -> Frame:
    phash, _, digest = value.partition(":")
    return Frame(int(phash, 16), digest, at_ms)
