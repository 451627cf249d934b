"""The signup page and its form POST, server-rendered, without a browser."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from server.domain import terms
from server.domain.clock import now
from tests.support.faces import photo
from tests.support.terms import SMALL_PHOTO

GOOD_FORM = {
    "organization": "Fabrikam Schools",
    "email": "it@fabrikam.example",
    "country": "FR",
    "customer_type": "education",
    "use_cases": ["personalization", "redaction"],
    "accept_terms": "yes",
}


def submit(client: FlaskClient, **changes: Any) -> Any:
    form = {**GOOD_FORM, **changes}
    return client.post("/signup", data={k: v for k, v in form.items() if v is not None})


def test_the_page_has_every_field_and_the_current_terms(client: FlaskClient) -> None:
    response = client.get("/signup")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    for name in ("organization", "email", "country", "customer_type", "use_cases", "accept_terms"):
        assert f'name="{name}"' in html
    assert '<option value="GB">United Kingdom</option>' in html
    assert html.count('<option value="') > 249
    assert '<option value="law_enforcement">law enforcement</option>' in html
    assert html.count('type="checkbox" name="use_cases"') == 8
    policy = terms.current(now())
    assert f"version {policy.version}" in html
    for clause in policy.clauses:
        assert clause.title in html and clause.id in html


def test_the_page_loads_nothing_from_elsewhere_and_cannot_be_framed(client: FlaskClient) -> None:
    response = client.get("/signup")
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith(("/", "#")) for asset in assets)
    assert "<script" not in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    css = client.get("/static/visage.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_a_good_form_shows_the_tenant_token_endpoint_and_keys_once(client: FlaskClient) -> None:
    response = submit(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    tenant_id = re.search(r'id="tenant-id"><code>([^<]+)<', html)
    key1 = re.search(r'id="key1"><code>([0-9a-f]{64})<', html)
    token = re.search(r'id="management-token"><code>([^<]+)<', html)
    assert tenant_id and key1 and token and 'id="endpoint"><code>http://localhost<' in html
    assert "francecentral" in html
    detect = client.post("/face/v1.2/detect", data=photo(SMALL_PHOTO).read(),
                         headers={"Ocp-Apim-Subscription-Key": key1.group(1),
                                  "Content-Type": "application/octet-stream"})
    assert detect.status_code == 200
    own = client.get("/mgmt/v1/tenant", headers={"Authorization": f"Bearer {token.group(1)}"}).get_json()
    assert own["tenant_id"] == tenant_id.group(1) and own["use_cases"] == ["personalization", "redaction"]


def test_a_bad_email_is_shown_beside_its_field_with_the_values_kept(client: FlaskClient, redis_db: Any) -> None:
    response = submit(client, email="not-an-email")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="email-error"[^>]*>Not a valid email address\.<', html)
    assert 'value="Fabrikam Schools"' in html and 'value="not-an-email"' in html
    assert '<option value="FR" selected>' in html and '<option value="education" selected>' in html
    assert 'value="personalization" checked' in html and 'value="identity_verification" checked' not in html
    assert 'name="accept_terms" value="yes" checked' in html
    assert redis_db.keys("visage:tenant*") == []


def test_each_missing_field_gets_its_own_message(client: FlaskClient) -> None:
    response = client.post("/signup", data={"organization": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field, message in [
        ("organization", "Enter the organization&#39;s name."),
        ("email", "Enter a contact email address."),
        ("country", "Choose a country."),
        ("customer_type", "Choose a customer type."),
        ("use_cases", "Declare at least one intended use case."),
        ("accept_terms", "The terms of use must be accepted to sign up."),
    ]:
        assert re.search(rf'id="{field}-error"[^>]*>{re.escape(message)}<', html), field


def test_entered_values_are_escaped(client: FlaskClient) -> None:
    html = submit(client, organization='"><script>alert(1)</script>', email="x").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
