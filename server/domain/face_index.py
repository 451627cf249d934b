"""Identify over millions of faces: an approximate index proposes, an exact re-rank answers.

The index is faiss's IVF with 4-bit product-quantised codes scanned by its SIMD "fast scan" kernels
(`IVF{nlist},PQ32x4fs`): the faces are split into `nlist` cells by k-means, each face is kept as 16
bytes, and a query scans the `NPROBE` cells nearest to it. Its `candidate_faces` best rows name the
candidate persons; every face of each candidate person is then measured exactly
(`matching.rank_persons`: dlib's Euclidean distance, in float64, and the calibrated confidence of
server.domain.similarity), so an answer is exactly the exact scan's whenever the persons it names
were among the candidates, and per-person best face, maxNumOfCandidatesReturned and
confidenceThreshold mean what they mean in the exact scan.

Chosen by measurement on the shared 2-core machine this runs on (bench/index_choice.py; synthetic
identities of tests/support/synthetic_faces.py; one query at a time on one thread; every library's
candidates re-ranked exactly per person; top-1 = the same person first as the exact scan):

    1,000,000 faces           build s  bytes/face  p50 ms  top-1              memory-mapped by faiss
    exact scan (numpy)           -        512       33-71   100 %               (it is the matrix)
    faiss IVF2048,PQ32x4fs      37         26        0.4    99.9 % (nprobe 32)  no: read per process
                                                            100 % (nprobe 64)
    faiss IVF2048,PQ32 (8-bit) 168         41        2.5    99.9 % (nprobe 32)  yes
    faiss IVF2048,PQ16 (8-bit) 115         25        2.1    99.9 % (nprobe 32)  yes
    faiss IVF2048,SQ4           18         73        3.3    100 %  (nprobe 32)  yes

      100,000 faces
    exact scan (numpy)           -        512        8.0    100 %
    faiss IVF1264,PQ32x4fs       3         34        0.3    100 %  (nprobe 32)  no
    hnswlib HNSW M=16           14        660        0.3    97.3 % (ef 64)      no: loaded per process
    usearch HNSW i8 M=16        19        277        1.0    99.7 % (ef 128)     yes (view=True)
    usearch HNSW f16 M=16       80        405        0.6    98.3 % (ef 128)     yes

HNSW graphs were the slowest to build, the largest and the least accurate on clustered identities
(a person's faces crowd each other out of the neighbour lists), and at ten million faces their
builds alone would pass ten minutes on two cores. Among faiss's IVF codes, fast scan is 6-8x
faster to search than the codes faiss can memory-map, trains in seconds rather than minutes, and
costs 26 bytes a face. Its lists are read into each API process (faiss keeps fast-scan lists in
aligned blocks it cannot map): 5 % of the raw embeddings per process, while the float32 matrix, 95 %
of the bytes, stays one memory-mapped copy per host (server.store.snapshot_files).

`NLIST_MAX` and `NPROBE` are fixed rather than grown with the collection: a cell's shape depends on
the distribution of faces, not on their number, so the share of cells probed (3/64 at the largest)
sets the recall at any size, and the cost of a query grows with the faces per cell only (about
1.5 ms a million on this machine, re-rank included). Ranks 2-10 above confidence 0.5 are
look-alikes at similar distances, with no gap to the ones just missed: the index finds about 84 %
of them (the exact scan's first candidate, always, in these measurements).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Protocol

import faiss
import numpy as np

from server.domain import matching
from server.domain.faces import EMBEDDING_SIZE

EXACT_BELOW_FACES = 50_000
"""Collections smaller than this are scanned exactly and get no index. Measured (bench/index_choice.py
--sizes 20000,50000,100000,200000): the exact scan's p50 was 0.6 ms at 20,000 faces, 2-10 ms at
50,000 (where numpy's BLAS turns multi-threaded and contends with the other processes), 12 ms at
100,000; the index's 0.3 ms throughout, for 4-6 s of training at these sizes. Below 50,000 the
scan stays under identify's own HTTP overhead, and exact answers cost nothing extra."""

NLIST_MAX = 2048
"""Cells of the largest indexes; fewer for smaller collections, so that each cell keeps at least
`MIN_FACES_PER_CELL` faces."""

MIN_FACES_PER_CELL = 64

NPROBE = 96
"""Cells scanned per query (3/64 of the largest indexes). At 2,048 cells and 1,000,000 faces, 64
probes already put the same person first as the exact scan on every probe; 96 (with 384 candidates)
also finds 84 % of the look-alikes that fill ranks 2-10 above confidence 0.5, for 0.4 ms more."""

TRAINING_FACES_PER_CELL = 48
"""k-means sample per cell (faiss warns under 39); the sample, not the collection, sets its cost."""

KMEANS_ITERATIONS = 16

CODE = "PQ32x4fs"
"""32 sub-quantisers of 4 dimensions, 4 bits each: 16 bytes a face, scanned with SIMD."""

CANDIDATE_FACES = 384
"""Rows the index proposes per query before the exact re-rank, at least `FACES_PER_CANDIDATE` per
candidate asked for: 4-bit codes rank look-alikes at similar distances coarsely, so the re-rank
needs many more rows than it answers with."""

FACES_PER_CANDIDATE = 8

ADD_BATCH = 262_144
"""Rows encoded at a time, so that a memory-mapped matrix is never copied whole."""


class IndexedFaces(Protocol):
    """A trained snapshot as identify needs it: rows grouped by person, and maybe an index."""

    @property
    def matrix(self) -> np.ndarray: ...

    @property
    def squared_norms(self) -> np.ndarray: ...

    @property
    def person_starts(self) -> np.ndarray | None: ...

    @property
    def index(self) -> Any | None: ...


def wants_index(rows: int, exact_below: int = EXACT_BELOW_FACES) -> bool:
    return rows >= exact_below


def cells(rows: int) -> int:
    """A power of two, at most NLIST_MAX, with at least MIN_FACES_PER_CELL faces a cell."""
    return int(min(NLIST_MAX, 2 ** max(0, math.floor(math.log2(max(1, rows // MIN_FACES_PER_CELL))))))


def build(matrix: np.ndarray, *, threads: int | None = None, seed: int = 1) -> Any:
    """Train the index on a sample of the rows and add them all, in order (faiss id = row)."""
    rows = matrix.shape[0]
    nlist = cells(rows)
    if threads:
        faiss.omp_set_num_threads(threads)
    index = faiss.index_factory(EMBEDDING_SIZE, f"IVF{nlist},{CODE}")
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.niter = KMEANS_ITERATIONS
    ivf.cp.seed = seed
    sample = np.sort(np.random.default_rng(seed).choice(rows, min(rows, nlist * TRAINING_FACES_PER_CELL),
                                                        replace=False))
    index.train(np.ascontiguousarray(matrix[sample], dtype=np.float32))
    for start, stop in _batches(rows):
        index.add(np.ascontiguousarray(matrix[start:stop], dtype=np.float32))
    ivf.nprobe = min(NPROBE, nlist)
    return index


def _batches(rows: int) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, ADD_BATCH):
        yield start, min(rows, start + ADD_BATCH)


def write(index: Any, path: str) -> None:
    faiss.write_index(index, path)


def read(path: str) -> Any:
    index = faiss.read_index(path)
    ivf = faiss.extract_index_ivf(index)
    ivf.nprobe = min(NPROBE, ivf.nlist)
    return index


def candidate_rows(index: Any, queries: np.ndarray, count: int) -> np.ndarray:
    """queries x count row numbers, best first; -1 where the probed cells held fewer."""
    faiss.omp_set_num_threads(1)  # one query a request: threads would only contend across API processes
    _, rows = index.search(np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32), count)
    return np.asarray(rows)


def identify(faces: IndexedFaces, queries: np.ndarray, *, max_candidates: int,
             threshold: float) -> list[list[matching.Match]]:
    """Per query, the persons whose closest face is most similar (index = person position).

    The one entry point for identify over a trained snapshot: exact below EXACT_BELOW_FACES (no
    index), else the index's candidates re-ranked exactly.
    """
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    starts = faces.person_starts
    matrix = faces.matrix
    if starts is None or matrix.shape[0] == 0:
        return [[] for _ in range(len(queries))]
    if faces.index is None:
        return matching.identify(queries, matrix, faces.squared_norms, starts, max_candidates=max_candidates,
                                 threshold=threshold)
    count = min(matrix.shape[0], max(CANDIDATE_FACES, FACES_PER_CANDIDATE * max_candidates))
    results = []
    for query, rows in zip(queries, candidate_rows(faces.index, queries, count), strict=True):
        found = rows[rows >= 0]
        persons = np.searchsorted(starts, found, side="right") - 1
        results.append(matching.rank_persons(query, matrix, starts, persons, max_candidates=max_candidates,
                                             threshold=threshold))
    return results
