"""Link keys: one organization's signups share a key whatever address, subdomain, case or spelling."""

from __future__ import annotations

import pytest

from server.domain.linking import LinkKind, link_keys, organization_name, shared
from tests.support.tenants import tenant_record


def ids(organization: str, email: str, kind: LinkKind) -> set[str]:
    return {key.id for key in link_keys(organization, email) if key.kind is kind}


@pytest.mark.parametrize(("first", "second"), [
    ("chief@metro.example", "CHIEF@Metro.Example"),
    ("chief@metro.example", "chief+resignup@metro.example"),
    ("jane.doe@gmail.com", "JaneDoe+x@googlemail.com"),
])
def test_one_mailbox_is_one_address(first: str, second: str) -> None:
    assert ids("A", first, LinkKind.EMAIL) == ids("B", second, LinkKind.EMAIL) != set()


@pytest.mark.parametrize(("first", "second"), [
    ("a@metro.example", "b@mail.eu.metro.example"),
    ("a@met.police.uk", "b@cyber.met.police.uk"),
    ("a@bücher.de", "b@mail.xn--bcher-kva.de"),
    ("a@BÜCHER.DE", "b@bücher.de."),
    ("a@example.co.uk", "b@shop.example.co.uk"),
])
def test_one_registrable_domain_is_one_organization(first: str, second: str) -> None:
    assert ids("A", first, LinkKind.DOMAIN) == ids("B", second, LinkKind.DOMAIN) != set()


@pytest.mark.parametrize(("first", "second"), [
    ("a@met.police.uk", "b@kent.police.uk"),  # police.uk is a public suffix: each force its own
    ("a@alice.github.io", "b@bob.github.io"),
    ("a@example.co.uk", "b@other.co.uk"),
])
def test_different_registrants_under_one_public_suffix_are_not_linked(first: str, second: str) -> None:
    assert ids("A", first, LinkKind.DOMAIN).isdisjoint(ids("B", second, LinkKind.DOMAIN))


def test_webmail_providers_link_by_address_only() -> None:
    assert ids("A", "a@gmail.com", LinkKind.DOMAIN) == set() == ids("A", "a@outlook.com", LinkKind.DOMAIN)


@pytest.mark.parametrize(("first", "second"), [
    ("Metro Unit", "METRO UNIT Ltd"),
    ("Metro Unit GmbH", "metro unit"),
    ("Acme Holdings Pty Ltd", "ACME Holdings"),
    ("The Acme Company", "Acme"),
    ("\u041c\u0435tro Unit", "Metro Unit"),  # Cyrillic Em and Ie
    ("Métro Unit S.A.", "Metro Unit"),
    ("株式会社ソニー", "ソニー株式会社"),
])
def test_one_organization_name_whatever_the_spelling(first: str, second: str) -> None:
    assert ids(first, "a@x.example", LinkKind.ORGANIZATION) & ids(second, "b@y.example", LinkKind.ORGANIZATION)


@pytest.mark.parametrize(("first", "second"), [
    ("ОМЕГА ГРУПП", "Омега Групп"),  # Cyrillic capital М folds to "rn", its small м to "ʍ"
    ("ΤΕΧΝΙΚΗ ΑΕ", "Τεχνική ΑΕ"),
    ("ТЕХНОСЕРВИС", "Техносервис"),
])
def test_one_organization_name_in_capitals_or_not_in_cyrillic_and_greek(first: str, second: str) -> None:
    assert ids(first, "a@x.example", LinkKind.ORGANIZATION) & ids(second, "b@y.example", LinkKind.ORGANIZATION)
    [key] = shared(link_keys(first, "a@x.example"), tenant_record("t-1", organization=second))
    assert key.kind is LinkKind.ORGANIZATION


@pytest.mark.parametrize("placeholder", ["Individual", "N/A", "self-employed", "  "])
def test_placeholder_names_link_nobody(placeholder: str) -> None:
    assert organization_name(placeholder) == ""


def test_a_legal_form_alone_is_kept_rather_than_dropping_the_whole_name() -> None:
    assert organization_name("Ltd") != ""


def test_link_keys_are_opaque() -> None:
    for key in link_keys("Metro Unit", "chief@metro.example"):
        assert "metro" not in key.id and key.id.startswith(f"{key.kind.value}:")
