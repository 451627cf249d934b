"""The WSGI entry gunicorn serves (`server.wsgi:app`). With --preload the face models load once,
in the master, and every API worker shares their pages."""

from server import create_app
from server.vision import models

app = create_app()
models.load_all()
