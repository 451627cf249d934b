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


def naive_identify(query: np.ndarray, rows: np.ndarray, starts: np.ndarray, max_candidates: int,
                   threshold: float) -> list[tuple[int, float]]:
    """Identify written out by hand: each person's closest face, ranked, thresholded, cut."""
    ends = list(starts[1:]) + [len(rows)]
    best = [min(similarity.distance(query, rows[row]) for row in range(start, end))
            for start, end in zip(starts, ends, strict=True)]
    nearest_first = sorted(range(len(best)), key=lambda person: (best[person], person))
    scored = [(person, similarity.confidence_from_distance(best[person])) for person in nearest_first]
    return [pair for pair in scored if pair[1] >= threshold][:max_candidates]


def test_identify_answers_exactly_what_the_rule_says_whatever_the_batch() -> None:
    centres, rows, starts = people(40, 3, spread=0.6)
    queries = (centres[:6] + RNG.normal(scale=0.03, size=(6, 128))).astype(np.float32)
    norms = np.einsum("ij,ij->i", rows, rows)
    for max_candidates, threshold in [(1, 0.0), (5, 0.0), (10, 0.5), (40, 0.2), (3, 1.0)]:
        together = matching.identify(queries, rows, norms, starts, max_candidates=max_candidates, threshold=threshold)
        for query, batched in zip(queries, together, strict=True):
            alone = matching.identify(query[None], rows, norms, starts, max_candidates=max_candidates,
                                      threshold=threshold)[0]
            expected = naive_identify(query, rows, starts, max_candidates, threshold)
            assert [(m.index, m.confidence) for m in batched] == [(m.index, m.confidence) for m in alone]
            assert [(m.index, m.confidence) for m in batched] == expected


def test_rank_persons_measures_every_face_of_a_candidate_not_only_the_one_proposed() -> None:
    rows = np.zeros((4, 128), dtype=np.float32)
    rows[0, 0], rows[1, 0], rows[2, 0], rows[3, 0] = 0.9, 0.2, 0.5, 0.7  # person 0: rows 0-1, person 1: 2-3
    starts = np.array([0, 2])
    ranked = matching.rank_persons(np.zeros(128, dtype=np.float32), rows, starts, np.array([1, 0, 1]),
                                   max_candidates=5, threshold=0.0)
    assert [(m.index, m.confidence) for m in ranked] == [(0, similarity.confidence_from_distance(0.2)),
                                                          (1, similarity.confidence_from_distance(0.5))]
    assert matching.rank_persons(np.zeros(128, dtype=np.float32), rows, starts, np.array([], dtype=np.int64),
                                 max_candidates=5, threshold=0.0) == []


def test_top_matches_breaks_ties_by_index_whatever_else_is_scored() -> None:
    scores = np.array([0.2, 0.7, 0.7, 0.1, 0.7, 0.9])
    assert [m.index for m in matching.top_matches(scores, 3, None)] == [5, 1, 2]
    assert [m.index for m in matching.top_matches(scores[[0, 2, 4, 5]], 3, None)] == [3, 1, 2]
