"""Vectorised face matching: identify, find-similar and group over float32 embeddings.

Squared distances come from one matrix product, |m|^2 - 2 m.q + |q|^2, with the rows' squared
norms computed once per snapshot, so a query against a million faces is a single BLAS call.

A BLAS product's last bits depend on the shapes it is given (one query or ten, a million rows or
a hundred), so identify uses it only to shortlist persons; the distances it answers with are
recomputed pair by pair in float64 (`similarity.distances_to`). That makes an answer a function of the
query and the faces alone, so exact search and the index (server.domain.face_index), which
re-ranks its candidates with the same `rank_persons`, agree to the last digit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from server.domain import similarity


def distances(queries: np.ndarray, matrix: np.ndarray, squared_norms: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distances, queries x rows."""
    queries = np.atleast_2d(queries).astype(np.float32)
    if squared_norms is None:
        squared_norms = np.einsum("ij,ij->i", matrix, matrix)
    squared = squared_norms[None, :] - 2.0 * (queries @ matrix.T) + np.einsum("ij,ij->i", queries, queries)[:, None]
    return np.sqrt(np.maximum(squared, 0.0))


@dataclasses.dataclass(frozen=True)
class Match:
    index: int
    confidence: float


def top_matches(confidences: np.ndarray, count: int, threshold: float | None) -> list[Match]:
    """The `count` highest confidences (at least `threshold` when given), best first; equal
    confidences in index order, so that the same scores always give the same answer."""
    eligible = np.flatnonzero(confidences >= threshold) if threshold is not None else np.arange(len(confidences))
    if len(eligible) > count:
        kth = np.partition(-confidences[eligible], count - 1)[count - 1]
        eligible = eligible[-confidences[eligible] <= kth]  # ties with the last one kept stay in the running
    ordered = eligible[np.lexsort((eligible, -confidences[eligible]))][:count]
    return [Match(int(index), float(confidences[index])) for index in ordered]


SHORTLIST_MARGIN = 1e-4
"""Distance slack of the shortlist: float32 products err by about 1e-6 on dlib's distances."""


def person_rows(person_starts: np.ndarray, rows: int, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row of the given persons (rows are grouped by person), and where each person's run starts."""
    ends = np.append(person_starts[1:], rows)
    firsts, counts = person_starts[persons], ends[persons] - person_starts[persons]
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    selected = np.repeat(firsts - offsets, counts) + np.arange(int(counts.sum()), dtype=np.int64)
    return selected, offsets


def rank_persons(query: np.ndarray, matrix: np.ndarray, person_starts: np.ndarray, persons: np.ndarray, *,
                 max_candidates: int, threshold: float) -> list[Match]:
    """The best of the given persons, each at the precise distance of its closest face, nearest
    first (so that confidences equal to five places still come in one order)."""
    persons = np.unique(persons)
    if len(persons) == 0:
        return []
    selected, offsets = person_rows(person_starts, matrix.shape[0], persons)
    closest = np.minimum.reduceat(similarity.distances_to(query, matrix[selected]), offsets)
    confidence = similarity.confidences(closest)
    ranked = [i for i in np.lexsort((persons, closest)) if confidence[i] >= threshold][:max_candidates]
    return [Match(int(persons[i]), float(confidence[i])) for i in ranked]


def identify(queries: np.ndarray, matrix: np.ndarray, squared_norms: np.ndarray, person_starts: np.ndarray,
             *, max_candidates: int, threshold: float) -> list[list[Match]]:
    """Per query, the persons whose closest face is most similar (index = person position): an
    exact scan shortlists them, `rank_persons` answers."""
    queries = np.atleast_2d(queries)
    if matrix.shape[0] == 0:
        return [[] for _ in range(len(queries))]
    per_person = np.minimum.reduceat(distances(queries, matrix, squared_norms), person_starts, axis=1)
    farthest = similarity.distance_at(threshold) + SHORTLIST_MARGIN
    results = []
    for query, row in zip(queries, per_person, strict=True):
        count = min(max_candidates, len(row))
        kth = np.partition(row, count - 1)[count - 1]
        shortlist = np.flatnonzero(row <= min(kth + SHORTLIST_MARGIN, farthest))
        results.append(rank_persons(query, matrix, person_starts, shortlist, max_candidates=max_candidates,
                                    threshold=threshold))
    return results


def find_similar(query: np.ndarray, matrix: np.ndarray, squared_norms: np.ndarray | None, *, max_candidates: int,
                 match_person: bool) -> list[Match]:
    """matchPerson keeps only faces judged the same person (confidence >= 0.5); matchFace ranks
    every face by similarity regardless."""
    if matrix.shape[0] == 0:
        return []
    confidence = similarity.confidences(distances(query, matrix, squared_norms)[0])
    threshold = similarity.IDENTICAL_CONFIDENCE if match_person else None
    return top_matches(confidence, max_candidates, threshold)


def group(embeddings: np.ndarray, *, threshold: float = similarity.SAME_PERSON_DISTANCE) -> tuple[
        list[list[int]], list[int]]:
    """Average-linkage agglomerative clustering: clusters merge while their mean distance is below
    the same-person threshold. Returns (groups of two or more, largest first; the singletons)."""
    count = len(embeddings)
    pairwise = distances(embeddings, embeddings).astype(np.float64)
    np.fill_diagonal(pairwise, np.inf)
    sizes = np.ones(count)
    members: dict[int, list[int]] = {index: [index] for index in range(count)}
    active = np.ones(count, dtype=bool)
    while active.sum() > 1:
        masked = np.where(active[:, None] & active[None, :], pairwise, np.inf)
        flat = int(np.argmin(masked))
        first, second = divmod(flat, count)
        if masked[first, second] >= threshold:
            break
        # Lance-Williams update for average linkage: the merged cluster's distance to every other
        merged = (sizes[first] * pairwise[first] + sizes[second] * pairwise[second]) / (sizes[first] + sizes[second])
        pairwise[first, :] = merged
        pairwise[:, first] = merged
        pairwise[first, first] = np.inf
        pairwise[second, :] = np.inf
        pairwise[:, second] = np.inf
        sizes[first] += sizes[second]
        members[first].extend(members.pop(second))
        active[second] = False
    clusters = [sorted(members[int(index)]) for index in np.flatnonzero(active)]
    groups = sorted((c for c in clusters if len(c) > 1), key=lambda c: (-len(c), c[0]))
    messy = sorted(index for c in clusters if len(c) == 1 for index in c)
    return groups, messy
