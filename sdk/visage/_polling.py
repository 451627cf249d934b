"""Long-running operations answer 202 and a poller: the work runs on the server, the poller watches it.

    poller = client.large_person_groups.begin_train("staff")
    poller.result(timeout=120)      # blocks, polling at the server's Retry-After; raises if failed

    created = client.person_directory.begin_create_person("Ada")
    created.value.person_id         # known at once; created.result() once the write has propagated

`status()` and `done()` ask the server again only once the Retry-After of the previous answer has
passed, so calling them in a loop never polls faster than the server asks.
"""

from __future__ import annotations

from typing import Generic, TypeVar
from urllib.parse import urlsplit

import requests

from visage._decode import decode
from visage._retry import parse_retry_after
from visage._transport import HttpRequest, Transport
from visage.enums import OperationStatus
from visage.exceptions import OperationFailedError
from visage.models import OperationResult, TrainingResult

DEFAULT_POLLING_INTERVAL = 1.0
"""Seconds between polls when the server sends no Retry-After (Azure's SDK waits 30; Visage trains
small groups in well under a second)."""

OPERATION_LOCATION = "operation-Location"

T = TypeVar("T")


class OperationPoller:
    """Watches one long-running operation at its `operation-Location`. `result()` waits for the end;
    `status()`/`done()` look without waiting."""

    what = "operation"
    """What the operation is, in messages."""

    def __init__(self, transport: Transport, accepted: requests.Response, *, training_url: str | None = None,
                 polling_interval: float = DEFAULT_POLLING_INTERVAL) -> None:
        self._transport = transport
        self._clock = transport.clock
        self._interval = polling_interval
        self._training_url = training_url
        location = accepted.headers.get(OPERATION_LOCATION)
        self._operation_id = _last_segment(location) if location else None
        self._poll_url = self._choose_poll_url(location)
        self._status = OperationStatus.NOT_STARTED
        self._last: OperationResult | None = None
        self._next_poll = self._clock.monotonic() + self._wait_after(accepted)

    @property
    def operation_id(self) -> str | None:
        """The operation's id, from the `operation-Location` header."""
        return self._operation_id

    @property
    def last_result(self) -> OperationResult | None:
        """The last status read from the server (None before the first poll)."""
        return self._last

    def status(self) -> OperationStatus:
        """The status, asking the server again if its Retry-After has passed."""
        self._poll_if_due()
        return self._status

    def done(self) -> bool:
        """Whether the operation has ended (succeeded or failed)."""
        self._poll_if_due()
        return self._status.terminal

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the end without raising when it failed; `TimeoutError` after `timeout` seconds."""
        deadline = None if timeout is None else self._clock.monotonic() + timeout
        while not self.done():
            pause = max(0.0, self._next_poll - self._clock.monotonic())
            if deadline is not None and self._clock.monotonic() + pause > deadline:
                raise TimeoutError(
                    f"{self.what} still {self._status.value} after {timeout} seconds (operation {self._operation_id})"
                )
            self._clock.sleep(pause)

    def result(self, timeout: float | None = None) -> OperationResult:
        """Wait for the end and return the final status; `OperationFailedError` if it failed,
        `TimeoutError` if it has not ended after `timeout` seconds."""
        self.wait(timeout)
        assert self._last is not None
        if self._status is OperationStatus.FAILED:
            raise OperationFailedError(
                f"{self.what.capitalize()} failed: {self._last.message or 'the server gave no reason'}",
                operation=self._last,
            )
        return self._last

    def _choose_poll_url(self, location: str | None) -> str:
        if not location:
            if self._training_url is None:
                raise OperationFailedError(f"The server accepted the {self.what} without an operation-Location "
                                           "to poll", operation=None)
            return self._training_url
        if self._transport.same_origin(location):
            return location
        # Another origin (a proxy's public URL, say): never send the key there; ask our endpoint.
        return f"operations/{self._operation_id}"

    def _wait_after(self, response: requests.Response) -> float:
        asked = parse_retry_after(response.headers)
        return self._interval if asked is None else asked

    def _poll_if_due(self) -> None:
        if self._status.terminal or self._clock.monotonic() < self._next_poll:
            return
        response = self._transport.send(HttpRequest("GET", self._poll_url))
        if self._training_url is not None and self._poll_url == self._training_url:
            training = decode(TrainingResult, response)
            self._last = OperationResult(
                operation_id=self._operation_id or "", status=training.status,
                created_time=training.created_date_time, last_action_time=training.last_action_date_time,
                message=training.message, extra=training.extra,
            )
        else:
            self._last = decode(OperationResult, response)
        self._status = self._last.status
        self._next_poll = self._clock.monotonic() + self._wait_after(response)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} operation={self._operation_id} status={self._status.value}>"


class TrainingPoller(OperationPoller):
    """Watches one training; without an `operation-Location` it polls the collection's `training`."""

    what = "training"

    def __init__(self, transport: Transport, accepted: requests.Response, *, training_url: str,
                 polling_interval: float = DEFAULT_POLLING_INTERVAL) -> None:
        super().__init__(transport, accepted, training_url=training_url, polling_interval=polling_interval)


class DirectoryPoller(Generic[T]):
    """A PersonDirectory write the server accepted (202). `value` is what the answer carried at once
    (the new person's or face's id, or None); `result()` waits until the write has propagated (the
    operation succeeded) and returns it. Visage completes these writes before it answers, so the
    first poll ends it."""

    def __init__(self, operation: OperationPoller, value: T) -> None:
        self.operation = operation
        self.value = value

    @property
    def operation_id(self) -> str | None:
        return self.operation.operation_id

    def status(self) -> OperationStatus:
        return self.operation.status()

    def done(self) -> bool:
        return self.operation.done()

    def result(self, timeout: float | None = None) -> T:
        """`value`, once the operation succeeded; `OperationFailedError` if it failed, `TimeoutError`
        if it has not ended after `timeout` seconds."""
        self.operation.result(timeout)
        return self.value

    def __repr__(self) -> str:
        return f"<DirectoryPoller operation={self.operation_id} value={self.value!r}>"


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
