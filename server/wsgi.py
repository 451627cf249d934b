"""The WSGI entry gunicorn serves (`server.wsgi:app`). With --preload the face models load once,
in the master, and every API worker shares their pages; and every worker writes its metrics to the
one directory the master chose (server/metrics_directory.py), which /metrics adds up."""

from server.metrics_directory import ensure_multiprocess_directory

ensure_multiprocess_directory()

from server import create_app  # noqa: E402 - prometheus_client reads the directory when first imported
from server.vision import models  # noqa: E402

app = create_app()
models.load_all()
