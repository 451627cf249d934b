"""The web console in a real browser: Debian's headless Chromium, driven by Playwright, against a live
`visage up`. A tenant signs in with the keyboard alone, rotates a key, browses collections with persons
and faces, reads its refusals and runs a dry run; the operator reviews a tenant and keeps the trust
list. Screenshots are saved under test-artifacts/ at the repository root (git-ignored)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.c2pa import pem, pki
from tests.support.faces import photo
from tests.support.live import LiveVisage, visage_up

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
"""No sandbox (tests run as root in CI), and nothing that reaches the network on its own."""

TIMEOUT_MS = 30_000
RECORDED = {"x-visage-capture-mode": "recorded", "x-visage-captured-at": "2026-01-05T09:00:00Z",
            "x-visage-camera": "fixed"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveVisage]:
    assert CHROMIUM.exists(), f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    ARTIFACTS.mkdir(exist_ok=True)
    with visage_up(tmp_path_factory.mktemp("console") / "data", workers=1, api_processes=1) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_console(browser: Any, live: LiveVisage) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.on("dialog", lambda dialog: dialog.accept())  # confirm() before a rotation, a delete or a removal
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    page.goto(live.url("/console"))
    return page


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def data_plane(live: LiveVisage, key: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Ocp-Apim-Subscription-Key": key, **kwargs.pop("headers", {})}
    return requests.request(method, live.url(f"/face/v1.2{path}"), headers=headers, timeout=60, **kwargs)


def add_face(live: LiveVisage, key: str, path: str, image: str, user_data: str | None = None) -> str:
    response = data_plane(live, key, "POST", f"{path}/persistedfaces", data=photo(image).read(),
                          params={"userData": user_data} if user_data else None,
                          headers={"Content-Type": "application/octet-stream", **RECORDED})
    assert response.status_code == 200, response.text
    return str(response.json()["persistedFaceId"])


def build_collections(live: LiveVisage, key: str) -> dict[str, str]:
    """A trained large person group with two persons and three faces, and a face list with one face."""
    assert data_plane(live, key, "PUT", "/largepersongroups/staff", json={
        "name": "Staff", "userData": "front desk", "recognitionModel": "recognition_04"}).status_code == 200
    barack = data_plane(live, key, "POST", "/largepersongroups/staff/persons",
                        json={"name": "Barack", "userData": "44th"}).json()["personId"]
    joe = data_plane(live, key, "POST", "/largepersongroups/staff/persons", json={"name": "Joe"}).json()["personId"]
    faces = {"barack_1": add_face(live, key, f"/largepersongroups/staff/persons/{barack}",
                                  "people/obama/obama_small.jpg", "badge photo"),
             "barack_2": add_face(live, key, f"/largepersongroups/staff/persons/{barack}", "people/obama/obama2.jpg"),
             "joe": add_face(live, key, f"/largepersongroups/staff/persons/{joe}", "people/biden/biden.jpg")}
    assert data_plane(live, key, "POST", "/largepersongroups/staff/train").status_code == 202
    deadline = time.monotonic() + 60
    while data_plane(live, key, "GET", "/largepersongroups/staff/training").json()["status"] != "succeeded":
        assert time.monotonic() < deadline, "training did not finish"
        time.sleep(0.5)
    assert data_plane(live, key, "PUT", "/facelists/visitors", json={"name": "Visitors"}).status_code == 200
    faces["visitor"] = add_face(live, key, "/facelists/visitors", "people/biden/biden.jpg", "lobby")
    return faces


def test_a_tenant_signs_in_by_keyboard_rotates_a_key_browses_collections_and_signs_out(
        live: LiveVisage, browser: Any) -> None:
    from playwright.sync_api import expect

    tenant = live.sign_up()
    faces = build_collections(live, tenant["key1"])
    free = requests.post(live.url("/mgmt/v1/deployments"), json={"name": "free", "sku": "F0", "region": "westeurope"},
                         headers={"Authorization": f"Bearer {tenant['token']}"}, timeout=30).json()["keys"]["key1"]
    face_id = data_plane(live, free, "POST", "/detect", data=photo("people/obama/obama_small.jpg").read(),
                         headers={"Content-Type": "application/octet-stream"}).json()[0]["faceId"]
    refused = data_plane(live, free, "POST", "/verify", json={"faceId1": face_id, "faceId2": face_id})
    assert refused.status_code == 403

    bearer = {"Authorization": f"Bearer {tenant['token']}"}
    deployments = [d["name"] for d in requests.get(live.url("/mgmt/v1/deployments"), headers=bearer, timeout=30).json()]
    assert len(deployments) == 3  # the signup's starter, face-1 and free

    page = open_console(browser, live)
    # keyboard only: Tab reaches the token field first, Enter signs in
    page.keyboard.press("Tab")
    expect(page.locator("#token")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus is visible
    page.keyboard.type(tenant["token"])
    page.keyboard.press("Enter")
    expect(page.locator("#tenant-title")).to_be_focused()
    expect(page.locator("#who")).to_contain_text(tenant["tenant_id"])
    assert tenant["token"] not in page.url and page.context.cookies() == []
    assert page.evaluate("JSON.parse(sessionStorage.getItem('visage.console.session')).role") == "tenant"
    expect(page.locator("#tenant-details")).to_contain_text("approved")

    # deployments: keys masked, a rotation shows the new key once
    rows = page.locator("#deployment-table tbody tr")
    expect(rows).to_have_count(len(deployments))
    expect(page.locator("#deployment-table")).to_contain_text("\u2022" * 8)
    assert tenant["key1"] not in page.content()
    shoot(page, "tenant-signed-in")
    page.get_by_role("button", name=f"Regenerate key1 of {tenant['deployment']}").click()
    new_key = page.locator("#new-key1 code")
    expect(new_key).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#new-keys")).to_be_focused()
    rotated = new_key.inner_text()
    shoot(page, "tenant-key-rotated")
    small = photo("people/obama/obama_small.jpg").read()
    octet = {"Content-Type": "application/octet-stream"}
    assert data_plane(live, tenant["key1"], "POST", "/detect", data=small, headers=octet).status_code == 401
    assert data_plane(live, rotated, "POST", "/detect", data=small, headers=octet).status_code == 200
    page.get_by_role("button", name="I have copied them: hide").click()
    expect(page.locator("#new-keys")).to_be_hidden()
    assert rotated not in page.content()

    # create, change the SKU of, and delete a deployment
    page.fill("#deployment-name", "made-in-console")
    page.select_option("#deployment-sku", "F0")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("#new-key1 code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#new-key2 code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    page.get_by_role("button", name="I have copied them: hide").click()
    page.get_by_role("button", name="Change the SKU of made-in-console to S0").click()
    expect(page.locator("#status")).to_have_text("made-in-console is now S0.")
    page.get_by_role("button", name="Delete made-in-console").click()
    expect(page.locator("#status")).to_have_text("made-in-console was deleted.")
    names = [d["name"] for d in requests.get(live.url("/mgmt/v1/deployments"), headers=bearer, timeout=30).json()]
    assert names == deployments

    # a large person group: training, persons with face counts, a person's faces with userData
    page.select_option("#collections-deployment", tenant["deployment"])
    page.select_option("#collections-kind", "largepersongroups")
    page.get_by_role("button", name="Show", exact=True).first.click()
    page.get_by_role("button", name="Open staff").click()
    expect(page.locator("#collection-title")).to_be_focused()
    expect(page.locator("#collection-details")).to_contain_text("succeeded")
    expect(page.locator("#collection-details")).to_contain_text("front desk")
    expect(page.locator("#collection-members")).to_contain_text("2 persons with 3 faces shown.")
    barack = page.locator("#collection-members tbody tr", has_text="Barack")
    expect(barack.locator("td").nth(3)).to_have_text("2")
    page.get_by_role("button", name="Faces of Barack").click()
    expect(page.locator("#person-faces-title")).to_have_text("Faces of Barack (2)")
    expect(page.locator("#person-face-list")).to_contain_text(faces["barack_1"])
    expect(page.locator("#person-face-list")).to_contain_text("badge photo")
    expect(page.locator("#person-face-list")).to_contain_text(faces["barack_2"])
    shoot(page, "tenant-collection")

    # a face list: no training, its faces
    page.select_option("#collections-kind", "facelists")
    page.locator("#collections-form button[type=submit]").click()
    page.get_by_role("button", name="Open visitors").click()
    expect(page.locator("#collection-details")).to_contain_text("face lists need no training")
    expect(page.locator("#collection-members")).to_contain_text(faces["visitor"])
    expect(page.locator("#collection-members")).to_contain_text("lobby")

    # the tenant's own audit, refusals with their reasons
    page.check("#audit-refusals")
    page.locator("#audit-form button[type=submit]").click()
    refusal = page.locator("#audit-table tbody tr").first
    expect(refusal).to_contain_text("refused")
    expect(refusal).to_contain_text("UnsupportedFeature")
    expect(refusal).to_contain_text("F0")
    shoot(page, "tenant-audit")

    # the policy dry run
    page.select_option("#dry-run-operation", "identification")
    page.select_option("#dry-run-deployment", tenant["deployment"])
    page.select_option("#dry-run-mode", "recorded")
    page.fill("#dry-run-captured-at", "2026-01-05T09:00:00Z")
    page.get_by_role("button", name="Evaluate").click()
    expect(page.locator("#dry-run-verdict")).to_have_text("Allowed")
    page.select_option("#dry-run-deployment", "free")
    page.get_by_role("button", name="Evaluate").click()
    expect(page.locator("#dry-run-verdict")).to_have_text(re.compile(r"^Refused"))
    expect(page.locator("#dry-run-details")).to_contain_text("F0")
    shoot(page, "tenant-dry-run")

    # signing out (by keyboard) forgets the token
    page.locator("#sign-out").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Signed out")
    assert page.evaluate("sessionStorage.getItem('visage.console.session')") is None
    expect(page.locator("#tenant-view")).to_be_hidden()
    assert page.problems == []


def test_the_operator_reviews_a_tenant_and_keeps_the_trust_list(live: LiveVisage, browser: Any) -> None:
    from playwright.sync_api import expect

    police = live.sign_up(organization="Example Constabulary", email="cases@constabulary.example",
                          customer_type="law_enforcement", use_cases=["investigative_identification"])
    page = open_console(browser, live)
    page.fill("#token", live.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#tenants-title")).to_be_focused()
    expect(page.locator("#who")).to_have_text("The operator, with the admin token.")

    page.select_option("#tenants-access", "pending_review")
    page.locator("#tenants-form button[type=submit]").click()
    page.get_by_role("button", name="Open Example Constabulary").click()
    expect(page.locator("#review-title")).to_be_focused()
    expect(page.locator("#review-details")).to_contain_text("pending review")
    page.select_option("#review-decision", "approve")
    page.select_option("#review-customer-type", "law_enforcement")
    page.fill("#review-reason", "Recorded-evidence investigations only; checked by phone.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#status")).to_contain_text("Limited Access is now approved")
    expect(page.locator("#review-decisions")).to_contain_text("Recorded-evidence investigations only")
    shoot(page, "operator-review")
    admin = {"Authorization": f"Bearer {live.admin_token}"}
    record = requests.get(live.url(f"/admin/v1/tenants/{police['tenant_id']}"), headers=admin, timeout=30).json()
    assert record["limited_access"] == "approved"

    page.fill("#standing-reason", "Unpaid invoice.")
    page.locator("#standing-button").click()
    expect(page.locator("#status")).to_have_text("Example Constabulary is now suspended.")
    expect(page.locator("#standing-button")).to_have_text("Reinstate")
    page.fill("#standing-reason", "Paid.")
    page.locator("#standing-button").click()
    expect(page.locator("#status")).to_have_text(re.compile(r"Example Constabulary is now (active|pending)"))

    page.locator("#outbox-refresh").click()
    expect(page.locator("#outbox-table")).to_contain_text("cases@constabulary.example")
    page.fill("#audit-trail-tenant", police["tenant_id"])
    page.locator("#audit-trail-form button[type=submit]").click()
    expect(page.locator("#audit-trail-table")).to_contain_text("operator review")
    expect(page.locator("#audit-trail-table")).to_contain_text("Unpaid invoice.")

    page.fill("#trust-name", "Body cameras of the constabulary")
    page.select_option("#trust-device-class", "body-worn")
    page.fill("#trust-certificate", pem(pki().ca[1]))
    page.get_by_role("button", name="Add to the trust list").click()
    expect(page.locator("#trust-table")).to_contain_text("Visage Test Body Camera CA")
    anchors = requests.get(live.url("/admin/v1/trust-anchors"), headers=admin, timeout=30).json()
    assert [(anchor["name"], anchor["device_class"]) for anchor in anchors] == [
        ("Body cameras of the constabulary", "body-worn")]
    shoot(page, "operator-trust-list")
    page.get_by_role("button", name="Remove Body cameras of the constabulary from the trust list").click()
    expect(page.locator("#trust-table")).to_contain_text("The trust list is empty")
    assert requests.get(live.url("/admin/v1/trust-anchors"), headers=admin, timeout=30).json() == []
    # the console tells the two tokens apart by asking the management API first: the browser logs its 401
    assert [problem for problem in page.problems if "/mgmt/v1/tenant" not in problem] == []
    assert len(page.problems) <= 1


def test_a_recovered_token_replaces_the_old_one_in_the_console(live: LiveVisage, browser: Any) -> None:
    from playwright.sync_api import expect

    tenant = live.sign_up(email="lost@recovery-browser.example")
    console = open_console(browser, live)
    console.fill("#token", tenant["token"])
    console.get_by_role("button", name="Sign in").click()
    expect(console.locator("#tenant-title")).to_be_focused()

    pages = browser.new_page()
    pages.set_default_timeout(TIMEOUT_MS)
    pages.goto(live.url("/"))
    pages.get_by_role("link", name="Lost your management token?").click()
    pages.fill("#email", "Lost@Recovery-Browser.example")
    pages.get_by_role("button", name="Email me a link").click()
    expect(pages.locator("#recover-sent")).to_contain_text("If a tenant uses this address")
    admin = {"Authorization": f"Bearer {live.admin_token}"}
    deadline = time.monotonic() + 30
    while not (links := [email["link"] for email in requests.get(live.url("/admin/v1/outbox"), headers=admin,
                                                                  timeout=30).json()
                         if email["tenant_id"] == tenant["tenant_id"] and "/recover/" in (email["link"] or "")]):
        assert time.monotonic() < deadline, "the worker sent no recovery link"
        time.sleep(0.3)
    pages.goto(links[0])
    pages.get_by_role("button", name="Issue a new token").click()
    new_token = pages.locator("#management-token code").inner_text()
    shoot(pages, "recovered-token")
    assert new_token != tenant["token"]

    # the console still holds the old token: its next call is refused, and it signs out
    console.locator("#audit-form button[type=submit]").click()
    expect(console.locator("#sign-in")).to_be_visible()
    expect(console.locator("#status")).to_contain_text("no longer valid")
    console.fill("#token", new_token)
    console.get_by_role("button", name="Sign in").click()
    expect(console.locator("#who")).to_contain_text(tenant["tenant_id"])
    console.locator("#audit-form button[type=submit]").click()
    expect(console.locator("#audit-table")).to_contain_text("management token recovery")
    expect(console.locator("#audit-table")).to_contain_text("token_replaced")


def test_the_api_docs_render_under_their_content_security_policy(live: LiveVisage, browser: Any) -> None:
    """Swagger UI at /docs draws the whole contract with scripts only from Visage's own files: the
    browser reports no script or style it refused."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    answer = page.goto(live.url("/docs"))
    assert answer is not None and "script-src" not in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Visage")
    expect(page.locator(".opblock-summary-path", has_text="/face/{apiVersion}/detect").first).to_be_visible()
    page.locator(".opblock-tag", has_text="Detection").first.screenshot(path=str(ARTIFACTS / "docs-detection.png"))
    assert problems == [], "\n".join(problems)
