"""The data dir's lock lives in the children too: a supervisor that died leaves it taken until they exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.datadir import DataDir, DataDirBusy, NoInstance


def test_children_keep_the_data_dir_taken_after_the_supervisor_is_gone(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    lock = data.acquire()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.describe(role="all")
    os.pwrite(lock.fd, json.dumps({"pid": int(dead.stdout)}).ljust(64).encode(), 0)  # a supervisor that died
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], pass_fds=(lock.fd,))
    try:
        os.close(lock.fd)  # the supervisor was killed: its descriptor closed, its child's stays
        holder = data.holder()
        assert holder is not None and not holder.supervisor_alive
        with pytest.raises(NoInstance, match="has exited, but processes it started still hold the data dir"):
            data.running_redis_url()
        with pytest.raises(DataDirBusy, match="still held by processes of a Visage that has exited"):
            data.acquire(patience=0)
    finally:
        child.kill()
        child.wait()
    data.acquire().release()
