"""`begin_` methods answer with a poller: the work runs on the server, the poller watches it.

    poller = client.large_person_groups.begin_train("staff")
    poller.result(timeout=120)      # blocks, polling at the server's Retry-After; raises if failed

    poller = client.begin_redact(Path("clip.mp4"), progress=lambda job: print(job.percent_complete))
    poller.download("clip-redacted.mp4")

    created = client.person_directory.begin_create_person("Ada")
    created.value.person_id         # known at once; created.result() once the write has propagated

`status()` and `done()` ask the server again only once the Retry-After of the previous answer has
passed, so calling them in a loop never polls faster than the server asks. `OperationPoller` (training,
PersonDirectory writes) and `RedactionPoller` share that machinery (`_Poller`); each says where it
polls and what it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit

import requests

from visage._decode import decode
from visage._media_requests import Destination, build_download_redaction_request, write_download
from visage._retry import parse_retry_after
from visage._transport import HttpRequest, Transport
from visage.enums import OperationStatus
from visage.exceptions import OperationFailedError
from visage.models import OperationResult, RedactionJob, TrainingResult

DEFAULT_POLLING_INTERVAL = 1.0
"""Seconds between polls when the server sends no Retry-After (Azure's SDK waits 30; Visage trains
small groups in well under a second)."""

MAX_POLLING_WAIT = 60.0
"""Seconds a poller waits at most between two polls, whatever Retry-After says: polling early costs one GET,
while a Retry-After of days would block `result()` (and one of 1e300 makes `time.sleep` overflow)."""

OPERATION_LOCATION = "operation-Location"

R = TypeVar("R")
T = TypeVar("T")


class _Poller(Generic[R]):
    """Polls one long-running operation at the server's Retry-After (else `polling_interval`)."""

    _what = "operation"

    def __init__(self, transport: Transport, accepted: requests.Response, *, polling_interval: float) -> None:
        self._transport = transport
        self._clock = transport.clock
        self._interval = polling_interval
        self._status = OperationStatus.NOT_STARTED
        self._last: R | None = None
        self._next_poll = self._clock.monotonic() + self._wait_after(accepted)

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
                raise TimeoutError(f"{self._what} still {self._status.value} after {timeout} seconds "
                                   f"({self._describe()})")
            self._clock.sleep(pause)

    def _wait_after(self, response: requests.Response) -> float:
        """The server's Retry-After, at most `MAX_POLLING_WAIT`; `polling_interval` when it gives none, or one
        of 0 or in the past (as Azure's SDK does), which would otherwise poll back to back."""
        asked = parse_retry_after(response.headers)
        return self._interval if not asked else min(asked, MAX_POLLING_WAIT)

    def _poll_if_due(self) -> None:
        if self._status.terminal or self._clock.monotonic() < self._next_poll:
            return
        response = self._transport.send(HttpRequest("GET", self._poll_url()))
        self._last = self._read(response)
        self._status = self._status_of(self._last)
        self._next_poll = self._clock.monotonic() + self._wait_after(response)
        self._observed(self._last)

    def _poll_url(self) -> str:
        raise NotImplementedError

    def _read(self, response: requests.Response) -> R:
        raise NotImplementedError

    def _status_of(self, answer: R) -> OperationStatus:
        raise NotImplementedError

    def _describe(self) -> str:
        raise NotImplementedError

    def _observed(self, answer: R) -> None:
        """Called with each answer read."""


