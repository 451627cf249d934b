"""The distance-to-confidence map."""

from __future__ import annotations

import numpy as np
import pytest

from server.domain import similarity


def test_threshold_distance_reads_one_half() -> None:
    assert similarity.confidence_from_distance(similarity.SAME_PERSON_DISTANCE) == pytest.approx(0.5)


def test_confidence_falls_as_distance_grows() -> None:
    values = [similarity.confidence_from_distance(d) for d in np.linspace(0, 1.5, 31)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    assert values[0] > 0.99 and values[-1] < 0.001


@pytest.mark.parametrize(("distance", "identical"), [(0.3, True), (0.59, True), (0.61, False), (0.9, False)])
def test_is_identical_follows_the_half_threshold(distance: float, identical: bool) -> None:
    assert similarity.is_identical(similarity.confidence_from_distance(distance)) is identical


def test_vectorised_map_agrees_with_the_scalar_one() -> None:
    distances = np.array([0.0, 0.35, 0.6, 0.8, 2.0, 100.0])
    expected = [similarity.confidence_from_distance(float(d)) for d in distances]
    assert similarity.confidences(distances).tolist() == pytest.approx(expected)


def test_huge_distances_do_not_overflow() -> None:
    assert similarity.confidence_from_distance(1e9) == 0.0


def test_distance_at_is_the_farthest_distance_whose_answered_confidence_reaches_a_threshold() -> None:
    for threshold in (0.1, 0.5, 0.75, 0.9, 0.99):
        farthest = similarity.distance_at(threshold)
        assert similarity.confidence_from_distance(farthest - 1e-9) >= threshold
        assert similarity.confidence_from_distance(farthest + 1e-6) < threshold
    assert similarity.distance_at(0.0) == float("inf")
    assert similarity.distance_at(1.0) < 0  # no distance reads 1.0 to five places


def test_a_pairs_distance_does_not_depend_on_what_else_is_measured_with_it() -> None:
    rows = np.random.default_rng(3).normal(scale=0.1, size=(50, 128)).astype(np.float32)
    query = rows[7] + np.float32(0.02)
    together = similarity.distances_to(query, rows)
    assert [similarity.distance(query, row) for row in rows] == list(together)
    assert list(similarity.distances_to(query, rows[10:13])) == list(together[10:13])
