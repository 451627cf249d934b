"""Detection latency: Visage's HTTP detect (through gunicorn) against the naive in-process baseline.

Baseline: `face_recognition.face_locations` + `face_encodings` on the full-resolution image (decode
not counted), the way most face_recognition code is written. Visage: `POST /face/v1.2/detect`
with the image bytes and returnFaceId=true (so it encodes every face too), over HTTP to a
`visage up` started for the run.

Goal (issue 2): p50 of HTTP detect on the 1080p photo <= 0.5 x the baseline's p50, with the face
count of MANIFEST.tsv on every photo.

Prints JSON lines: one per photo, a summary with the goal, and the two-client throughput.
Usage: python bench/detect.py [--repeat N] [--concurrent-requests N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import face_recognition
import numpy as np
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.faces import Photo, manifest  # noqa: E402
from tests.support.live import visage_up  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    return float(np.percentile(np.array(values), fraction * 100))


def baseline_once(pixels: np.ndarray) -> tuple[float, int]:
    started = time.perf_counter()
    locations = face_recognition.face_locations(pixels)
    face_recognition.face_encodings(pixels, locations)
    return time.perf_counter() - started, len(locations)


def server_once(session: requests.Session, endpoint: str, key: str, data: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    response = session.post(f"{endpoint}/face/v1.2/detect?returnFaceId=true", data=data,
                            headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"},
                            timeout=120)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, len(response.json())


def measure(photo: Photo, endpoint: str, key: str, repeat: int) -> dict[str, object]:
    data = photo.read()
    pixels = face_recognition.load_image_file(photo.file)
    session = requests.Session()
    server_once(session, endpoint, key, data)  # warm the connection and the worker
    baseline = [baseline_once(pixels) for _ in range(repeat)]
    server = [server_once(session, endpoint, key, data) for _ in range(repeat)]
    server_ms = [seconds * 1000 for seconds, _ in server]
    baseline_ms = [seconds * 1000 for seconds, _ in baseline]
    return {
        "bench": "detect",
        "image": photo.path,
        "resolution": f"{photo.width}x{photo.height}",
        "repeat": repeat,
        "server_p50_ms": round(statistics.median(server_ms), 1),
        "server_p95_ms": round(percentile(server_ms, 0.95), 1),
        "baseline_p50_ms": round(statistics.median(baseline_ms), 1),
        "baseline_p95_ms": round(percentile(baseline_ms, 0.95), 1),
        "ratio_p50": round(statistics.median(server_ms) / statistics.median(baseline_ms), 3),
        "server_faces": server[0][1],
        "baseline_faces": baseline[0][1],
        "manifest_faces": photo.faces,
        "faces_match_manifest": all(count == photo.faces for _, count in server),
    }


def throughput(endpoint: str, key: str, data: bytes, clients: int, requests_total: int) -> dict[str, object]:
    counter = iter(range(requests_total))
    lock = threading.Lock()
    latencies: list[float] = []

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            seconds, _ = server_once(session, endpoint, key, data)
            with lock:
                latencies.append(seconds * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "bench": "detect_throughput",
        "clients": clients,
        "requests": requests_total,
        "requests_per_second": round(requests_total / elapsed, 2),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed calls per photo and method")
    parser.add_argument("--concurrent-requests", type=int, default=20, help="requests for the two-client run")
    args = parser.parse_args()
    chosen = [p for p in manifest() if p.path.startswith(("resolutions/", "people/"))]
    with tempfile.TemporaryDirectory() as data_dir, visage_up(
        Path(data_dir), workers=1, api_processes=2, extra_env={"VISAGE_RATE_LIMITS": "off"}
    ) as live:
        account = live.sign_up()
        rows = []
        for photo in chosen:
            row = measure(photo, live.endpoint, account["key1"], args.repeat)
            rows.append(row)
            print(json.dumps(row), flush=True)
        hd = next(row for row in rows if row["image"] == "resolutions/obama-1080p.jpg")
        print(json.dumps({
            "bench": "detect_goal",
            "goal": "p50 of HTTP detect on 1080p <= 0.5 x naive in-process baseline; face counts match MANIFEST",
            "ratio_p50_1080p": hd["ratio_p50"],
            "server_p50_ms_1080p": hd["server_p50_ms"],
            "baseline_p50_ms_1080p": hd["baseline_p50_ms"],
            "all_face_counts_match": all(row["faces_match_manifest"] for row in rows),
            "met": float(hd["ratio_p50"]) <= 0.5 and all(row["faces_match_manifest"] for row in rows),  # type: ignore[arg-type]
        }), flush=True)
        hd_photo = next(p for p in chosen if p.path == "resolutions/obama-1080p.jpg")
        print(json.dumps(throughput(live.endpoint, account["key1"], hd_photo.read(), 2, args.concurrent_requests)),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
