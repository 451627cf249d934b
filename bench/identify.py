"""Identify at scale: a LargePersonGroup of N faces, trained by a worker, queried through HTTP.

For each size it fills one group with N synthetic faces (tests/support/synthetic_faces.py:
identities as clusters with dlib's norms and spread, 1-7 faces each, 4 on average; a probe is a
fresh face of an enrolled identity, not a stored one) through Visage's own store layer, trains it
on the RQ worker through HTTP, and then runs two `visage up` in turn on the same Redis and data dir:

- indexed: Visage as it ships (an index from 50,000 faces up), timed on every probe;
- exact scan: the same snapshot served with VISAGE_INDEX_MIN_FACES set past N, timed on
  `--exact-probes` probes.

Top-1 agreement compares the indexed answers with the exact scan (server.domain.matching.identify)
run in this process over the same snapshot files, on every probe (threshold 0, so that every probe
has a first candidate): the same person first, with the same confidence.

Memory is the proportional set size (PSS) summed over every API process (gunicorn's master and
workers), read from /proc/<pid>/smaps: a page mapped by n processes counts 1/n in each, so a page
of the memory-mapped snapshot counts once for the host however many processes map it, and a page
private to one process counts fully. `api_pss_bytes` is measured after the probes; since the index
touches only the rows it re-ranks, `api_pss_worst_bytes` also counts every page of the snapshot
files as resident, the figure a long-running host converges to, and the one held to the target.
Page cache that no API process maps (the copy a worker just wrote) is not process memory and is
not counted.

Each figure is one JSON line with the index, the exact-scan baseline of the same run, the target
and whether it was met. Training's baseline is the same training without its index phase (the
worker logs each phase).

From 5,000,000 faces on, the enrolment data (each face's embedding and record, the persons) is
deleted from Redis once training has succeeded: identify never reads it (it reads the trained
snapshot), and without this the 17 GB that Redis holds at 10M faces would leave too little of a
24 GB machine for the page cache of the mapped snapshot. Training is timed with everything in place.

Usage: nice python bench/identify.py --faces 1000000 [--faces 10000000] [--probes 1000]
It starts a private `redis-server` (no persistence, `--redis-maxmemory`, so that running out of
memory fails the benchmark's writes rather than waking the kernel's OOM killer), or uses
BENCH_REDIS_URL (whose database it flushes). Footprint at 10,000,000 faces: Redis holds the
collection and the snapshot, about 17 GB; the snapshot files take 5.5 GB of disk (and a 5 GB spool
while training) in the temp dir. Check `free -g` first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import requests
from redis import Redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain import matching  # noqa: E402
from server.domain.capture import CaptureContext  # noqa: E402
from server.domain.clock import now  # noqa: E402
from server.domain.collections import RULES, CollectionKind  # noqa: E402
from server.domain.detection import DetectionModel, RecognitionModel  # noqa: E402
from server.domain.faces import FaceRecord  # noqa: E402
from server.store import keys  # noqa: E402
from server.store.collections import CollectionStore  # noqa: E402
from server.store.deployments import DeploymentRepository  # noqa: E402
from server.store.faces import FaceRepository  # noqa: E402
from server.store.snapshot_files import Location, open_version  # noqa: E402
from server.store.snapshots import SnapshotStore  # noqa: E402
from tests.support.live import LiveVisage, descendants, free_port, visage_up  # noqa: E402
from tests.support.synthetic_faces import SyntheticFaces  # noqa: E402

TARGETS = {
    1_000_000: {"identify_p50_ms": 15, "top1_agreement": 0.995},
    10_000_000: {"identify_p50_ms": 60, "top1_agreement": 0.995, "training_seconds": 600,
                 "api_memory_ratio": 1.3},
}
GROUP = "bench"
FACE_TTL = 86_400
DROP_ENROLMENT_FROM = 5_000_000
"""From this size the enrolment data (embeddings, faces, persons) is deleted from Redis once training
has succeeded: identify reads only the trained snapshot, and without this the 17 GB Redis holds at
10M faces leaves too little of a 24 GB machine to keep the mapped snapshot in the page cache."""
ENROLMENT_PARTS = ("embeddings", "faces", "persons", "person-faces", "person-order")


def person_id(identity: int) -> str:
    return str(uuid.UUID(int=(0xB << 120) + identity))


def face_id(row: int) -> str:
    return str(uuid.UUID(int=(0xF << 120) + row))


def fill(store: CollectionStore, synthetic: SyntheticFaces) -> None:
    for block in synthetic.blocks():
        identities, matrix = synthetic.block_faces(block)
        first_row = int(synthetic.first_face[identities[0]])
        persons: dict[int, list[tuple[str, np.ndarray]]] = {}
        for offset, identity in enumerate(identities):
            persons.setdefault(int(identity), []).append((face_id(first_row + offset), matrix[offset]))
        store.import_persons(GROUP, [(person_id(i), f"person {i}", faces) for i, faces in persons.items()])


def api_processes(live: LiveVisage) -> list[int]:
    found = []
    for pid in descendants(live.process.pid):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def memory(pids: list[int], snapshot_dir: Path) -> dict[str, int]:
    """PSS of the processes, split into the snapshot files' mappings and everything else."""
    totals = {"pss": 0, "snapshot_pss": 0, "rss": 0}
    mapped: dict[str, int] = {}
    for pid in pids:
        path = ""
        for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split(maxsplit=5)
                path = parts[5] if len(parts) > 5 else ""
                start, end = (int(value, 16) for value in parts[0].split("-"))
                if path.startswith(str(snapshot_dir)):
                    mapped[path] = max(mapped.get(path, 0), end - start)
            elif line.startswith("Pss:"):
                kib = int(line.split()[1]) * 1024
                totals["pss"] += kib
                if path.startswith(str(snapshot_dir)):
                    totals["snapshot_pss"] += kib
            elif line.startswith("Rss:"):
                totals["rss"] += int(line.split()[1]) * 1024
    totals["snapshot_mapped_bytes"] = sum(mapped.values())
    totals["worst"] = totals["pss"] - totals["snapshot_pss"] + totals["snapshot_mapped_bytes"]
    return totals


