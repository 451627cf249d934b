"""Whether the time of a token recovery request tells a known address from an unknown one.

Asks for recovery alternately for addresses that tenants use and addresses no tenant uses (pairs in
alternating order, through the app in-process), and prints the median time of each and the median of
the paired differences. The baseline, measured in the same run, is what the request would cost if it
looked the tenant up and sent the email itself instead of queueing that for a worker: the difference
an attacker's clock would see. Uses REDIS_URL's database (default redis://127.0.0.1:6379/12), which it
flushes: never point it at data you keep.

Prints one JSON line per measurement. Usage: python bench/token_recovery.py [--pairs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable

from redis import Redis

from server import create_app
from server.services.token_recovery import send_recovery_links


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200)
    pairs = parser.parse_args().pairs
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12")
    redis = Redis.from_url(url)
    redis.flushdb()
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["VISAGE_DATA_DIR"] = data_dir
        app = create_app({"REDIS_URL": url, "ADMIN_TOKEN": "bench", "RATE_LIMITS": None, "SIGNUP_RATE_LIMIT": None})
        client = app.test_client()
        known = [f"owner{n}@bench-{n}.example" for n in range(pairs)]
        for email in known:
            client.post("/signup", json={"organization": f"Bench {email}", "email": email, "country": "GB",
                                         "customer_type": "commercial", "use_cases": ["identity_verification"],
                                         "accept_terms": True})
        times: dict[str, list[float]] = {"known": [], "unknown": [], "inline_lookup_and_send": []}
        differences: list[float] = []
        for n, email in enumerate(known):
            took: dict[str, float] = {}
            order = [("known", email), ("unknown", f"nobody{n}@bench-{n}.example")]
            peer = {"REMOTE_ADDR": f"10.{n // 250}.{n % 250}.1"}  # under the per-client limit
            for label, address in order if n % 2 else order[::-1]:
                took[label] = timed(lambda address=address, peer=peer: client.post(  # type: ignore[misc]
                    "/signup/recover", json={"email": address}, environ_base=peer))
                times[label].append(took[label])
            differences.append(took["known"] - took["unknown"])
            times["inline_lookup_and_send"].append(timed(lambda email=email: send_recovery_links(  # type: ignore[misc]
                redis, email, base_url="http://bench")))
    redis.flushdb()
    for label, samples in times.items():
        print(json.dumps({"measurement": f"recovery_request_{label}_ms", "median": round(statistics.median(samples), 3),
                          "p90": round(sorted(samples)[int(len(samples) * 0.9)], 3), "n": len(samples)}))
    print(json.dumps({"measurement": "recovery_request_known_minus_unknown_ms",
                      "median_paired_difference": round(statistics.median(differences), 3), "n": len(differences),
                      "baseline_inline_extra_ms": round(statistics.median(times["inline_lookup_and_send"]), 3)}))


if __name__ == "__main__":
    main()
