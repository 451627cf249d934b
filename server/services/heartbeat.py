"""A heartbeat renewed from a thread while a worker runs a long job, so that a job whose worker
died can be told from one still running."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from server.domain.clock import now


class Heartbeat:
    def __init__(self, beat: Callable[[datetime], object], seconds: float, *, name: str = "heartbeat") -> None:
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, args=(beat, seconds), daemon=True, name=name)
        self.thread.start()

    def _loop(self, beat: Callable[[datetime], object], seconds: float) -> None:
        while not self.stopped.wait(seconds):
            beat(now())

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