def identify_all(live: LiveVisage, key: str, probe_ids: list[str]) -> tuple[list[float], list[list[dict[str, Any]]]]:
    session = requests.Session()
    headers = {"Ocp-Apim-Subscription-Key": key}
    url = f"{live.endpoint}/face/v1.2/identify"
    body = {"largePersonGroupId": GROUP, "confidenceThreshold": 0}
    for probe in probe_ids[:4]:  # every API process maps the snapshot before the clock starts
        session.post(url, headers=headers, json={**body, "faceIds": [probe]}, timeout=600).raise_for_status()
    latencies, answers = [], []
    for probe in probe_ids:
        started = time.perf_counter()
        response = session.post(url, headers=headers, json={**body, "faceIds": [probe]}, timeout=600)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        answers.append(response.json()[0]["candidates"])
    return latencies, answers


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def training_phases(data_dir: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    for log in (data_dir / "logs").glob("worker-*.log"):
        for match in re.finditer(r"seconds per phase (\{.*\})", log.read_text()):
            found = json.loads(match.group(1))
    return found


def run(faces: int, probes: int, exact_probes: int, api_count: int, redis_url: str) -> list[dict[str, Any]]:
    redis = Redis.from_url(redis_url, socket_timeout=900)
    redis.flushdb()
    synthetic = SyntheticFaces(faces, seed=faces % 1_000_003)
    rng = np.random.default_rng(7)
    targets = np.sort(rng.choice(synthetic.identities, size=probes, replace=False))
    probe_matrix = synthetic.probes(targets, salt=1)
    env = {**os.environ, "REDIS_URL": redis_url, "VISAGE_RATE_LIMITS": "off"}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="visage-bench-") as folder:
        data_dir = Path(folder)
        snapshot_dir = data_dir / "snapshots"
        with visage_up(data_dir, env=env, workers=1, api_processes=api_count) as live:
            account = live.sign_up()
            key = account["key1"]
            headers = {"Ocp-Apim-Subscription-Key": key}
            requests.put(f"{live.endpoint}/face/v1.2/largepersongroups/{GROUP}", headers=headers, timeout=30,
                         json={"name": "bench", "recognitionModel": "recognition_04"}).raise_for_status()
            deployment = DeploymentRepository(redis).get(account["tenant_id"], account["deployment"])
            assert deployment is not None
            store = CollectionStore(redis, deployment.deployment_id, RULES[CollectionKind.LARGE_PERSON_GROUP])
            started = time.perf_counter()
            fill(store, synthetic)
            results["fill_seconds"] = time.perf_counter() - started

            started = time.perf_counter()
            response = requests.post(f"{live.endpoint}/face/v1.2/largepersongroups/{GROUP}/train", headers=headers,
                                     timeout=30)
            response.raise_for_status()
            while (status := requests.get(response.headers["operation-Location"], headers=headers,
                                          timeout=30).json()["status"]) not in ("succeeded", "failed"):
                time.sleep(0.5)
            results["training_seconds"] = time.perf_counter() - started
            progress(f"{faces} faces: filled in {results['fill_seconds']:.0f} s, trained ({status}) in "
                     f"{results['training_seconds']:.0f} s")
            if status != "succeeded":
                raise RuntimeError(f"training {status}")
            results["phases"] = training_phases(data_dir)
            results["redis_used_memory_bytes"] = int(redis.info("memory")["used_memory"])
            if faces >= DROP_ENROLMENT_FROM:
                redis.unlink(*[keys.collection_part(deployment.deployment_id, CollectionKind.LARGE_PERSON_GROUP.value,
                                                    GROUP, part) for part in ENROLMENT_PARTS])
                results["redis_used_memory_after_drop_bytes"] = int(redis.info("memory")["used_memory"])

            moment = now()
            records = [FaceRecord(str(uuid.uuid4()), account["tenant_id"], deployment.deployment_id,
                                  DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_04, probe,
                                  CaptureContext(), moment) for probe in probe_matrix]
            FaceRepository(redis).save_all(records, FACE_TTL)
            probe_ids = [record.face_id for record in records]
            pids = api_processes(live)
            results["api_before"] = memory(pids, snapshot_dir)
            results["index_latencies"], index_answers = identify_all(live, key, probe_ids)
            progress(f"indexed identify p50 {statistics.median(results['index_latencies']):.1f} ms")
            results["api_index"] = memory(pids, snapshot_dir)

        with visage_up(data_dir, env={**env, "VISAGE_INDEX_MIN_FACES": str(faces + 1)}, workers=1,
                       api_processes=api_count) as live:
            results["exact_latencies"], exact_http = identify_all(live, key, probe_ids[:exact_probes])
            results["api_exact"] = memory(api_processes(live), snapshot_dir)

        kind = CollectionKind.LARGE_PERSON_GROUP.value
        pointer = SnapshotStore(redis, deployment.deployment_id, kind).pointer(GROUP)
        assert pointer is not None
        redis.flushdb()  # before the exact scan maps the snapshot: its pages need the memory Redis held
        snapshot = open_version(snapshot_dir, Location(deployment.deployment_id, kind, GROUP), pointer["version"],
                                with_index=False)
        assert snapshot is not None and snapshot.person_starts is not None
        exact: list[list[tuple[str, float]]] = []
        for start in range(0, probes, 8):
            for matches in matching.identify(probe_matrix[start:start + 8], snapshot.matrix, snapshot.squared_norms,
                                             snapshot.person_starts, max_candidates=10, threshold=0.0):
                exact.append([(snapshot.person_id(m.index), m.confidence) for m in matches])
        del snapshot

    index_lists = [[(c["personId"], c["confidence"]) for c in answer] for answer in index_answers]
    agreement = np.mean([mine[:1] == theirs[:1] for mine, theirs in zip(index_lists, exact, strict=True)])
    lists_agree = np.mean([mine == theirs for mine, theirs in zip(index_lists, exact, strict=True)])
    recall = np.mean([len(set(mine) & set(theirs)) / max(1, len(theirs))
                      for mine, theirs in zip(index_lists, exact, strict=True)])
    http_exact_agrees = np.mean([[(c["personId"], c["confidence"]) for c in answer] == theirs
                                 for answer, theirs in zip(exact_http, exact, strict=False)])
    raw = faces * 128 * 4
    phases = results["phases"]
    goals = TARGETS.get(faces, {})
    lines = [
        {"figure": "training_seconds", "index": round(results["training_seconds"], 1),
         "exact_scan": round(results["training_seconds"] - phases.get("index", 0.0), 1),
         "index_build_seconds": phases.get("index"), "worker_phases_seconds": phases,
         "fill_seconds": round(results["fill_seconds"], 1)},
        {"figure": "identify_p50_ms", "index": round(statistics.median(results["index_latencies"]), 2),
         "exact_scan": round(statistics.median(results["exact_latencies"]), 2),
         "probes": probes, "exact_scan_probes": len(results["exact_latencies"])},
        {"figure": "identify_p95_ms", "index": round(float(np.percentile(results["index_latencies"], 95)), 2),
         "exact_scan": round(float(np.percentile(results["exact_latencies"], 95)), 2)},
        {"figure": "top1_agreement", "index": round(float(agreement), 4), "exact_scan": 1.0,
         "exact_scan_over_http_agrees": round(float(http_exact_agrees), 4), "probes": probes,
         "exact_top1_is_the_probed_identity": round(float(np.mean(
             [bool(e) and e[0][0] == person_id(int(t)) for e, t in zip(exact, targets, strict=True)])), 4),
         "top10_lists_identical": round(float(lists_agree), 4), "top10_members_found": round(float(recall), 4)},
        {"figure": "api_memory_ratio", "index": round(results["api_index"]["worst"] / raw, 3),
         "exact_scan": round(results["api_exact"]["worst"] / raw, 3), "raw_embedding_bytes": raw,
         "api_processes": api_count, "index_pss": results["api_index"], "exact_scan_pss": results["api_exact"],
         "before_loading_pss": results["api_before"]["pss"],
         "redis_used_memory_bytes": results["redis_used_memory_bytes"],
         "enrolment_dropped_after_training": faces >= DROP_ENROLMENT_FROM},
    ]
    for line in lines:
        name = line["figure"]
        line.update({"bench": "identify", "faces": faces})
        if name in goals:
            line["target"] = goals[name]
            value = line["index"]
            line["met"] = value >= goals[name] if name == "top1_agreement" else value <= goals[name]
    return lines


