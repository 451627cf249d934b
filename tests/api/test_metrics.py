"""GET /metrics: requests by operation and status with latencies, policy decisions by outcome and
clause, and RQ's queues and registries, in Prometheus text format, for the operator only."""

from __future__ import annotations

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from tests.support.faces import photo
from tests.support.tenants import sign_up
from tests.support.terms import ADMIN, SMALL_PHOTO
from tests.support.workers import run_queued_jobs

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: FlaskClient) -> Samples:
    answer = client.get("/metrics", headers=ADMIN)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True)) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_the_operators(client: FlaskClient) -> None:
    account = sign_up(client)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=account.bearer).status_code == 401


def test_requests_are_counted_by_operation_and_status_with_their_latency(client: FlaskClient) -> None:
    account = sign_up(client)
    before = scrape(client)
    for _ in range(3):
        assert client.get("/face/v1.2/largepersongroups", headers=account.key_header).status_code == 200
    client.get("/face/v1.2/largepersongroups", headers={"Ocp-Apim-Subscription-Key": "wrong"})
    after = scrape(client)
    ok = {"operation": "getLargePersonGroups", "status": "200"}
    assert value(after, "visage_http_requests_total", **ok) - value(before, "visage_http_requests_total", **ok) == 3
    refused = {"operation": "getLargePersonGroups", "status": "401"}
    assert value(after, "visage_http_requests_total", **refused) - value(
        before, "visage_http_requests_total", **refused) == 1
    latency = "visage_http_request_duration_seconds_count"
    assert value(after, latency, **ok) - value(before, latency, **ok) == 3
    assert value(after, "visage_http_request_duration_seconds_sum", **ok) > value(
        before, "visage_http_request_duration_seconds_sum", **ok)
    slowest = value(after, "visage_http_request_duration_seconds_bucket", **ok, le="+Inf")
    assert slowest == value(after, latency, **ok)


def test_policy_decisions_are_counted_by_outcome_and_clause_but_injected_faults_are_not(
        client: FlaskClient) -> None:
    account = sign_up(client)
    image = photo(SMALL_PHOTO).read()
    headers = {**account.key_header, "Content-Type": "application/octet-stream"}
    allowed = {"outcome": "allowed", "clause": "none", "operation": "detection"}
    before = scrape(client)
    refusal = client.post("/face/v1.2/detect?returnFaceAttributes=age", data=image, headers=headers)
    assert refusal.status_code == 403
    refused = {"outcome": "refused", "clause": refusal.get_json()["error"]["innererror"]["code"],
               "operation": "detection"}
    assert client.post("/face/v1.2/detect", data=image, headers=headers).status_code == 200
    client.post("/admin/v1/faults", json={"status": 503, "count": 1}, headers=ADMIN)
    assert client.post("/face/v1.2/detect?returnFaceAttributes=age", data=image, headers=headers).status_code == 503
    after = scrape(client)
    decisions = "visage_policy_decisions_total"
    assert value(after, decisions, **refused) - value(before, decisions, **refused) == 1
    assert value(after, decisions, **allowed) - value(before, decisions, **allowed) == 1


def test_queue_depth_and_job_outcomes_are_read_from_rq(client: FlaskClient, redis_db: Redis) -> None:
    account = sign_up(client)
    client.put("/face/v1.2/largepersongroups/staff", json={"name": "Staff"}, headers=account.key_header)
    assert scrape(client)[("visage_queue_jobs", frozenset({"queue": "training", "state": "queued"}.items()))] == 0
    assert client.post("/face/v1.2/largepersongroups/staff/train", headers=account.key_header).status_code == 202
    queued = scrape(client)
    assert value(queued, "visage_queue_jobs", queue="training", state="queued") == 1
    run_queued_jobs(redis_db)
    done = scrape(client)
    assert value(done, "visage_queue_jobs", queue="training", state="queued") == 0
    assert value(done, "visage_queue_jobs", queue="training", state="finished") == 1
    assert value(done, "visage_queue_jobs", queue="training", state="failed") == 0
