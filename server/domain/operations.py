"""Operation classes: every data-plane route declares one, and the terms of use decide on it."""

from __future__ import annotations

import enum


class OperationClass(enum.StrEnum):
    DETECTION = "detection"
    VERIFICATION = "verification"
    IDENTIFICATION = "identification"
    FIND_SIMILAR = "find_similar"
    GROUPING = "grouping"
    ENROLLMENT = "enrollment"
    FACE_ENROLLMENT = "face_enrollment"
    TRAINING = "training"
    COLLECTION_READ = "collection_read"


RECOGNITION_CLASSES = frozenset({
    OperationClass.VERIFICATION,
    OperationClass.IDENTIFICATION,
    OperationClass.FIND_SIMILAR,
    OperationClass.GROUPING,
})
"""Operations that compare faces: Limited Access features, audited on every decision."""
