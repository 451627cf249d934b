"""Identify at scale: a LargePersonGroup of N persons, trained by a worker, queried through HTTP.

Fills the group with N synthetic embeddings (one face a person) through Visage's own store layer
(no images), trains it through the RQ worker, then times `POST /face/v1.2/identify` through
gunicorn. In the same run it times the brute-force numpy baseline over the same matrix
(`np.linalg.norm(matrix - query, axis=1)` and an argsort), and measures how much the API
process's memory grew when it loaded the snapshot.

Goals (issue 3): N = 100,000: identify p50 <= 25 ms, training <= 20 s; N = 1,000,000: identify
p50 <= 150 ms, training <= 180 s, API memory growth <= 2 x the raw embedding bytes.

Usage: python bench/identify.py --faces 100000 [--faces 1000000] [--queries 50]
Needs Redis on 127.0.0.1:6379 (uses database 11 and flushes it) unless BENCH_REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import requests
from redis import Redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain.capture import CaptureContext  # noqa: E402
from server.domain.clock import now  # noqa: E402
from server.domain.collections import RULES, CollectionKind  # noqa: E402
from server.domain.detection import DetectionModel, RecognitionModel  # noqa: E402
from server.domain.faces import FaceRecord  # noqa: E402
from server.store.collections import CollectionStore  # noqa: E402
from server.store.deployments import DeploymentRepository  # noqa: E402
from server.store.faces import FaceRepository  # noqa: E402
from tests.support.live import descendants, visage_up  # noqa: E402

GOALS = {100_000: {"identify_p50_ms": 25, "train_seconds": 20},
         1_000_000: {"identify_p50_ms": 150, "train_seconds": 180, "memory_growth_ratio": 2.0}}
IMPORT_BATCH = 20_000
GROUP = "bench"


def synthetic_embeddings(count: int, seed: int) -> np.ndarray:
    """Unit-norm-ish 128-d vectors with the spread of dlib embeddings (distinct people sit ~1 apart)."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(scale=0.09, size=(count, 128)).astype(np.float32)
    return vectors


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def api_worker_pid(up_pid: int) -> int:
    """The gunicorn worker (not the master) under `visage up`."""
    candidates = []
    for pid in descendants(up_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "gunicorn" in command:
            candidates.append(pid)
    masters = {pid for pid in candidates if any(Path(f"/proc/{c}/stat").exists() and
                                                 int(Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()[1])
                                                 == pid for c in candidates)}
    workers = [pid for pid in candidates if pid not in masters]
    if len(workers) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {workers}")
    return workers[0]


def run(faces: int, queries: int, redis_url: str) -> dict[str, object]:
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    with tempfile.TemporaryDirectory() as data_dir, visage_up(
        Path(data_dir), workers=1, api_processes=1,
        env={**os.environ, "REDIS_URL": redis_url, "VISAGE_RATE_LIMITS": "off"},
    ) as live:
        account = live.sign_up()
        key = {"Ocp-Apim-Subscription-Key": account["key1"]}
        session = requests.Session()
        created = session.put(f"{live.endpoint}/face/v1.2/largepersongroups/{GROUP}", headers=key,
                              json={"name": "bench", "recognitionModel": "recognition_04"}, timeout=30)
        created.raise_for_status()
        deployment = DeploymentRepository(redis).get(account["tenant_id"], account["deployment"])
        store = CollectionStore(redis, deployment.deployment_id, RULES[CollectionKind.LARGE_PERSON_GROUP])

        matrix = synthetic_embeddings(faces, seed=faces)
        person_ids = [str(uuid.uuid4()) for _ in range(faces)]
        fill_started = time.perf_counter()
        for start in range(0, faces, IMPORT_BATCH):
            store.import_persons(GROUP, [
                (person_ids[i], f"person {i}", [(str(uuid.uuid4()), matrix[i])])
                for i in range(start, min(faces, start + IMPORT_BATCH))
            ])
        fill_seconds = time.perf_counter() - fill_started

        train_started = time.perf_counter()
        response = session.post(f"{live.endpoint}/face/v1.2/largepersongroups/{GROUP}/train", headers=key, timeout=30)
        response.raise_for_status()
        operation = response.headers["operation-Location"]
        while (status := session.get(operation, headers=key, timeout=30).json()["status"]) not in (
                "succeeded", "failed"):
            time.sleep(0.2)
        train_seconds = time.perf_counter() - train_started
        if status != "succeeded":
            raise RuntimeError(f"training {status}")

        rng = np.random.default_rng(1)
        targets = rng.choice(faces, size=queries, replace=False)
        probes = matrix[targets] + rng.normal(scale=0.01, size=(queries, 128)).astype(np.float32)
        moment = now()
        records = [FaceRecord(str(uuid.uuid4()), account["tenant_id"], deployment.deployment_id,
                              DetectionModel.DETECTION_01, RecognitionModel.RECOGNITION_04, probe,
                              CaptureContext(), moment) for probe in probes]
        FaceRepository(redis).save_all(records, 3600)

        worker = api_worker_pid(live.process.pid)
        rss_before = rss_bytes(worker)
        latencies = []
        correct = 0
        for record, target in zip(records, targets, strict=True):
            started = time.perf_counter()
            answer = session.post(f"{live.endpoint}/face/v1.2/identify", headers=key, timeout=120,
                                  json={"faceIds": [record.face_id], "largePersonGroupId": GROUP})
            latencies.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
            candidates = answer.json()[0]["candidates"]
            correct += bool(candidates) and candidates[0]["personId"] == person_ids[int(target)]
        rss_after = rss_bytes(worker)
        first_call_ms = latencies[0]
        steady = latencies[1:] or latencies

    baseline = []
    for probe in probes[: min(queries, 20)]:
        started = time.perf_counter()
        distances = np.linalg.norm(matrix - probe, axis=1)
        np.argsort(distances)[:10]
        baseline.append((time.perf_counter() - started) * 1000)
    redis.flushdb()

    raw_bytes = faces * 128 * 4
    growth = rss_after - rss_before
    row: dict[str, object] = {
        "bench": "identify",
        "faces": faces,
        "fill_seconds": round(fill_seconds, 1),
        "train_seconds": round(train_seconds, 2),
        "identify_first_call_ms": round(first_call_ms, 1),
        "identify_p50_ms": round(statistics.median(steady), 2),
        "identify_p95_ms": round(float(np.percentile(steady, 95)), 2),
        "baseline_numpy_bruteforce_p50_ms": round(statistics.median(baseline), 2),
        "top1_correct": f"{correct}/{queries}",
        "raw_embedding_bytes": raw_bytes,
        "api_rss_growth_bytes": growth,
        "memory_growth_ratio": round(growth / raw_bytes, 3),
    }
    goals = GOALS.get(faces, {})
    row["goals"] = goals
    row["met"] = all(float(row[name]) <= limit for name, limit in goals.items())  # type: ignore[arg-type]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=int, action="append", help="group sizes (default 100000)")
    parser.add_argument("--queries", type=int, default=50, help="identify calls timed per size")
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    for faces in args.faces or [100_000]:
        print(json.dumps(run(faces, args.queries, redis_url)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
