"""What Visage measures for `GET /metrics` (Prometheus text format, prometheus-client): the metrics,
how they are counted, and the text a scrape answers.

Requests and policy decisions are counted where they happen, in the process that serves them.
Under gunicorn every API process writes its samples to files in `PROMETHEUS_MULTIPROC_DIR` (the
WSGI entry, server/wsgi.py, makes one when it is not set), and a scrape, served by any process,
adds up every process's files. Without the variable (tests, `flask run`) a scrape reads this
process alone. Queue depths and job outcomes are not counted at all: a scrape reads them from RQ's
queues and registries in Redis, so they cover every worker on every host.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis import Redis

from server import defaults
from server.metrics_directory import VARIABLE
from server.store.queues import job_counts

MULTIPROCESS_DIR_VARIABLE = VARIABLE

REQUESTS = Counter("visage_http_requests", "HTTP requests answered, by operationId and status.",
                   ["operation", "status"])
LATENCY = Histogram("visage_http_request_duration_seconds", "Time to answer an HTTP request, by operationId and "
                    "status.", ["operation", "status"], buckets=defaults.LATENCY_BUCKETS_SECONDS)
POLICY_DECISIONS = Counter("visage_policy_decisions", "Terms-of-use decisions of data-plane calls, by "
                           "outcome (allowed, refused), clause (or refusal code; none when allowed) and operation "
                           "class.", ["outcome", "clause", "operation"])

CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_request(operation: str, status: int, seconds: float) -> None:
    REQUESTS.labels(operation, str(status)).inc()
    LATENCY.labels(operation, str(status)).observe(seconds)


def count_policy_decision(allowed: bool, clause: str | None, operation: str) -> None:
    POLICY_DECISIONS.labels("allowed" if allowed else "refused", clause or "none", operation).inc()


class QueueCollector(Collector):
    """RQ's queue depths and job registries, read from Redis when scraped."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("visage_queue_jobs", "RQ jobs per queue and state: queued (the queue's depth), "
                                 "started (running), deferred, scheduled, and the recent outcomes finished, failed "
                                 "and canceled (kept as long as RQ keeps their results).", labels=["queue", "state"])
        for (queue, state), count in job_counts(self.redis).items():
            jobs.add_metric([queue, state], count)
        yield jobs


def render(redis: Redis) -> bytes:
    """Every metric, in Prometheus text format, across every API process when under gunicorn."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(QueueCollector(redis))
    return generate_latest(registry)


class _ProcessMetrics(Collector):
    """This process's own counters (and the default process and platform metrics), when there is no
    multiprocess directory to read."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
