"""When to retry and how long to wait: small pure functions, so the rules are testable alone.

The rules (README "Retries" says the same):
- A connection that never reached the server (refused, DNS failure, connect timeout) is retried for
  every method: the server did nothing.
- A connection that broke after the request was sent, or a read timeout, is retried only for GET,
  PUT, PATCH and DELETE. A POST is not: Visage makes no POST idempotent, so it may have happened.
- 429 is retried for every method: the server refuses before doing any work.
- 503 is retried for GET, PUT, PATCH and DELETE.
- Nothing else is retried: never a 403 (a refusal stays a refusal), never a 4xx.
- The wait is the server's Retry-After when it sends one (when it asks for longer than
  `max_retry_after`, the SDK gives up at once and raises, rather than block); otherwise a capped
  exponential backoff with jitter.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
"""Methods whose repetition has the effect of one call (a repeated PUT may answer 409, see
`VisageError.earlier_attempt_uncertain`)."""

RETRY_AFTER_MS_HEADERS = ("retry-after-ms", "x-ms-retry-after-ms")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a client retries. `RetryPolicy(max_retries=0)` turns retries off."""

    max_retries: int = 3
    """Retries after the first attempt (so at most max_retries + 1 attempts)."""
    backoff_initial: float = 0.5
    """Seconds before the first retry when the server gives no Retry-After; doubles each retry."""
    backoff_max: float = 8.0
    """Cap on the backoff between two attempts."""
    jitter: float = 0.5
    """Fraction of the backoff taken off at random (0 = none), so that clients spread out."""
    max_retry_after: float = 60.0
    """A Retry-After longer than this is not waited for: the error is raised at once."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if self.backoff_initial < 0 or self.backoff_max < 0 or self.max_retry_after < 0:
            raise ValueError("backoff_initial, backoff_max and max_retry_after must be 0 or more")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a fraction between 0 and 1")


class Failure(enum.Enum):
    """How an attempt failed without an HTTP answer."""

    NOT_SENT = "not_sent"
    """The connection was never established: the server surely did nothing."""
    MAYBE_SENT = "maybe_sent"
    """The connection broke or timed out after the request may have been sent."""
    FATAL = "fatal"
    """Retrying cannot help (a TLS failure, an invalid URL, too many redirects)."""


def backoff_delay(policy: RetryPolicy, retry: int, rand: Callable[[], float]) -> float:
    """Seconds before retry number `retry` (1-based): capped exponential, minus random jitter."""
    delay = min(policy.backoff_max, policy.backoff_initial * 2.0 ** (retry - 1))
    return delay * (1 - policy.jitter * rand())


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, or `Retry-After` (seconds or HTTP date)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in RETRY_AFTER_MS_HEADERS:
        if (raw := lowered.get(name)) is not None:
            seconds = _number(raw)
            if seconds is not None:
                return seconds / 1000
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return max(0.0, value) if math.isfinite(value) else None


def retry_delay(
    policy: RetryPolicy,
    *,
    method: str,
    retries_done: int,
    status: int | None = None,
    failure: Failure | None = None,
    headers: Mapping[str, str] | None = None,
    rand: Callable[[], float],
) -> float | None:
    """Seconds to wait before retrying, or None when the call must not be retried."""
    if retries_done >= policy.max_retries:
        return None
    idempotent = method.upper() in IDEMPOTENT_METHODS
    retry = retries_done + 1
    if failure is not None:
        if failure is Failure.NOT_SENT or (failure is Failure.MAYBE_SENT and idempotent):
            return backoff_delay(policy, retry, rand)
        return None
    if status == 429 or (status == 503 and idempotent):
        asked = parse_retry_after(headers or {})
        if asked is None:
            return backoff_delay(policy, retry, rand)
        return asked if asked <= policy.max_retry_after else None
    return None
