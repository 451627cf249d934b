"""Where the API processes of one gunicorn master share their metric samples.

prometheus-client's multiprocess mode needs `PROMETHEUS_MULTIPROC_DIR` set before it is imported, in
the process that forks the workers, and the directory fresh at each start. The WSGI entry calls
`ensure_multiprocess_directory` first thing: an operator's own setting is kept as it is (and is the
operator's to wipe); otherwise a fresh directory is made for this process and removed when it exits.
With `--preload`, as `visage up` runs gunicorn, that process is the master, so every worker writes
to the one directory. This module must not import prometheus_client.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def ensure_multiprocess_directory() -> str:
    if existing := os.environ.get(VARIABLE):
        os.makedirs(existing, exist_ok=True)
        return existing
    directory = tempfile.mkdtemp(prefix="visage-metrics-")
    os.environ[VARIABLE] = directory
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # gunicorn's workers run exit handlers too; only the master's counts
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    return directory
