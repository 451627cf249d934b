"""The landing page and the console page as served, without a browser: a strict CSP, nothing inline,
nothing from elsewhere, a label for every control, and scripts that keep the token out of cookies,
URLs and markup. tests/e2e/test_console_browser.py drives the same page in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from server.domain.deployments import REGIONS

STATIC = Path(__file__).resolve().parents[2] / "server" / "static"
SCRIPTS = sorted(STATIC.glob("console*.js"))


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = False
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def strict(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert headers["X-Frame-Options"] == "DENY" and headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/console", "/signup/recover"])
def test_pages_load_only_their_own_files_and_nothing_inline(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    strict(response)
    page = Page(response.get_data(as_text=True))
    assert not page.inline_script and not page.all("style")
    assert all("style" not in attrs and not any(name.startswith("on") for name in attrs) for _, attrs in page.tags)
    for _, attrs in page.tags:
        for name in ("src", "href", "action"):
            if attrs.get(name):
                assert str(attrs[name]).startswith(("/", "#")), (name, attrs[name])
    for script in page.all("script"):
        asset = client.get(str(script["src"]))
        assert asset.status_code == 200 and asset.mimetype in ("text/javascript", "application/javascript")


def test_the_landing_page_links_the_console_signup_and_docs(client: FlaskClient) -> None:
    links = {attrs["href"] for attrs in Page(client.get("/").get_data(as_text=True)).all("a")}
    assert {"/console", "/signup", "/docs", "/signup/recover"} <= links
    for link in links:
        assert client.get(str(link)).status_code == 200


def test_every_console_control_has_a_label_and_the_token_is_never_a_form_field(client: FlaskClient) -> None:
    page = Page(client.get("/console").get_data(as_text=True))
    labelled = {attrs["for"] for attrs in page.all("label") if attrs.get("for")}
    controls = [attrs for tag, attrs in page.tags if tag in ("input", "select", "textarea")
                and attrs.get("type") != "checkbox"]
    assert controls and all(attrs["id"] in labelled for attrs in controls)
    [token] = [attrs for attrs in controls if attrs["id"] == "token"]
    assert "name" not in token and token["type"] == "password"
    assert all(attrs.get("type") in ("submit", "button") for attrs in page.all("button"))
    assert [attrs["value"] for tag, attrs in page.tags if tag == "option" and attrs.get("value") in REGIONS] == list(
        REGIONS)


def test_the_scripts_keep_the_token_in_session_storage_and_build_no_markup_from_strings() -> None:
    assert {path.name for path in SCRIPTS} >= {"console.js", "console-api.js", "console-dom.js"}
    source = "\n".join(path.read_text() for path in SCRIPTS)
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                      "localStorage", "document.cookie", ".style."):
        assert forbidden not in source, forbidden
    assert "sessionStorage" in source and re.search(r"Authorization: `Bearer \$\{token\}`", source)
