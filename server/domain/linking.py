"""Signups of one organization, linked whatever address or spelling each used.

A signup carries link keys: its email address (case and plus-addressing aside), the registrable
domain of that address (subdomains, case and IDNA spellings aside; never a webmail provider's), and
its organization name folded like the police indicators (look-alike letters, case, accents) with
legal forms such as Ltd or GmbH dropped. Two tenants sharing a key are linked. The data is
server/data/signup_links.json; the registrable domain comes from the Public Suffix List that the
`publicsuffixlist` package ships (read offline).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

import idna
from publicsuffixlist import PublicSuffixList

from server.domain.folding import words
from server.domain.misrepresentation import unicode_domain
from server.domain.tenants import Tenant

KEY_DIGEST_CHARS = 32
"""Hex characters of a link key's digest: 128 bits, no collisions among any number of tenants, and
no email address or name in a Redis key."""


class LinkKind(enum.StrEnum):
    EMAIL = "email"
    DOMAIN = "domain"
    ORGANIZATION = "organization"


@dataclasses.dataclass(frozen=True)
class LinkKey:
    kind: LinkKind
    value: str
    """The normalised address, domain or name (an operator reads it; it is never a Redis key)."""

    @property
    def id(self) -> str:
        """Stable and opaque: the kind, then a digest of the value."""
        digest = hashlib.sha256(f"{self.kind.value}:{self.value}".encode()).hexdigest()[:KEY_DIGEST_CHARS]
        return f"{self.kind.value}:{digest}"

    def describe(self) -> str:
        if self.kind is LinkKind.EMAIL:
            return f"the same email address ({self.value})"
        if self.kind is LinkKind.DOMAIN:
            return f"the same email domain ({unicode_domain(self.value)})"
        return "the same organization name (legal form, case and look-alike letters aside)"


@dataclasses.dataclass(frozen=True)
class LinkRules:
    webmail: frozenset[str]
    dots_ignored: dict[str, str]
    trailing_forms: tuple[tuple[str, ...], ...]
    leading_forms: tuple[tuple[str, ...], ...]
    attached_forms: tuple[str, ...]
    placeholders: frozenset[tuple[str, ...]]


@functools.cache
def rules() -> LinkRules:
    raw = json.loads(resources.files("server").joinpath("data/signup_links.json").read_text(encoding="utf-8"))
    return parse_rules(raw)


def parse_rules(raw: dict[str, Any]) -> LinkRules:
    forms = raw["legal_forms"]
    by_length = functools.partial(sorted, key=len, reverse=True)  # "pty ltd" before "ltd"
    return LinkRules(
        webmail=frozenset(raw["webmail_domains"]["domains"]),
        dots_ignored=dict(raw["dots_ignored"]["domains"]),
        trailing_forms=tuple(by_length(words(form) for form in forms["trailing"])),
        leading_forms=tuple(by_length(words(form) for form in forms["leading"])),
        attached_forms=tuple(forms["anywhere"]),
        placeholders=frozenset(words(name) for name in raw["placeholder_names"]["names"]),
    )


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def link_keys(organization: str, email: str, known: LinkRules | None = None) -> tuple[LinkKey, ...]:
    """Every key a signup with this organization and email address is linked by."""
    known = known or rules()
    local, _, domain = email.strip().rpartition("@")
    ascii_domain = ascii_form(domain)
    keys = [LinkKey(LinkKind.EMAIL, normalised_address(local, ascii_domain, known))]
    registrable = registrable_domain(ascii_domain)
    if registrable and registrable not in known.webmail:
        keys.append(LinkKey(LinkKind.DOMAIN, registrable))
    # as written and in small letters: some Cyrillic and Greek capitals fold to other look-alikes than
    # their small letters ("ОМЕГА" and "Омега"), and as written keeps a capital that passes for Latin
    for name in dict.fromkeys((organization_name(organization, known), organization_name(organization.lower(), known))):
        if name:
            keys.append(LinkKey(LinkKind.ORGANIZATION, name))
    return tuple(keys)


def organization_link_keys(tenant: Tenant) -> tuple[str, ...]:
    """The opaque ids of the keys that link `tenant` to others of its organization (its address, its
    email domain, its organization name). Tenants sharing any id are one organization for counting."""
    return tuple(key.id for key in link_keys(tenant.organization, tenant.email))


def shared(keys: Iterable[LinkKey], other: Tenant) -> tuple[LinkKey, ...]:
    """The keys of a signup that `other` has too, one of each kind: why the two are linked."""
    theirs = {key.id for key in link_keys(other.organization, other.email)}
    return tuple({key.kind: key for key in reversed(list(keys)) if key.id in theirs}.values())[::-1]


def ascii_form(domain: str) -> str:
    """A domain in lower-case ASCII (IDNA 2008 with UTS #46 mapping), no trailing dot; as given when
    it is not a valid IDNA name."""
    domain = domain.strip().rstrip(".").lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return domain


def registrable_domain(ascii_domain: str) -> str:
    """The domain an organization registered (example.co.uk for mail.example.co.uk); the domain itself
    when it is a public suffix or unknown to the list."""
    return _public_suffixes().privatesuffix(ascii_domain) or ascii_domain


def normalised_address(local: str, ascii_domain: str, known: LinkRules) -> str:
    """One mailbox, one spelling: case and +tags aside, and dots where the provider ignores them."""
    local = local.casefold().partition("+")[0]
    if ascii_domain in known.dots_ignored:
        ascii_domain = known.dots_ignored[ascii_domain]
        local = local.replace(".", "")
    return f"{local}@{ascii_domain}"


def organization_name(organization: str, known: LinkRules | None = None) -> str:
    """The organization's name folded, legal forms dropped; "" when it names no organization."""
    known = known or rules()
    for form in known.attached_forms:
        organization = organization.replace(form, " ")
    tokens = words(organization)
    tokens = _strip(tokens, known.trailing_forms, at_end=True)
    tokens = _strip(tokens, known.leading_forms, at_end=False)
    if not tokens or tokens in known.placeholders:
        return ""
    return " ".join(tokens)


def _strip(tokens: tuple[str, ...], forms: tuple[tuple[str, ...], ...], *, at_end: bool) -> tuple[str, ...]:
    """Drop legal forms at one end, repeatedly ("Acme Holdings Pty Ltd" loses both), never the whole name."""
    changed = True
    while changed:
        changed = False
        for form in forms:
            size = len(form)
            if not form or size >= len(tokens):
                continue
            if (tokens[-size:] if at_end else tokens[:size]) == form:
                tokens = tokens[:-size] if at_end else tokens[size:]
                changed = True
                break
    return tokens


