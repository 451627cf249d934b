"""The SDK's retry rules, proved against `visage up` with the operator's fault injection: 429 and
503 are retried after exactly the Retry-After the server sends, an unsafe POST is never repeated
after a 503, and a 500 is not retried."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sdk_live import Account, open_account
from visage import AdminClient, FaceClient, RateLimitError, RetryPolicy, ServiceError
from visage.models import Fault

from tests.support.faces import photo
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow

PHOTO = photo("people/obama/obama_small.jpg")


class RecordingClock:
    """Real time, with every wait the SDK chose written down."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def admin(live: LiveVisage) -> Iterator[AdminClient]:
    with AdminClient(live.endpoint, live.admin_token) as client:
        yield client


@pytest.fixture
def resilient(live: LiveVisage, admin: AdminClient) -> Iterator[Account]:
    """An account of its own (faults aimed at it hit no other test), its faults removed afterwards."""
    account = open_account(live.endpoint)
    yield account
    for fault in admin.list_faults():
        if fault.tenant_id == account.tenant_id:
            admin.delete_fault(fault.fault_id)


def aim(admin: AdminClient, account: Account, **fault: Any) -> Fault:
    return admin.add_fault(tenant_id=account.tenant_id, deployment=account.deployment, **fault)


def hits_left(admin: AdminClient, fault: Fault) -> int | None:
    """The fault's hits left, or None once it is gone (its last hit removes it)."""
    return next((each.count for each in admin.list_faults() if each.fault_id == fault.fault_id), None)


def test_429_is_retried_after_the_servers_retry_after_even_for_a_post(admin: AdminClient,
                                                                      resilient: Account) -> None:
    fault = aim(admin, resilient, operation="detect", status=429, count=2, retry_after=1)
    clock = RecordingClock()
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock) as client:
        faces = client.detect(PHOTO.file)
    assert len(faces) == PHOTO.faces
    assert clock.sleeps == [1.0, 1.0]
    assert hits_left(admin, fault) is None  # both injected answers were seen, then the call went through


def test_503_on_a_get_is_retried_after_the_servers_retry_after(admin: AdminClient, resilient: Account) -> None:
    fault = aim(admin, resilient, operation="getLargePersonGroups", status=503, count=1, retry_after=2)
    clock = RecordingClock()
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock) as client:
        assert list(client.large_person_groups.list()) == []
    assert clock.sleeps == [2.0]
    assert hits_left(admin, fault) is None


def test_503_on_a_put_is_retried_since_repeating_it_has_one_effect(admin: AdminClient, resilient: Account) -> None:
    aim(admin, resilient, operation="createLargePersonGroup", status=503, count=1)
    clock = RecordingClock()
    group_id = f"sdk-{uuid.uuid4().hex[:8]}"
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock) as client:
        client.large_person_groups.create(group_id, "Resilient")
        assert client.large_person_groups.get(group_id).name == "Resilient"
    assert clock.sleeps == [1.0]


def test_an_unsafe_post_is_never_repeated_after_a_503(admin: AdminClient, resilient: Account) -> None:
    group_id = f"sdk-{uuid.uuid4().hex[:8]}"
    clock = RecordingClock()
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock) as client:
        client.large_person_groups.create(group_id, "Unsafe")
        fault = aim(admin, resilient, operation="createLargePersonGroupPerson", status=503, count=2)
        with pytest.raises(ServiceError) as failed:
            client.large_person_groups.persons.create(group_id, "Once")
        assert failed.value.status == 503 and failed.value.attempts == 1
        assert clock.sleeps == []
        assert hits_left(admin, fault) == 1  # the server saw the POST once
        assert list(client.large_person_groups.persons.list(group_id)) == []  # and it changed nothing


def test_a_500_is_not_retried(admin: AdminClient, resilient: Account) -> None:
    aim(admin, resilient, operation="getLargePersonGroups", status=500, count=3)
    clock = RecordingClock()
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock) as client, \
            pytest.raises(ServiceError) as failed:
        list(client.large_person_groups.list())
    assert failed.value.status == 500 and failed.value.code == "InternalServerError" and failed.value.attempts == 1
    assert clock.sleeps == []


def test_a_retry_after_longer_than_the_policy_allows_raises_at_once(admin: AdminClient,
                                                                     resilient: Account) -> None:
    aim(admin, resilient, operation="getLargePersonGroups", status=429, retry_after=120)
    clock = RecordingClock()
    with FaceClient(resilient.endpoint, resilient.key1, clock=clock,
                    retry=RetryPolicy(max_retry_after=60)) as client, pytest.raises(RateLimitError) as throttled:
        list(client.large_person_groups.list())
    assert throttled.value.retry_after == 120 and throttled.value.attempts == 1
    assert clock.sleeps == []


def test_a_slow_answer_is_waited_for_within_the_timeout(admin: AdminClient, resilient: Account) -> None:
    aim(admin, resilient, operation="getLargePersonGroups", status=None, latency_ms=400, count=1)
    with FaceClient(resilient.endpoint, resilient.key1) as client:
        started = time.monotonic()
        assert list(client.large_person_groups.list()) == []
        assert time.monotonic() - started >= 0.4


def test_faults_are_listed_and_deleted_through_the_sdk(admin: AdminClient, resilient: Account) -> None:
    fault = aim(admin, resilient, operation="identify", status=503, probability=0.5, count=4, retry_after=3)
    listed = next(each for each in admin.list_faults() if each.fault_id == fault.fault_id)
    assert (listed.operation, listed.status, listed.probability, listed.count, listed.retry_after) == (
        "identify", 503, 0.5, 4, 3)
    assert listed.tenant_id == resilient.tenant_id and listed.deployment == resilient.deployment
    admin.delete_fault(fault.fault_id)
    assert hits_left(admin, fault) is None
