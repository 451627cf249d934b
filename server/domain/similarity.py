"""From embedding distance to Azure's confidence.

dlib's face encoder puts two photos of one person within Euclidean distance 0.6 of each other and
two people farther apart (its documented operating point; on ../shared/faces/people every
same-identity pair is below 0.53 and every different-identity pair above 0.70). The map is a
logistic curve centred there, so that confidence 0.5, Azure's isIdentical threshold, falls on
distance 0.6:

    confidence = 1 / (1 + exp(STEEPNESS * (distance - SAME_PERSON_DISTANCE)))

    distance   0.0    0.3    0.4    0.5    0.6    0.7    0.8    1.0
    confidence 0.999  0.964  0.900  0.750  0.500  0.250  0.100  0.012
"""

from __future__ import annotations

import math

import numpy as np

SAME_PERSON_DISTANCE = 0.6
"""Distance at which two faces are as likely the same person as not (confidence 0.5)."""

STEEPNESS = math.log(9) / 0.2
"""Chosen so that 0.2 closer than the threshold reads 0.9, and 0.2 farther reads 0.1."""

IDENTICAL_CONFIDENCE = 0.5
"""Azure: "isIdentical is set to True if similarity confidence is greater than or equal to 0.5"."""


def confidence_from_distance(distance: float) -> float:
    exponent = STEEPNESS * (distance - SAME_PERSON_DISTANCE)
    if exponent > 700:  # exp overflows beyond this; the confidence is 0 to any precision shown
        return 0.0
    return round(1.0 / (1.0 + math.exp(exponent)), 5)


def confidences(distances: np.ndarray) -> np.ndarray:
    """The same map over an array of distances, for identify and find-similar."""
    exponent = np.clip(STEEPNESS * (np.asarray(distances, dtype=np.float64) - SAME_PERSON_DISTANCE), -700, 700)
    return np.round(1.0 / (1.0 + np.exp(exponent)), 5)


def is_identical(confidence: float) -> bool:
    return confidence >= IDENTICAL_CONFIDENCE


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))


REKOGNITION_DEFAULT_THRESHOLD = 80.0
"""Rekognition's default FaceMatchThreshold and SimilarityThreshold, in percent."""

SIMILARITY_CENTRE = SAME_PERSON_DISTANCE - math.log(100.0 / REKOGNITION_DEFAULT_THRESHOLD - 1.0) / STEEPNESS
"""Distance at which Rekognition's Similarity reads 50 (about 0.726)."""


def similarity_percent(distance: float) -> float:
    """Rekognition's Similarity (0 to 100) from embedding distance: the same logistic curve as the
    confidence above, moved so that Rekognition's default threshold, 80, falls on dlib's operating
    point, 0.6. A search with the default threshold then keeps what Azure calls identical:

        similarity = 100 / (1 + exp(STEEPNESS * (distance - SIMILARITY_CENTRE)))

        distance    0.0    0.3    0.4    0.5    0.6    0.7    0.8    1.0
        similarity  100.0  99.1   97.3   92.3   80.0   57.1   30.8   4.7
    """
    return float(similarity_percents(np.array([distance]))[0])


def similarity_percents(distances: np.ndarray) -> np.ndarray:
    exponent = np.clip(STEEPNESS * (np.asarray(distances, dtype=np.float64) - SIMILARITY_CENTRE), -700, 700)
    return np.round(100.0 / (1.0 + np.exp(exponent)), 5)
