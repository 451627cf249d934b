"""Which vector-search library identify uses, measured: faiss, hnswlib and usearch on one machine.

Needs the `bench` extra (`.venv/bin/pip install -e ".[bench]"`) for hnswlib and usearch.

In process, no HTTP: N synthetic faces (tests/support/synthetic_faces.py: identities as clusters
with dlib's spread and norms), 1 query at a time on one thread, each library's candidates re-ranked
exactly per person (server.domain.matching.rank_persons) as identify does. Prints one JSON line per
configuration: build seconds (2 threads), serialized bytes per face, p50/p95 ms, and top-1
agreement with the exact scan (same person first) on the probes. The first line is the exact scan,
the baseline of the same run.

    python bench/index_choice.py --faces 1000000 --probes 1000               # the libraries
    python bench/index_choice.py --sizes 20000,50000,100000,200000           # exact vs the index

The second form measures where an index starts to pay: exact scan p50 against Visage's own index
(server.domain.face_index) and its build time, at each size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain import face_index, matching  # noqa: E402
from tests.support.synthetic_faces import SyntheticFaces  # noqa: E402

Search = Callable[[np.ndarray], np.ndarray]


class Workload:
    def __init__(self, faces: int, probes: int) -> None:
        self.synthetic = SyntheticFaces(faces, seed=5)
        _, self.matrix = self.synthetic.matrix()
        self.starts = self.synthetic.first_face[:-1]
        self.norms = np.einsum("ij,ij->i", self.matrix, self.matrix)
        rng = np.random.default_rng(9)
        self.targets = rng.choice(self.synthetic.identities, probes, replace=False)
        self.probes = self.synthetic.probes(self.targets)
        self.exact = np.array([r[0].index for batch in range(0, probes, 25) for r in matching.identify(
            self.probes[batch:batch + 25], self.matrix, self.norms, self.starts, max_candidates=1, threshold=0.0)])

    def exact_p50(self, count: int = 50) -> dict[str, float]:
        times = []
        for probe in self.probes[:count]:
            started = time.perf_counter()
            matching.identify(probe[None], self.matrix, self.norms, self.starts, max_candidates=10, threshold=0.5)
            times.append(time.perf_counter() - started)
        return {"p50_ms": round(float(np.median(times)) * 1000, 3), "p95_ms": round(float(np.percentile(times, 95))
                                                                                     * 1000, 3)}

    def evaluate(self, search: Search) -> dict[str, float]:
        times, agree = [], 0
        for probe, expected in zip(self.probes, self.exact, strict=True):
            started = time.perf_counter()
            rows = search(probe)
            persons = np.searchsorted(self.starts, rows[rows >= 0], side="right") - 1
            found = matching.rank_persons(probe, self.matrix, self.starts, persons, max_candidates=1, threshold=0.0)
            times.append(time.perf_counter() - started)
            agree += bool(found) and found[0].index == expected
        return {"p50_ms": round(float(np.median(times)) * 1000, 3),
                "p95_ms": round(float(np.percentile(times, 95)) * 1000, 3),
                "top1_agreement": round(agree / len(self.probes), 4)}


def emit(row: dict[str, object]) -> None:
    print(json.dumps(row), flush=True)


def faiss_rows(work: Workload, folder: str) -> None:
    import faiss

    rows = len(work.matrix)
    nlist = face_index.cells(rows)
    for code in ["PQ32x4fs", "PQ32", "SQ4"]:
        faiss.omp_set_num_threads(2)
        started = time.perf_counter()
        index = faiss.index_factory(128, f"IVF{nlist},{code}")
        ivf = faiss.extract_index_ivf(index)
        ivf.cp.niter = face_index.KMEANS_ITERATIONS
        sample = np.random.default_rng(1).choice(rows, min(rows, nlist * face_index.TRAINING_FACES_PER_CELL),
                                                 replace=False)
        index.train(work.matrix[np.sort(sample)])
        index.add(work.matrix)
        build = time.perf_counter() - started
        path = os.path.join(folder, "faiss.index")
        faiss.write_index(index, path)
        mapped = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        lists = type(faiss.downcast_InvertedLists(faiss.extract_index_ivf(mapped).invlists)).__name__
        faiss.omp_set_num_threads(1)
        for nprobe in (16, 32, 64):
            faiss.extract_index_ivf(mapped).nprobe = nprobe

            def search(probe: np.ndarray, index: object = mapped) -> np.ndarray:
                return np.asarray(index.search(probe[None], face_index.CANDIDATE_FACES)[1][0])  # type: ignore[attr-defined]

            emit({"library": "faiss", "index": f"IVF{nlist},{code}", "nprobe": nprobe,
                  "build_seconds": round(build, 1), "bytes_per_face": round(os.path.getsize(path) / rows, 1),
                  "memory_mapped": lists != "BlockInvertedLists", **work.evaluate(search)})
        del index, mapped


def hnswlib_rows(work: Workload, folder: str) -> None:
    import hnswlib

    rows = len(work.matrix)
    started = time.perf_counter()
    index = hnswlib.Index(space="l2", dim=128)
    index.init_index(max_elements=rows, ef_construction=100, M=16)
    index.add_items(work.matrix, num_threads=2)
    build = time.perf_counter() - started
    path = os.path.join(folder, "hnswlib.bin")
    index.save_index(path)
    index.set_num_threads(1)
    for ef in (64, 128, 256):
        index.set_ef(ef)
        emit({"library": "hnswlib", "index": "HNSW M=16", "ef": ef, "build_seconds": round(build, 1),
              "bytes_per_face": round(os.path.getsize(path) / rows, 1), "memory_mapped": False,
              **work.evaluate(lambda probe: index.knn_query(probe[None], k=face_index.CANDIDATE_FACES)[0][0]
                              .astype(np.int64))})


def usearch_rows(work: Workload, folder: str) -> None:
    from usearch.index import Index

    rows = len(work.matrix)
    started = time.perf_counter()
    index = Index(ndim=128, metric="l2sq", dtype="i8", connectivity=16, expansion_add=128)
    index.add(np.arange(rows), work.matrix, threads=2)
    build = time.perf_counter() - started
    path = os.path.join(folder, "usearch.bin")
    index.save(path)
    del index
    view = Index.restore(path, view=True)
    assert view is not None
    for ef in (64, 128, 256):
        view.expansion_search = ef
        emit({"library": "usearch", "index": "HNSW i8 M=16", "ef": ef, "build_seconds": round(build, 1),
              "bytes_per_face": round(os.path.getsize(path) / rows, 1), "memory_mapped": True,
              **work.evaluate(lambda probe: view.search(probe, face_index.CANDIDATE_FACES, threads=1).keys
                              .astype(np.int64))})


def crossover(sizes: list[int], probes: int) -> None:
    for faces in sizes:
        work = Workload(faces, probes)
        started = time.perf_counter()
        index = face_index.build(work.matrix, threads=2)
        build = time.perf_counter() - started
        def search(probe: np.ndarray, index: object = index) -> np.ndarray:
            return face_index.candidate_rows(index, probe, face_index.CANDIDATE_FACES)[0]

        emit({"faces": faces, "exact": work.exact_p50(), "index_build_seconds": round(build, 2),
              "index": work.evaluate(search)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--libraries", default="faiss,hnswlib,usearch")
    parser.add_argument("--sizes", help="comma-separated sizes: exact scan against the index instead")
    args = parser.parse_args()
    if args.sizes:
        crossover([int(size) for size in args.sizes.split(",")], min(args.probes, 300))
        return 0
    work = Workload(args.faces, args.probes)
    emit({"library": "exact scan (numpy)", "faces": args.faces, "bytes_per_face": 512, **work.exact_p50(),
          "top1_agreement": 1.0, "probes_whose_exact_top1_is_their_identity": round(
              float(np.mean(work.exact == work.targets)), 4)})
    with tempfile.TemporaryDirectory() as folder:
        for library in args.libraries.split(","):
            {"faiss": faiss_rows, "hnswlib": hnswlib_rows, "usearch": usearch_rows}[library](work, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
