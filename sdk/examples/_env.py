"""What every example reads from the environment (kept apart so each example stays short)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

FACES = Path(os.environ.get("VISAGE_FACE_FIXTURES", Path(__file__).resolve().parents[3] / "shared" / "faces"))
"""The repository's test photos (people/<name>/*.jpg); any folder of that shape works."""


def need(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"Set {name} first (see sdk/README.md).")
    return value


def endpoint() -> str:
    return os.environ.get("VISAGE_ENDPOINT", "http://127.0.0.1:8080")


def photo(relative: str) -> Path:
    path = FACES / relative
    if not path.exists():
        sys.exit(f"{path} not found: set VISAGE_FACE_FIXTURES to a folder with people/<name>/*.jpg")
    return path
