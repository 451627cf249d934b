"""A gunicorn config module (`--config python:tests.support.skewed_clock`) that sets the host's
clock off by $VISAGE_TEST_CLOCK_SKEW_SECONDS: `time.time()` and `datetime.now()` of the master and
of every worker it forks, as on a host whose NTP is broken. gunicorn's Date header shows it."""

from __future__ import annotations

import datetime
import os
import time
from typing import Any

SKEW_SECONDS = float(os.environ.get("VISAGE_TEST_CLOCK_SKEW_SECONDS", "0"))

_real_time = time.time


def _skewed_time() -> float:
    return _real_time() + SKEW_SECONDS


class _SkewedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return super().now(tz) + datetime.timedelta(seconds=SKEW_SECONDS)

    @classmethod
    def utcnow(cls) -> Any:
        return cls.now(datetime.UTC).replace(tzinfo=None)


time.time = _skewed_time
datetime.datetime = _SkewedDatetime  # type: ignore[misc]  # modules imported from now on see this clock
