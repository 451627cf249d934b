"""begin_train's poller: polls at the server's Retry-After, ends with the operation, raises when
training failed or the caller's timeout passes."""

from __future__ import annotations

import pytest
import responses
from visage import FaceClient, OperationFailedError, OperationStatus, TrainingPoller
from visage_fakes import BASE, ENDPOINT, FakeClock

OPERATION_URL = f"{BASE}/operations/op-1"


def accepted(http: responses.RequestsMock, location: str | None = OPERATION_URL, retry_after: str | None = "2",
             kind: str = "largepersongroups") -> None:
    headers = {}
    if location is not None:
        headers["operation-Location"] = location
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    http.post(f"{BASE}/{kind}/staff/train", status=202, headers=headers)


def operation(http: responses.RequestsMock, status: str, retry_after: str | None = "3", url: str = OPERATION_URL,
              message: str | None = None) -> None:
    body = {"operationId": "op-1", "status": status, "createdTime": "2026-01-31T09:30:00.000Z", "message": message}
    http.get(url, json=body, headers={"Retry-After": retry_after} if retry_after else {})


def test_result_polls_at_the_servers_retry_after(client: FaceClient, http: responses.RequestsMock,
                                                 clock: FakeClock) -> None:
    accepted(http)
    operation(http, "notStarted", "3")
    operation(http, "running", "4")
    operation(http, "succeeded", None)
    poller = client.large_person_groups.begin_train("staff")
    assert isinstance(poller, TrainingPoller) and poller.operation_id == "op-1"
    result = poller.result()
    assert result.status is OperationStatus.SUCCEEDED and result.operation_id == "op-1"
    assert clock.sleeps == [2.0, 3.0, 4.0]
    assert poller.done() and poller.status() is OperationStatus.SUCCEEDED
    assert len(http.calls) == 4  # no poll after the end


def test_status_and_done_do_not_poll_before_retry_after(client: FaceClient, http: responses.RequestsMock,
                                                        clock: FakeClock) -> None:
    accepted(http, retry_after="5")
    poller = client.large_person_groups.begin_train("staff")
    assert poller.status() is OperationStatus.NOT_STARTED and not poller.done()
    assert len(http.calls) == 1
    clock.now += 5
    operation(http, "running", "1")
    assert poller.status() is OperationStatus.RUNNING
    assert poller.last_result is not None and poller.last_result.status == "running"
    assert not poller.done()  # Retry-After of 1 s has not passed: no new request
    assert len(http.calls) == 2


def test_failed_training_raises_with_the_operation(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, retry_after="0")
    operation(http, "failed", None, message="There is no face in the group.")
    poller = client.large_person_groups.begin_train("staff")
    with pytest.raises(OperationFailedError, match="no face in the group") as caught:
        poller.result()
    assert caught.value.operation.status is OperationStatus.FAILED
    poller.wait()  # wait() does not raise for a failure


def test_result_times_out(client: FaceClient, http: responses.RequestsMock, clock: FakeClock) -> None:
    accepted(http, retry_after="1")
    operation(http, "running", "10")
    poller = client.large_person_groups.begin_train("staff")
    with pytest.raises(TimeoutError, match="still running"):
        poller.result(timeout=5)
    assert clock.sleeps == [1.0]  # it does not sleep past the deadline just to fail


def test_without_retry_after_the_polling_interval_applies(http: responses.RequestsMock, clock: FakeClock) -> None:
    accepted(http, retry_after=None)
    operation(http, "running", None)
    operation(http, "succeeded", None)
    with FaceClient(ENDPOINT, "key", clock=clock, polling_interval=0.25) as client:
        client.large_person_groups.begin_train("staff").result()
        assert clock.sleeps == [0.25, 0.25]


def test_an_operation_location_elsewhere_is_polled_on_our_endpoint(client: FaceClient, http: responses.RequestsMock,
                                                                   clock: FakeClock) -> None:
    accepted(http, location="https://public.example/face/v1.2/operations/op-1", retry_after="0")
    operation(http, "succeeded", None)
    client.large_person_groups.begin_train("staff").result()
    assert http.calls[1].request.url == OPERATION_URL
    assert http.calls[1].request.headers["Ocp-Apim-Subscription-Key"]


def test_without_operation_location_the_training_status_is_polled(client: FaceClient, http: responses.RequestsMock,
                                                                  clock: FakeClock) -> None:
    accepted(http, location=None, retry_after="0", kind="largefacelists")
    http.get(f"{BASE}/largefacelists/staff/training", json={"status": "succeeded", "message": None})
    result = client.large_face_lists.begin_train("staff").result()
    assert result.status is OperationStatus.SUCCEEDED and result.operation_id == ""


def test_person_groups_train_too(client: FaceClient, http: responses.RequestsMock) -> None:
    accepted(http, retry_after="0", kind="persongroups")
    operation(http, "succeeded", None)
    assert client.person_groups.begin_train("staff", polling_interval=0).result().status == "succeeded"


@pytest.mark.parametrize("retry_after", ["0", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_a_retry_after_of_zero_or_in_the_past_does_not_make_the_poller_spin(
        http: responses.RequestsMock, clock: FakeClock, retry_after: str) -> None:
    accepted(http, retry_after=retry_after)
    for _ in range(3):
        operation(http, "running", retry_after)
    operation(http, "succeeded", None)
    with FaceClient(ENDPOINT, "key", clock=clock, polling_interval=0.5) as client:
        client.large_person_groups.begin_train("staff").result()
    assert clock.sleeps == [0.5] * 4  # the polling interval, as when the server says nothing


@pytest.mark.parametrize("retry_after", ["86400000", "1e300"])
def test_a_huge_retry_after_is_waited_for_at_most_a_minute(client: FaceClient, http: responses.RequestsMock,
                                                           clock: FakeClock, retry_after: str) -> None:
    accepted(http, retry_after=retry_after)
    operation(http, "running", retry_after)
    operation(http, "succeeded", None)
    assert client.large_person_groups.begin_train("staff").result().status is OperationStatus.SUCCEEDED
    assert clock.sleeps == [60.0, 60.0]  # not 2.7 years, nor an OverflowError from time.sleep
