"""Signups that read as police: the organization's words and the email domain, matched against data
(server/data/police_indicators.json, with its sources) so the list can grow without touching code.

Both sides are folded (server/domain/folding.py), so look-alike letters, fullwidth or mathematical
letters, leetspeak and accents do not hide a word. Words match whole; a few distinctive stems also
match inside compounds and in scripts written without spaces; acronyms that are also ordinary words
match only where they cannot be one (see the data file's notes).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

import idna

from server.domain.folding import fold, raw_words, words

MIN_JOINED_PHRASE = 8
"""A phrase of several words written as one word ("guardiacivil", "highwaypatrol") is looked for
inside words only when its letters run to this many: short joins ("cong an" -> "congan") occur
inside ordinary words."""


@dataclasses.dataclass(frozen=True)
class Term:
    """One indicator: its folded words, and how to name it to an operator."""

    folded: tuple[str, ...]
    shown: str
    where: str

    @property
    def joined(self) -> str:
        return "".join(self.folded)


@dataclasses.dataclass(frozen=True)
class Indicators:
    phrases: tuple[Term, ...]
    parts: tuple[Term, ...]
    acronyms: tuple[Term, ...]
    ambiguous_acronyms: tuple[Term, ...]
    ordinary_words: frozenset[str]
    email_domain_suffixes: tuple[str, ...]
    email_domain_labels: frozenset[str]
    government_suffixes: tuple[str, ...]


@functools.cache
def indicators() -> Indicators:
    raw = json.loads(resources.files("server").joinpath("data/police_indicators.json").read_text(encoding="utf-8"))
    return parse_indicators(raw)


def parse_indicators(raw: dict[str, Any]) -> Indicators:
    phrases: list[Term] = []
    parts: list[Term] = []
    acronyms: list[Term] = []
    ambiguous: list[Term] = []
    for language in raw["languages"]:
        phrases += _terms(language["words"], language["name"])
        parts += _terms(language["parts"], language["name"])
    for agency in raw["agencies"]:
        where = f"agency, {agency['country']}"
        phrases += _terms([agency["name"], *agency.get("also", ())], where)
        acronyms += _terms(agency.get("acronyms", ()), f"{agency['name']}, {agency['country']}")
        ambiguous += _terms(agency.get("ambiguous_acronyms", ()), f"{agency['name']}, {agency['country']}")
    domains = raw["email_domains"]
    return Indicators(
        phrases=_unique(phrases),
        parts=_unique(parts),
        acronyms=_unique(acronyms),
        ambiguous_acronyms=_unique(ambiguous),
        ordinary_words=frozenset(fold(word) for word in raw["ordinary_words"]["words"]),
        email_domain_suffixes=tuple(suffix.lower() for suffix in domains["suffixes"]),
        email_domain_labels=frozenset(fold(label) for label in domains["labels"]),
        government_suffixes=tuple(suffix.lower() for suffix in domains["government_suffixes"]),
    )


def police_matches(organization: str, email: str, known: Indicators | None = None) -> tuple[str, ...]:
    """What reads as police in a signup, each as a phrase an operator understands; empty if nothing does."""
    known = known or indicators()
    shown = {term.shown: term for term in _in_organization(organization, known)}
    found = [f"organization contains '{term.shown}' ({term.where})" for term in shown.values()]
    domain = unicode_domain(email.rpartition("@")[2])
    suffix = next((s for s in known.email_domain_suffixes if domain.endswith(s) or domain == s.lstrip(".")), None)
    if suffix:
        found.append(f"email domain {domain} ends with {suffix}")
    else:
        found += [f"email domain {domain} contains '{shown}'" for shown in dict.fromkeys(_in_domain(domain, known))]
    # the part before the @ is all a webmail address says of its owner ("metpolice.ops@gmail.com")
    mailbox = email.rpartition("@")[0]
    found += [f"email address {mailbox}@{domain} contains '{shown}'"
              for shown in dict.fromkeys(_in_labels(mailbox.split("."), known))]
    return tuple(found)


def unicode_domain(domain: str) -> str:
    """An email domain as people read it: lower case, no trailing dot, punycode labels decoded."""
    domain = domain.strip().rstrip(".").lower()
    try:
        return idna.decode(domain) if "xn--" in domain else domain
    except idna.IDNAError:
        return domain


def is_government_domain(domain: str, known: Indicators | None = None) -> bool:
    known = known or indicators()
    return any(domain.endswith(suffix) or domain == suffix.lstrip(".") for suffix in known.government_suffixes)


def _in_organization(organization: str, known: Indicators) -> Iterator[Term]:
    # as written and in small letters: some capitals (Cyrillic М, Т, Greek Τ) fold to other look-alikes
    # than their small letters, and the indicators are written small ("милици"), agencies capitalised
    tokens = (*spelled_out(words(organization)), *spelled_out(words(organization.lower())))
    for term in known.phrases:
        if _contains(tokens, term.folded) or (_joins_long(term) and _inside_a_word(tokens, term.joined, known)):
            yield term
    yield from (term for term in known.parts if _inside_a_word(tokens, term.joined, known))
    yield from (term for term in known.acronyms if term.joined in tokens)
    # a word cut in two by a space ("Pol ice"): only a join that is the whole indicator, since joins
    # of ordinary words contain indicators ("Napol Icecream")
    cut = {first + second for spelling in (organization, organization.lower())
           for first, second in itertools.pairwise(words(spelling))}
    yield from (term for term in (*known.phrases, *known.parts) if len(term.folded) == 1 and term.joined in cut)
    capitals = {fold(word) for word in spelled_out(raw_words(organization)) if word.isupper() and len(word) > 1}
    yield from (term for term in known.ambiguous_acronyms if term.joined in capitals or term.shown in
                raw_words(organization))


def _in_domain(domain: str, known: Indicators) -> Iterator[str]:
    """Indicators in the labels of a domain, a hyphenated label word by word."""
    tokens = _label_tokens(domain.split("."))
    yield from sorted(set(tokens) & known.email_domain_labels)
    yield from _in_labels(domain.split("."), known)
    if is_government_domain(domain, known):
        yield from (term.shown for term in known.ambiguous_acronyms if term.joined in tokens)


def _in_labels(labels: Iterable[str], known: Indicators) -> Iterator[str]:
    """Indicators in the labels of a domain or the dotted words of a mailbox name."""
    tokens = _label_tokens(labels)
    single_words = [term for term in known.phrases if len(term.folded) == 1]
    yield from (term.shown for term in single_words if term.joined in tokens)
    yield from (term.shown for term in known.phrases if _joins_long(term) and _inside_a_word(tokens, term.joined,
                                                                                            known))
    yield from (term.shown for term in known.parts if _inside_a_word(tokens, term.joined, known))
    yield from (term.shown for term in known.acronyms if term.joined in tokens)


def _label_tokens(labels: Iterable[str]) -> tuple[str, ...]:
    """The words of each label, a hyphenated label word by word."""
    return tuple(token for label in labels for token in spelled_out(words(label)))


def spelled_out(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens, and after them each word written a letter at a time ("P O L I C E", "F.B.I.",
    "p-o-l-i-c-e"): every run of two or more one-letter tokens, joined."""
    joined: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        run = []
    return (*tokens, *joined)


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return bool(size) and any(tokens[start:start + size] == phrase for start in range(len(tokens) - size + 1))


def _inside_a_word(tokens: Iterable[str], part: str, known: Indicators) -> bool:
    return bool(part) and any(part in token for token in tokens if token not in known.ordinary_words)


def _joins_long(term: Term) -> bool:
    return len(term.folded) > 1 and len(term.joined) >= MIN_JOINED_PHRASE


def _terms(texts: Iterable[str], where: str) -> list[Term]:
    """Each text as a term, and again in small letters when that folds otherwise (see _in_organization)."""
    return [Term(words(spelling), text, where) for text in texts for spelling in dict.fromkeys((text, text.lower()))
            if words(spelling)]


def _unique(terms: list[Term]) -> tuple[Term, ...]:
    """One term per folded spelling, naming every language that lists it ("polisi": Turkish, Indonesian,
    Swahili), spelt as the first one spells it."""
    merged: dict[tuple[str, ...], Term] = {}
    for term in terms:
        first = merged.setdefault(term.folded, term)
        if term is not first and term.where not in first.where.split("; "):
            merged[term.folded] = dataclasses.replace(first, where=f"{first.where}; {term.where}")
    return tuple(merged.values())