def private_redis(folder: str, maxmemory: str) -> tuple[subprocess.Popen[bytes], str]:
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed; set BENCH_REDIS_URL")
    port = free_port()
    process = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder, "--maxmemory", maxmemory,
                                "--maxmemory-policy", "noeviction"], stdout=subprocess.DEVNULL)
    Path(f"/proc/{process.pid}/oom_score_adj").write_text("1000")  # if memory runs out, this goes first
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            Redis.from_url(url).ping()
            return process, url
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=int, action="append", help="group sizes (default 1000000)")
    parser.add_argument("--probes", type=int, default=1000, help="identify calls through the index")
    parser.add_argument("--exact-probes", type=int, default=200, help="identify calls through the exact scan")
    parser.add_argument("--api-processes", type=int, default=2)
    parser.add_argument("--redis-maxmemory", default="19gb", help="of the private redis-server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="visage-bench-redis-") as folder:
        server = None
        redis_url = os.environ.get("BENCH_REDIS_URL", "")
        if not redis_url:
            server, redis_url = private_redis(folder, args.redis_maxmemory)
        try:
            for faces in args.faces or [1_000_000]:
                for line in run(faces, args.probes, args.exact_probes, args.api_processes, redis_url):
                    print(json.dumps(line), flush=True)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
