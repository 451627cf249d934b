"""The real photos in ../shared/faces and their manifest."""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
from pathlib import Path

FACES_DIR = Path(os.environ.get("VISAGE_FACE_FIXTURES", Path(__file__).resolve().parents[3] / "shared" / "faces"))


@dataclasses.dataclass(frozen=True)
class Photo:
    path: str
    identity: str | None
    faces: int
    width: int
    height: int

    @property
    def file(self) -> Path:
        return FACES_DIR / self.path

    def read(self) -> bytes:
        return self.file.read_bytes()


@functools.cache
def manifest() -> tuple[Photo, ...]:
    with open(FACES_DIR / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return tuple(
        Photo(row["path"], None if row["identity"] == "-" else row["identity"],
              int(row["faces"]), int(row["width"]), int(row["height"]))
        for row in rows
        if row["faces"] != "-"
    )


def photos() -> tuple[Photo, ...]:
    """Every still photo with a known face count."""
    return manifest()


def single_face_people() -> tuple[Photo, ...]:
    return tuple(p for p in manifest() if p.path.startswith("people/") and p.faces == 1)


def photo(path: str) -> Photo:
    return next(p for p in manifest() if p.path == path)
