"""The signup page in a real browser: Debian's headless Chromium, driven by Playwright, against a
live `visage up`. Screenshots are saved under test-artifacts/ at the repository root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.support.faces import photo
from tests.support.live import visage_up

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
"""No sandbox (tests run as root in CI), and nothing that reaches the network on its own."""

TIMEOUT_MS = 30_000


def test_sign_up_in_a_browser_see_the_keys_then_a_field_error(tmp_path: Path) -> None:
    assert CHROMIUM.exists(), f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with visage_up(tmp_path / "data", workers=1, api_processes=1) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live.url("/signup"))
            expect(page.locator("h1")).to_have_text("Sign up for Visage")
            page.fill("#organization", "Northwind Traders")
            page.fill("#email", "dev@northwind.example")
            page.select_option("#country", "DE")
            page.select_option("#customer_type", "commercial")
            page.check("input[name=use_cases][value=identity_verification]")
            page.check("#accept_terms")
            page.screenshot(path=str(ARTIFACTS / "signup-filled.png"), full_page=True)
            page.click("button[type=submit]")

            expect(page.locator("h1")).to_have_text("Welcome to Visage")
            key1 = page.locator("#key1 code").inner_text()
            assert re.fullmatch(r"[0-9a-f]{64}", key1)
            assert page.locator("#endpoint code").inner_text() == live.endpoint
            assert "germanywestcentral" in page.locator("#deployment-name").inner_text()
            page.screenshot(path=str(ARTIFACTS / "signup-done.png"), full_page=True)
            detect = requests.post(f"{live.endpoint}/face/v1.2/detect", data=photo("people/obama/obama_small.jpg")
                                   .read(), headers={"Ocp-Apim-Subscription-Key": key1,
                                                     "Content-Type": "application/octet-stream"}, timeout=60)
            assert detect.status_code == 200 and len(detect.json()) == 1

            page.goto(live.url("/signup"))
            page.fill("#organization", "Northwind Traders")
            page.fill("#email", "not-an-email")
            page.select_option("#country", "JP")
            page.select_option("#customer_type", "education")
            page.check("input[name=use_cases][value=personalization]")
            page.check("#accept_terms")
            page.click("button[type=submit]")

            expect(page.locator("#email-error")).to_have_text("Not a valid email address.")
            expect(page.locator("#organization")).to_have_value("Northwind Traders")
            expect(page.locator("#email")).to_have_value("not-an-email")
            expect(page.locator("#country")).to_have_value("JP")
            expect(page.locator("#customer_type")).to_have_value("education")
            expect(page.locator("input[name=use_cases][value=personalization]")).to_be_checked()
            expect(page.locator("#accept_terms")).to_be_checked()
            page.screenshot(path=str(ARTIFACTS / "signup-email-error.png"), full_page=True)
        finally:
            browser.close()
