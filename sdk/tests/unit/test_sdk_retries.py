"""The retry rules: what is retried, how long the SDK waits, and what it never retries."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
import responses
from visage import (
    APIConnectionError,
    APITimeoutError,
    ConflictError,
    FaceClient,
    ManagementClient,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServiceError,
)
from visage._retry import Failure, backoff_delay, parse_retry_after, retry_delay
from visage_fakes import BASE, ENDPOINT, FakeClock, error_body

POLICY = RetryPolicy(jitter=0.0)


def rate_limited(seconds: str = "2") -> responses.Response:
    return responses.Response("POST", f"{BASE}/detect", status=429, json=error_body("429", "Rate limit is exceeded."),
                              headers={"Retry-After": seconds})


def test_429_is_retried_after_the_servers_retry_after_even_for_post(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    http.add(rate_limited("2"))
    http.add(rate_limited("3"))
    http.post(f"{BASE}/detect", json=[])
    assert client.detect(b"x") == []
    assert clock.sleeps == [2.0, 3.0]
    assert len(http.calls) == 3


def test_every_attempt_of_a_call_has_the_same_client_request_id(
        client: FaceClient, http: responses.RequestsMock) -> None:
    http.add(rate_limited("1"))
    http.post(f"{BASE}/detect", json=[])
    client.detect(b"x")
    ids = {call.request.headers["x-ms-client-request-id"] for call in http.calls}
    assert len(ids) == 1


def test_a_retry_after_longer_than_the_cap_is_raised_at_once(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    http.add(rate_limited("3600"))
    with pytest.raises(RateLimitError) as caught:
        client.detect(b"x")
    assert caught.value.retry_after == 3600.0
    assert clock.sleeps == [] and caught.value.attempts == 1


def test_retries_stop_after_max_retries(http: responses.RequestsMock, clock: FakeClock) -> None:
    for _ in range(3):
        http.add(rate_limited("1"))
    with FaceClient(ENDPOINT, "key", retry=RetryPolicy(max_retries=2), clock=clock) as client:
        with pytest.raises(RateLimitError) as caught:
            client.detect(b"x")
    assert caught.value.attempts == 3 and clock.sleeps == [1.0, 1.0]


def test_503_is_retried_with_exponential_backoff_for_get(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    for _ in range(3):
        http.get(f"{BASE}/largepersongroups/g/training", status=503, json=error_body("ServiceUnavailable"))
    http.get(f"{BASE}/largepersongroups/g/training", json={"status": "succeeded"})
    assert client.large_person_groups.get_training_status("g").status == "succeeded"
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_503_honours_retry_after(client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    http.get(f"{BASE}/largepersongroups/g", status=503, headers={"Retry-After": "4"})
    http.get(f"{BASE}/largepersongroups/g", json={"largePersonGroupId": "g", "name": "G"})
    client.large_person_groups.get("g")
    assert clock.sleeps == [4.0]


def test_503_is_not_retried_for_post(client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    http.post(f"{BASE}/largepersongroups/g/persons", status=503, json=error_body("ServiceUnavailable"))
    with pytest.raises(ServiceError):
        client.large_person_groups.persons.create("g", "Ada")
    assert clock.sleeps == [] and len(http.calls) == 1


@pytest.mark.parametrize("code", ["TermsOfUseViolation", "UnsupportedFeature"])
def test_a_refusal_is_never_retried(client: FaceClient, http: responses.RequestsMock, clock: FakeClock,
                                    code: str) -> None:
    http.get(f"{BASE}/largepersongroups/g", status=403, json=error_body(code), headers={"Retry-After": "1"})
    with pytest.raises(PermissionDeniedError):
        client.large_person_groups.get("g")
    assert clock.sleeps == [] and len(http.calls) == 1


def test_a_put_retried_after_503_that_then_conflicts_says_so(
        client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    http.put(f"{BASE}/largepersongroups/g", status=503)
    http.put(f"{BASE}/largepersongroups/g", status=409,
             json=error_body("LargePersonGroupExists", "Large person group already exists."))
    with pytest.raises(ConflictError) as caught:
        client.large_person_groups.create("g", "G")
    assert caught.value.earlier_attempt_uncertain and caught.value.attempts == 2
    assert any("earlier attempt" in note for note in caught.value.__notes__)


def test_a_plain_conflict_is_not_marked_uncertain(client: FaceClient, http: responses.RequestsMock) -> None:
    http.put(f"{BASE}/largepersongroups/g", status=409, json=error_body("LargePersonGroupExists"))
    with pytest.raises(ConflictError) as caught:
        client.large_person_groups.create("g", "G")
    assert not caught.value.earlier_attempt_uncertain


def test_a_post_that_never_connected_is_retried(client: FaceClient, http: responses.RequestsMock,
                                                clock: FakeClock) -> None:
    http.post(f"{BASE}/verify", body=requests.exceptions.ConnectTimeout("connect timed out"))
    http.post(f"{BASE}/verify", json={"isIdentical": True, "confidence": 0.9})
    assert client.verify_face_to_face("a", "b").is_identical
    assert clock.sleeps == [0.5]


def test_a_post_that_may_have_been_sent_is_not_retried(client: FaceClient, http: responses.RequestsMock,
                                                       clock: FakeClock) -> None:
    http.post(f"{BASE}/largepersongroups/g/train", body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(APITimeoutError) as caught:
        client.large_person_groups.begin_train("g")
    assert caught.value.request_sent and clock.sleeps == []


def test_a_get_that_timed_out_is_retried_then_raises(client: FaceClient, http: responses.RequestsMock,
                                                     clock: FakeClock) -> None:
    for _ in range(4):
        http.get(f"{BASE}/largepersongroups/g", body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(APITimeoutError) as caught:
        client.large_person_groups.get("g")
    assert caught.value.attempts == 4 and clock.sleeps == [0.5, 1.0, 2.0]
    assert caught.value.earlier_attempt_uncertain


def test_a_broken_connection_on_delete_is_retried(client: FaceClient, http: responses.RequestsMock,
                                                  clock: FakeClock) -> None:
    http.delete(f"{BASE}/largepersongroups/g", body=requests.exceptions.ConnectionError("connection reset"))
    http.delete(f"{BASE}/largepersongroups/g")
    client.large_person_groups.delete("g")
    assert clock.sleeps == [0.5]


def test_a_refused_connection_is_retried_even_for_post(clock: FakeClock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    with ManagementClient(f"http://127.0.0.1:{port}", retry=POLICY, clock=clock, timeout=2) as management:
        with pytest.raises(APIConnectionError) as caught:
            management.sign_up(organization="Contoso", email="a@contoso.example", customer_type="commercial",
                               country="GB", use_cases=["identity_verification"], accept_terms=True)
    assert not caught.value.request_sent
    assert caught.value.attempts == 4 and clock.sleeps == [0.5, 1.0, 2.0]


def test_no_retries_policy(http: responses.RequestsMock, clock: FakeClock) -> None:
    http.add(rate_limited("1"))
    with FaceClient(ENDPOINT, "key", retry=RetryPolicy(max_retries=0), clock=clock) as client:
        with pytest.raises(RateLimitError):
            client.detect(b"x")
    assert clock.sleeps == []


# The pure rules


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=3.0, jitter=0.5)
    assert [backoff_delay(policy, n, lambda: 0.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert [backoff_delay(policy, n, lambda: 1.0) for n in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.5]


@pytest.mark.parametrize(("method", "failure", "retried"), [
    ("POST", Failure.NOT_SENT, True),
    ("POST", Failure.MAYBE_SENT, False),
    ("POST", Failure.FATAL, False),
    ("GET", Failure.MAYBE_SENT, True),
    ("PUT", Failure.MAYBE_SENT, True),
    ("PATCH", Failure.MAYBE_SENT, True),
    ("DELETE", Failure.MAYBE_SENT, True),
    ("GET", Failure.FATAL, False),
])
def test_failures_without_an_answer(method: str, failure: Failure, retried: bool) -> None:
    wait = retry_delay(POLICY, method=method, retries_done=0, failure=failure, rand=lambda: 0.0)
    assert (wait is not None) is retried


@pytest.mark.parametrize(("method", "status", "retried"), [
    ("POST", 429, True), ("GET", 429, True), ("GET", 503, True), ("DELETE", 503, True), ("POST", 503, False),
    ("GET", 500, False), ("GET", 403, False), ("GET", 401, False), ("PUT", 409, False), ("GET", 404, False),
])
def test_statuses(method: str, status: int, retried: bool) -> None:
    wait = retry_delay(POLICY, method=method, retries_done=0, status=status, headers={}, rand=lambda: 0.0)
    assert (wait is not None) is retried


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "Retry-After": "9"}) == 0.25
    assert parse_retry_after({"x-ms-retry-after-ms": "1000"}) == 1.0
    assert parse_retry_after({"Retry-After": format_datetime(now + timedelta(seconds=30), usegmt=True)},
                             now=now) == 30.0
    assert parse_retry_after({"Retry-After": format_datetime(now - timedelta(seconds=30), usegmt=True)},
                             now=now) == 0.0
    assert parse_retry_after({"Retry-After": "-3"}) == 0.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_policy_checks_its_values() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=2)