class OperationPoller(_Poller[OperationResult]):
    """Watches one long-running operation at its `operation-Location`. `result()` waits for the end;
    `status()`/`done()` look without waiting."""

    _what = "operation"

    def __init__(self, transport: Transport, accepted: requests.Response, *, training_url: str | None = None,
                 polling_interval: float = DEFAULT_POLLING_INTERVAL) -> None:
        super().__init__(transport, accepted, polling_interval=polling_interval)
        self._training_url = training_url
        location = accepted.headers.get(OPERATION_LOCATION)
        self._operation_id = _last_segment(location) if location else None
        self._url = self._choose_poll_url(location)

    @property
    def operation_id(self) -> str | None:
        """The operation's id, from the `operation-Location` header."""
        return self._operation_id

    @property
    def last_result(self) -> OperationResult | None:
        """The last status read from the server (None before the first poll)."""
        return self._last

    def result(self, timeout: float | None = None) -> OperationResult:
        """Wait for the end and return the final status; `OperationFailedError` if it failed,
        `TimeoutError` if it has not ended after `timeout` seconds."""
        self.wait(timeout)
        assert self._last is not None
        if self._status is OperationStatus.FAILED:
            raise OperationFailedError(
                f"{self._what.capitalize()} failed: {self._last.message or 'the server gave no reason'}",
                operation=self._last,
            )
        return self._last

    def _choose_poll_url(self, location: str | None) -> str:
        if not location:
            if self._training_url is None:
                raise OperationFailedError(f"The server accepted the {self._what} without an operation-Location "
                                           "to poll", operation=None)
            return self._training_url
        if self._transport.same_origin(location):
            return location
        # Another origin (a proxy's public URL, say): never send the key there; ask our endpoint.
        return f"operations/{self._operation_id}"

    def _poll_url(self) -> str:
        return self._url

    def _read(self, response: requests.Response) -> OperationResult:
        if self._url != self._training_url:
            return decode(OperationResult, response)
        training = decode(TrainingResult, response)
        return OperationResult(
            operation_id=self._operation_id or "", status=training.status,
            created_time=training.created_date_time, last_action_time=training.last_action_date_time,
            message=training.message, extra=training.extra,
        )

    def _status_of(self, answer: OperationResult) -> OperationStatus:
        return answer.status

    def _describe(self) -> str:
        return f"operation {self._operation_id}"

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


class RedactionPoller(_Poller[RedactionJob]):
    """Watches one redaction. `progress(job)` is called with the job as created and each time its
    status or `percent_complete` changes; `result()` waits for the end; `download(...)` waits and
    then writes the redacted file."""

    _what = "redaction"

    def __init__(self, transport: Transport, accepted: requests.Response, *, job_url: Callable[[str], str],
                 polling_interval: float = DEFAULT_POLLING_INTERVAL,
                 progress: Callable[[RedactionJob], object] | None = None) -> None:
        super().__init__(transport, accepted, polling_interval=polling_interval)
        self._progress = progress
        job = decode(RedactionJob, accepted)
        location = accepted.headers.get(OPERATION_LOCATION)
        # Operation-Location on another origin (a proxy's public URL): never send the key there.
        self._url = location if location and transport.same_origin(location) else job_url(job.redaction_id)
        self._job_url = job_url
        self._last, self._status = job, job.status
        self._shown: tuple[OperationStatus, int] | None = None
        self._observed(job)

    @property
    def redaction_id(self) -> str:
        assert self._last is not None
        return self._last.redaction_id

    @property
    def last_result(self) -> RedactionJob:
        """The job as last read (as created, before the first poll)."""
        assert self._last is not None
        return self._last

    def result(self, timeout: float | None = None) -> RedactionJob:
        """Wait for the end and return the job, with what it found; `OperationFailedError` if it
        failed, `TimeoutError` if it has not ended after `timeout` seconds."""
        self.wait(timeout)
        job = self.last_result
        if self._status is OperationStatus.FAILED:
            reason = f"{job.error.code}: {job.error.message}" if job.error else "the server gave no reason"
            raise OperationFailedError(f"Redaction failed: {reason}", operation=job)
        return job

    def download(self, destination: Destination, *, timeout: float | None = None) -> Path | None:
        """Wait for success, then write the redacted file to `destination` (a path, replaced only
        once it is complete, or a binary file object); returns the path written, if one. A job that
        wrote its result to S3 has nothing to download (`NotFoundError`)."""
        job = self.result(timeout)
        return write_download(self._transport.send(build_download_redaction_request(
            self._job_url(job.redaction_id))), destination)

    def _poll_url(self) -> str:
        return self._url

    def _read(self, response: requests.Response) -> RedactionJob:
        return decode(RedactionJob, response)

    def _status_of(self, answer: RedactionJob) -> OperationStatus:
        return answer.status

    def _describe(self) -> str:
        return f"redaction {self.redaction_id}, {self.last_result.percent_complete}% done"

    def _observed(self, answer: RedactionJob) -> None:
        seen = (answer.status, answer.percent_complete)
        if self._progress is not None and seen != self._shown:
            self._shown = seen
            self._progress(answer)

    def __repr__(self) -> str:
        return f"<RedactionPoller redaction={self.redaction_id} status={self._status.value}>"


def _last_segment(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
