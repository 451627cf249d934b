"""Signups that read as police: the organization's words and the email domain, matched against data
(server/data/police_indicators.json) so the list can grow without touching code."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import unicodedata
from importlib import resources

WORD = re.compile(r"\w+", re.UNICODE)
"""A word of an organization's name: phrases match whole words, so "Policy Lab" is not "police"."""


@dataclasses.dataclass(frozen=True)
class Indicators:
    organization_phrases: tuple[tuple[str, ...], ...]
    email_domain_suffixes: tuple[str, ...]
    email_domain_labels: frozenset[str]


@functools.cache
def indicators() -> Indicators:
    raw = json.loads(resources.files("server").joinpath("data/police_indicators.json").read_text(encoding="utf-8"))
    return Indicators(
        organization_phrases=tuple(_words(phrase) for phrase in raw["organization_words"]),
        email_domain_suffixes=tuple(suffix.lower() for suffix in raw["email_domain_suffixes"]),
        email_domain_labels=frozenset(label.lower() for label in raw["email_domain_labels"]),
    )


def police_matches(organization: str, email: str, known: Indicators | None = None) -> tuple[str, ...]:
    """What reads as police in a signup, each as a phrase an operator understands; empty if nothing does."""
    known = known or indicators()
    matches = [f"organization contains '{' '.join(phrase)}'"
               for phrase in known.organization_phrases if _contains(_words(organization), phrase)]
    domain = unicodedata.normalize("NFKC", email.rpartition("@")[2]).lower().strip(".")
    suffix = next((s for s in known.email_domain_suffixes if domain.endswith(s) or domain == s.lstrip(".")), None)
    if suffix:
        matches.append(f"email domain {domain} ends with {suffix}")
    else:
        labels = {part for label in domain.split(".") for part in (label, *label.split("-"))}
        if found := sorted(labels & known.email_domain_labels):
            matches.append(f"email domain {domain} contains '{found[0]}'")
    return tuple(matches)


def _words(text: str) -> tuple[str, ...]:
    """Words after NFKC folding (fullwidth and compatibility letters become plain ones) with
    invisible format characters (zero-width spaces, joiners) removed, so they cannot hide a word."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    return tuple(word.casefold() for word in WORD.findall(folded))


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[start:start + size] == phrase for start in range(len(words) - size + 1))
