"""Vectorised identify, find-similar and group on synthetic embeddings."""

from __future__ import annotations

import numpy as np

from server.domain import matching, similarity

RNG = np.random.default_rng(7)


def people(count: int, faces_each: int, spread: float = 0.15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by person: centres far apart, each person's faces close to its centre."""
    centres = RNG.normal(size=(count, 128)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = RNG.normal(size=(count, faces_each, 128)).astype(np.float32)
    noise *= spread / np.sqrt(128)
    rows = (centres[:, None, :] + noise).reshape(-1, 128)
    starts = np.arange(count) * faces_each
    return centres, rows.astype(np.float32), starts


def test_distances_match_numpy_norms() -> None:
    _, rows, _ = people(20, 3)
    queries = rows[:4] + 0.01
    expected = np.linalg.norm(queries[:, None, :] - rows[None, :, :], axis=2)
    assert np.allclose(matching.distances(queries, rows), expected, atol=1e-4)


def test_identify_ranks_the_right_person_first_per_query() -> None:
    centres, rows, starts = people(50, 4)
    queries = centres[[3, 17, 42]]
    results = matching.identify(queries, rows, np.einsum("ij,ij->i", rows, rows), starts, max_candidates=5,
                                threshold=0.5)
    assert [r[0].index for r in results] == [3, 17, 42]
    assert all(r[0].confidence > 0.9 for r in results)


def test_identify_takes_each_persons_closest_face() -> None:
    rows = np.zeros((3, 128), dtype=np.float32)
    rows[0, 0], rows[1, 0], rows[2, 0] = 1.0, 0.05, 2.0  # person 0: rows 0-1, person 1: row 2
    result = matching.identify(np.zeros((1, 128), dtype=np.float32), rows, np.einsum("ij,ij->i", rows, rows),
                               np.array([0, 2]), max_candidates=2, threshold=0.0)[0]
    assert [m.index for m in result] == [0, 1]
    assert result[0].confidence == similarity.confidence_from_distance(0.05)


def test_identify_applies_threshold_and_count() -> None:
    centres, rows, starts = people(30, 2)
    far = -centres[0]
    assert matching.identify(far[None], rows, np.einsum("ij,ij->i", rows, rows), starts, max_candidates=10,
                             threshold=0.5) == [[]]
    loose = matching.identify(centres[:1], rows, np.einsum("ij,ij->i", rows, rows), starts, max_candidates=3,
                              threshold=0.0)[0]
    assert len(loose) == 3
    assert loose[0].confidence >= loose[1].confidence >= loose[2].confidence


def test_find_similar_match_person_keeps_only_the_same_person() -> None:
    centres, rows, _ = people(10, 3)
    same = matching.find_similar(centres[2], rows, None, max_candidates=20, match_person=True)
    assert sorted(m.index for m in same) == [6, 7, 8]
    ranked = matching.find_similar(centres[2], rows, None, max_candidates=5, match_person=False)
    assert len(ranked) == 5 and {6, 7, 8} <= {m.index for m in ranked}


def test_group_splits_people_and_leaves_loners_messy() -> None:
    centres, rows, _ = people(4, 3)
    loner = -centres[0] * 0.7 + centres[1] * 0.7
    embeddings = np.vstack([rows, loner[None]]).astype(np.float32)
    groups, messy = matching.group(embeddings)
    assert sorted(groups) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert messy == [12]


def test_group_of_strangers_is_all_messy() -> None:
    centres, _, _ = people(5, 1)
    assert matching.group(centres * 2) == ([], [0, 1, 2, 3, 4])


def test_empty_inputs() -> None:
    empty = np.empty((0, 128), dtype=np.float32)
    assert matching.identify(np.zeros((2, 128), np.float32), empty, np.empty(0, np.float32), np.empty(0, np.int64),
                             max_candidates=3, threshold=0.5) == [[], []]
    assert matching.find_similar(np.zeros(128, np.float32), empty, None, max_candidates=3, match_person=False) == []
