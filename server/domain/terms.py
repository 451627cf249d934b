"""Versioned terms-of-use documents (server/policy/*.json): data, not code."""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from importlib import resources
from typing import Any

from server.domain.clock import parse_time


@dataclasses.dataclass(frozen=True)
class Clause:
    id: str
    title: str
    text: str
    source: str
    effective: datetime
    scope: dict[str, Any]
    answer: dict[str, str] | None = None
    """Azure's own error code and message for a refusal under this clause, where Azure has one
    (clients match on them); Visage's TermsOfUseViolation otherwise."""


@dataclasses.dataclass(frozen=True)
class PolicyDocument:
    version: str
    effective: datetime
    title: str
    summary: str
    clauses: tuple[Clause, ...]
    settings: dict[str, Any]


@functools.cache
def documents() -> tuple[PolicyDocument, ...]:
    """Every version in the repository, oldest first."""
    loaded = []
    for entry in resources.files("server").joinpath("policy").iterdir():
        if entry.name.endswith(".json"):
            loaded.append(_parse(json.loads(entry.read_text())))
    return tuple(sorted(loaded, key=lambda doc: doc.effective))


def _parse(raw: dict[str, Any]) -> PolicyDocument:
    known = {"version", "effective", "title", "summary", "clauses"}
    return PolicyDocument(
        version=raw["version"],
        effective=parse_time(raw["effective"]),
        title=raw["title"],
        summary=raw["summary"],
        clauses=tuple(
            Clause(c["id"], c["title"], c["text"], c["source"], parse_time(c["effective"]), c["scope"], c.get("answer"))
            for c in raw["clauses"]
        ),
        settings={key: value for key, value in raw.items() if key not in known},
    )


def document(version: str) -> PolicyDocument:
    for doc in documents():
        if doc.version == version:
            return doc
    raise KeyError(version)


def current(at: datetime) -> PolicyDocument:
    """The latest version in effect at a moment."""
    in_effect = [doc for doc in documents() if doc.effective <= at]
    return in_effect[-1] if in_effect else documents()[0]


def in_force(at: datetime, newest_seen: str | None) -> PolicyDocument:
    """The version in force: the newest whose effective date has passed by `at`, unless a newer one was
    already seen in force (`newest_seen`), which then stays: a host clock set backwards does not bring
    older terms back. Older versions serve only the dry run (`document`)."""
    by_clock = current(at)
    try:
        seen = document(newest_seen) if newest_seen else None
    except KeyError:  # a version this code does not have (it was rolled back): the clock decides
        seen = None
    return seen if seen is not None and seen.effective > by_clock.effective else by_clock
