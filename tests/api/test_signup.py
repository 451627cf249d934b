"""POST /signup: validation, and what the tenant record keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from server.domain import terms
from tests.support.tenants import signup_form


def test_signup_answers_201_with_tenant_status_and_token(client: FlaskClient) -> None:
    response = client.post("/signup", json=signup_form())
    assert response.status_code == 201
    body = response.get_json()
    assert body["tenant_id"] and body["status"] and len(body["management_token"]) >= 40


def test_tenant_record_keeps_type_country_use_cases_and_terms(client: FlaskClient) -> None:
    before = datetime.now(UTC)
    form = signup_form(customer_type="education", country="de", use_cases=["personalization", "redaction"])
    token = client.post("/signup", json=form).get_json()["management_token"]
    tenant = client.get("/mgmt/v1/tenant", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert tenant["customer_type"] == "education"
    assert tenant["country"] == "DE"
    assert tenant["use_cases"] == ["personalization", "redaction"]
    assert tenant["terms_version"] == terms.current(datetime.now(UTC)).version
    accepted = datetime.fromisoformat(tenant["terms_accepted_at"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= accepted <= datetime.now(UTC)


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("country", "XX", "ISO 3166-1 alpha-2"),
    ("country", "GBR", "ISO 3166-1 alpha-2"),
    ("customer_type", "police", "Unknown customer type"),
    ("accept_terms", False, "terms of use must be accepted"),
    ("email", "not-an-email", "Not a valid email"),
    ("email", "a@b", "Not a valid email"),
    ("use_cases", ["mass_surveillance"], "Unknown use case"),
    ("use_cases", [], "at least one"),
    ("organization", "", "organization"),
])
def test_bad_fields_get_a_400_that_names_the_field(client: FlaskClient, field: str, value: object,
                                                   fragment: str) -> None:
    response = client.post("/signup", json=signup_form(**{field: value}))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "BadArgument"
    assert response.headers["x-ms-error-code"] == "BadArgument"
    assert fragment in error["message"]
    assert error["target"] == field


@pytest.mark.parametrize("missing", ["organization", "email", "customer_type", "country", "use_cases", "accept_terms"])
def test_each_field_is_required(client: FlaskClient, missing: str) -> None:
    form = signup_form()
    del form[missing]
    response = client.post("/signup", json=form)
    assert response.status_code == 400
    assert response.get_json()["error"]["target"] == missing


def test_unknown_fields_are_refused(client: FlaskClient) -> None:
    response = client.post("/signup", json=signup_form(customer_typo="commercial"))
    assert response.status_code == 400
    assert response.get_json()["error"]["target"] == "customer_typo"


def test_a_body_that_is_not_json_is_refused(client: FlaskClient) -> None:
    response = client.post("/signup", data="organization=x", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "JSON parsing error."


def test_a_refused_signup_creates_nothing(client: FlaskClient, redis_db: object) -> None:
    client.post("/signup", json=signup_form(country="ZZ"))
    assert redis_db.keys("visage:tenant*") == []  # type: ignore[attr-defined]


def test_signup_page_is_served(client: FlaskClient) -> None:
    response = client.get("/signup")
    assert response.status_code == 200
    assert "text/html" in response.content_type
