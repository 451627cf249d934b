"""Signup by JSON: the starter deployment, the verification email in the outbox, the grace period."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from server.domain.clock import format_time
from tests.support.faces import photo
from tests.support.tenants import sign_up, signup_form
from tests.support.terms import ADMIN, SMALL_PHOTO


def detect_status(client: FlaskClient, key: str) -> int:
    return client.post("/face/v1.2/detect", data=photo(SMALL_PHOTO).read(),
                       headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"}
                       ).status_code


def outbox(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/admin/v1/outbox", headers=ADMIN)
    assert response.status_code == 200
    return list(response.get_json())


def verification_path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.parametrize(("country", "region"), [("US", "eastus"), ("JP", "japaneast"), ("AR", "westeurope")])
def test_signup_creates_a_starter_deployment_near_the_country(client: FlaskClient, country: str,
                                                              region: str) -> None:
    response = client.post("/signup", json=signup_form(country=country))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending_verification" and body["limited_access"] == "approved"
    assert body["tenant"]["tenant_id"] == body["tenant_id"] and body["tenant"]["email_verified"] is False
    deployment = body["deployment"]
    assert (deployment["name"], deployment["sku"], deployment["region"]) == ("starter", "S0", region)
    assert deployment["endpoint"] == "http://localhost" and deployment["created_at"]
    assert re.fullmatch(r"[0-9a-f]{64}", deployment["keys"]["key1"])
    assert detect_status(client, deployment["keys"]["key2"]) == 200


def test_the_verification_email_waits_in_the_outbox_and_its_link_activates_the_tenant(
    client: FlaskClient, redis_db: Redis
) -> None:
    form = signup_form()
    body = client.post("/signup", json=form).get_json()
    emails = outbox(client)
    assert emails[0]["to"] == form["email"] and emails[0]["tenant_id"] == body["tenant_id"]
    assert set(emails[0]) >= {"to", "subject", "body", "link", "sent_at"}
    link = emails[0]["link"]
    assert link.startswith("http://localhost/signup/verify?token=") and link in emails[0]["body"]
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert not any(token.encode() in key for key in redis_db.scan_iter("*"))

    page = client.get(verification_path(link))
    assert page.status_code == 200 and "text/html" in page.content_type
    assert "Email verified" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    tenant = client.get("/mgmt/v1/tenant", headers={"Authorization": f"Bearer {body['management_token']}"}).get_json()
    assert tenant["status"] == "active" and tenant["email_verified"] is True

    again = client.get(verification_path(link))
    assert again.status_code == 400 and "does not work" in again.get_data(as_text=True)


def test_a_verification_link_expires_after_seven_days(client: FlaskClient, redis_db: Redis) -> None:
    client.post("/signup", json=signup_form())
    [key] = list(redis_db.scan_iter("visage:email-verification:*"))
    assert timedelta(days=7) - timedelta(minutes=1) < timedelta(seconds=redis_db.ttl(key)) <= timedelta(days=7)


@pytest.mark.parametrize("query", ["", "?token=", "?token=made-up"])
def test_a_bad_verification_link_is_refused(client: FlaskClient, query: str) -> None:
    assert client.get(f"/signup/verify{query}").status_code == 400


def test_outbox_is_newest_first_and_operator_only(client: FlaskClient) -> None:
    first = signup_form()
    second = signup_form()
    client.post("/signup", json=first)
    client.post("/signup", json=second)
    assert [email["to"] for email in outbox(client)] == [second["email"], first["email"]]
    assert client.get("/admin/v1/outbox").status_code == 401


def test_an_unverified_tenant_works_for_72_hours_then_is_told_to_verify(client: FlaskClient, redis_db: Redis) -> None:
    body = client.post("/signup", json=signup_form()).get_json()
    key = body["deployment"]["keys"]["key1"]
    assert detect_status(client, key) == 200
    redis_db.hset(f"visage:tenant:{body['tenant_id']}", "created_at",
                  format_time(datetime.now(UTC) - timedelta(hours=73)))
    response = client.post("/face/v1.2/detect", data=photo(SMALL_PHOTO).read(),
                           headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"})
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "TenantNotVerified" and "verification link" in error["message"]
    bearer = {"Authorization": f"Bearer {body['management_token']}"}
    assert client.get("/mgmt/v1/tenant", headers=bearer).get_json()["status"] == "pending_verification"
    client.get(verification_path(outbox(client)[0]["link"]))
    assert detect_status(client, key) == 200


def test_auto_approved_customer_types_are_an_operator_setting(redis_db: Redis) -> None:
    from server import create_app
    from tests.conftest import TEST_REDIS_URL

    app: Flask = create_app({"TESTING": True, "REDIS_URL": TEST_REDIS_URL, "ADMIN_TOKEN": "x",
                             "SIGNUP_RATE_LIMIT": None, "AUTO_APPROVED_CUSTOMER_TYPES": ["education"]})
    client = app.test_client()
    assert client.post("/signup", json=signup_form()).get_json()["limited_access"] == "pending_review"
    assert client.post("/signup", json=signup_form(customer_type="education")).get_json()[
        "limited_access"] == "approved"


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.config import load_config

    monkeypatch.setenv("VISAGE_AUTO_APPROVED_CUSTOMER_TYPES", "Commercial, government")
    assert load_config()["AUTO_APPROVED_CUSTOMER_TYPES"] == ["commercial", "government"]
    monkeypatch.delenv("VISAGE_AUTO_APPROVED_CUSTOMER_TYPES")
    assert load_config()["AUTO_APPROVED_CUSTOMER_TYPES"] == [
        "commercial", "education", "healthcare", "individual", "nonprofit"]
    monkeypatch.setenv("VISAGE_AUTO_APPROVED_CUSTOMER_TYPES", "pirates")
    with pytest.raises(ValueError, match="pirates"):
        load_config()


def test_a_declared_detection_only_use_has_no_recognition(client: FlaskClient) -> None:
    body = client.post("/signup", json=signup_form(use_cases=["redaction"])).get_json()
    assert body["limited_access"] == "not_requested"


def test_a_tenant_can_ask_for_a_new_link_until_it_is_verified(client: FlaskClient) -> None:
    account = sign_up(client)
    before = len(client.get("/admin/v1/outbox", headers=ADMIN).get_json())
    asked = client.post("/mgmt/v1/tenant/resendVerification", headers=account.bearer)
    assert asked.status_code == 202
    outbox = client.get("/admin/v1/outbox", headers=ADMIN).get_json()
    assert len(outbox) == before + 1 and outbox[0]["to"].startswith("dev@contoso-")
    assert client.get(outbox[0]["link"].split("localhost", 1)[1]).status_code == 200
    again = client.post("/mgmt/v1/tenant/resendVerification", headers=account.bearer)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "EmailAlreadyVerified")
