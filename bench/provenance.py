"""Cost of reading C2PA provenance, against decoding the same image (which every detect call does).

Baseline: `decode_image` of the signed bytes (Pillow header probe + OpenCV decode). Visage:
`read_provenance` of the same bytes under trust lists of growing size, where the signer's CA is
one anchor among several (of one class, and spread over several classes), so that finding the
anchor takes the most reads. Also the unsigned image (no manifest: one read) and a tampered one.

Prints one JSON line per case with p50 and p95 in milliseconds and the ratio to the baseline's p50.
Usage: python bench/provenance.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain.provenance import DeviceClass  # noqa: E402
from server.domain.trust_anchors import TrustAnchor  # noqa: E402
from server.vision.images import decode_image  # noqa: E402
from server.vision.provenance import read_provenance  # noqa: E402
from tests.support.c2pa import example, jpeg, pki, tampered  # noqa: E402

PHOTO = "people/obama/obama3.jpg"
"""The largest single-face photo of the set (1434 x 2333)."""


def p95(values: list[float]) -> float:
    return round(sorted(values)[int(0.95 * (len(values) - 1))], 2)


def timings(run: Callable[[], object], repeat: int) -> list[float]:
    run()
    measured = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        measured.append((time.perf_counter() - started) * 1000)
    return measured


def decoy_anchors(count: int, classes: list[DeviceClass]) -> list[TrustAnchor]:
    return [pki().anchor(example().make_ca(f"Decoy CA {i}"), classes[i % len(classes)], f"Decoy {i}", f"decoy-{i}")
            for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    signed = pki().body_cam.sign(jpeg(PHOTO), captured_at=datetime.now(UTC) - timedelta(days=3))
    ours = pki().anchor(pki().ca, DeviceClass.BODY_WORN, "Body cameras", "ours")
    baseline = timings(lambda: decode_image(signed), args.repeat)
    base_p50 = statistics.median(baseline)
    print(json.dumps({"case": "baseline: decode_image", "bytes": len(signed), "p50_ms": round(base_p50, 2),
                      "p95_ms": p95(baseline)}))
    cases: list[tuple[str, bytes, list[TrustAnchor]]] = [
        ("unsigned image", jpeg(PHOTO), [ours]),
        ("tampered image", tampered(signed), [ours]),
        ("trusted, 1 anchor", signed, [ours]),
        ("trusted, 1 of 16 anchors of one class", signed, [*decoy_anchors(15, [DeviceClass.BODY_WORN]), ours]),
        ("trusted, 1 of 64 anchors of one class", signed, [*decoy_anchors(63, [DeviceClass.BODY_WORN]), ours]),
        ("trusted, 1 of 64 anchors of 5 classes", signed, [*decoy_anchors(63, list(DeviceClass)), ours]),
    ]
    for name, data, anchors in cases:
        result = read_provenance(data, anchors)
        measured = timings(lambda data=data, anchors=anchors: read_provenance(data, anchors), args.repeat)
        p50 = statistics.median(measured)
        print(json.dumps({"case": name, "status": result.status.value, "anchors": len(anchors),
                          "p50_ms": round(p50, 2), "p95_ms": p95(measured),
                          "vs_baseline_p50": round(p50 / base_p50, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
