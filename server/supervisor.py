"""Keeps the processes of `visage up` running: a child that dies is restarted after a back-off, and
only a stop request (Ctrl-C, SIGTERM) ends them all.

Each child runs in its own session, so a Ctrl-C in the terminal reaches only the supervisor, which
then stops the children in the order given. On Linux the supervisor is also the subreaper of
everything below it: a process orphaned by a killed child (an RQ work horse whose worker was killed)
is reaped here and stopped with the rest, and every child gets SIGTERM if the supervisor itself dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import IO

log = logging.getLogger("visage.up")

FIRST_RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 30.0
"""A child that keeps dying is restarted after 1, 2, 4, ... seconds, at most this long apart."""

STABLE_AFTER_SECONDS = 60.0
"""A child that ran this long before dying had recovered: its next restart waits the first delay again."""

STOP_GRACE_SECONDS = 15.0
"""How long children get to finish after SIGTERM before they are killed."""

_LINUX = sys.platform.startswith("linux")
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True) if _LINUX else None


def restart_delay(consecutive_failures: int) -> float:
    """Seconds to wait before the n-th restart in a row of a child that keeps dying (n >= 1)."""
    exponent = max(0, consecutive_failures - 1)
    return min(MAX_RESTART_DELAY_SECONDS, FIRST_RESTART_DELAY_SECONDS * 2.0 ** min(exponent, 16))


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


@dataclasses.dataclass
class Program:
    """What to run, and how to run it again."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_file: Path | None = None
    pass_fds: tuple[int, ...] = ()
    before_restart: Callable[[], None] | None = None
    """Called before the program is started again (it may, for example, warn that data was lost)."""


@dataclasses.dataclass
class Child:
    program: Program
    process: subprocess.Popen[bytes]
    started_at: float
    failures_in_a_row: int = 0
    restarts: int = 0
    restart_at: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid


class Supervisor:
    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stop_requested = threading.Event()
        self.force_requested = threading.Event()
        if _LINUX:
            _prctl(_PR_SET_CHILD_SUBREAPER, 1)

    # -- signals -------------------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        """First Ctrl-C, SIGTERM or SIGHUP (its terminal closed): stop gracefully. A second one: kill
        everything now. A SIGHUP ignored on purpose (nohup) stays ignored."""

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if self.stop_requested.is_set():
                self.force_requested.set()
                self._kill_all()
            self.stop_requested.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, on_signal)

    def wait(self, seconds: float) -> bool:
        """Sleep until a stop is requested or the time is up; whether a stop was requested."""
        return self.stop_requested.wait(seconds)

    # -- starting and restarting -------------------------------------------------------------------

    def start(self, program: Program) -> Child:
        child = Child(program, self._spawn(program), time.monotonic())
        self.children.append(child)
        return child

    def first_exit(self) -> Child | None:
        """A child that has exited, if any (while starting up, when an exit means a broken setup)."""
        return next((child for child in self.children if child.process.poll() is not None), None)

    def keep_running(self) -> None:
        """Restart every child that died, after its back-off; reap orphans. Call it regularly."""
        moment = time.monotonic()
        for child in self.children:
            if child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    continue
                ran = moment - child.started_at
                child.failures_in_a_row = 1 if ran >= STABLE_AFTER_SECONDS else child.failures_in_a_row + 1
                delay = restart_delay(child.failures_in_a_row)
                child.restart_at = moment + delay
                log.warning("%s (pid %d) %s after %.0f s; restarting it in %.0f s", child.program.name, child.pid,
                            describe_exit(code), ran, delay)
                _signal_group(child.pid, signal.SIGTERM)  # what it leaves behind, e.g. a gunicorn master's workers
            elif moment >= child.restart_at and not self.stop_requested.is_set():
                if child.program.before_restart is not None:
                    child.program.before_restart()
                child.process = self._spawn(child.program)
                child.started_at, child.restart_at = time.monotonic(), None
                child.restarts += 1
                log.warning("%s restarted (pid %d, restart %d)", child.program.name, child.pid, child.restarts)
        self._reap_orphans()

    def pids(self, prefix: str = "") -> list[int]:
        return [child.pid for child in self.children
                if child.program.name.startswith(prefix) and child.process.poll() is None]

    # -- stopping --------------------------------------------------------------------------------------

    def stop(self, names: Iterable[str], grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM the named children (and orphans), wait up to `grace`, then kill what is left."""
        wanted = set(names)
        running = [child for child in self.children
                   if child.program.name in wanted and child.process.poll() is None]
        for child in self.children:
            if child.program.name in wanted:
                child.restart_at = None
        for child in running:
            _signal_group(child.pid, signal.SIGTERM)
        orphans = _orphans(self._managed_pids())
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running:
            while child.process.poll() is None and time.monotonic() < deadline and not self.force_requested.is_set():
                time.sleep(0.05)
            if child.process.poll() is None:
                log.warning("%s (pid %d) did not stop within %.0f s; killing it", child.program.name, child.pid, grace)
            _signal_group(child.pid, signal.SIGKILL)  # the group may outlive its leader (gunicorn's workers)
            child.process.wait()
        self._stop_orphans(orphans, deadline)

    def _kill_all(self) -> None:
        for child in self.children:
            if child.process.poll() is None:
                _signal_group(child.pid, signal.SIGKILL)
        for pid in _orphans(self._managed_pids()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _stop_orphans(self, orphans: list[int], deadline: float) -> None:
        for pid in orphans:
            while _alive_child(pid) and time.monotonic() < deadline and not self.force_requested.is_set():
                time.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    # -- internals -----------------------------------------------------------------------------------

    def _spawn(self, program: Program) -> subprocess.Popen[bytes]:
        output: IO[bytes] | None = open(program.log_file, "ab") if program.log_file else None  # noqa: SIM115
        try:
            return subprocess.Popen(program.command, env=program.env, start_new_session=True, stdout=output,
                                    stderr=output, pass_fds=program.pass_fds,
                                    preexec_fn=_die_with_parent if _LINUX else None)
        finally:
            if output is not None:
                output.close()  # the child has its own copy

    def _managed_pids(self) -> set[int]:
        return {child.pid for child in self.children}

    def _reap_orphans(self) -> None:
        """Collect the exit of processes that were re-parented here (Popen reaps the managed ones)."""
        if not _LINUX:
            return
        managed = self._managed_pids()
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None or info.si_pid in managed:
                return
            with contextlib.suppress(ChildProcessError):
                os.waitpid(info.si_pid, 0)


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _orphans(managed: set[int]) -> list[int]:
    """Processes re-parented to this one (children of children that died), on Linux."""
    if not _LINUX:
        return []
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in managed:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive_child(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return waited == 0


def _prctl(option: int, value: int) -> None:
    if _libc is not None and _libc.prctl(option, value, 0, 0, 0) != 0:
        log.debug("prctl(%d) failed: errno %d", option, ctypes.get_errno())


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the supervisor dies, so nothing outlives it."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
