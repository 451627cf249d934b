"""The operator API: tenants by status, Limited Access review, suspension, misrepresentation."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.tenants import Account, sign_up, signup_form
from tests.support.terms import ADMIN, approve, detect_face, detect_signed_face, recorded, verify


def tenants(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/admin/v1/tenants{query}", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json())


def review(client: FlaskClient, tenant_id: str, **body: Any) -> Any:
    return client.post(f"/admin/v1/tenants/{tenant_id}/review", json=body, headers=ADMIN)


def test_tenants_are_listed_by_status_and_by_limited_access(client: FlaskClient) -> None:
    shop = sign_up(client)
    ministry = sign_up(client, customer_type="government", organization="Ministry of Culture")
    assert [t["tenant_id"] for t in tenants(client)] == [shop.tenant_id, ministry.tenant_id]
    assert [t["tenant_id"] for t in tenants(client, "?limited_access=pending_review")] == [ministry.tenant_id]
    assert [t["tenant_id"] for t in tenants(client, "?status=pending_verification&limited_access=approved")] == [
        shop.tenant_id]
    assert tenants(client, "?status=active") == []
    bad = client.get("/admin/v1/tenants?limited_access=maybe", headers=ADMIN)
    assert bad.status_code == 400 and "pending_review" in bad.get_json()["error"]["message"]


def test_one_tenant_or_a_404(client: FlaskClient) -> None:
    shop = sign_up(client)
    assert client.get(f"/admin/v1/tenants/{shop.tenant_id}", headers=ADMIN).get_json()["tenant_id"] == shop.tenant_id
    missing = client.get("/admin/v1/tenants/nobody", headers=ADMIN)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "TenantNotFound"
    assert review(client, "nobody", decision="approve", reason="x").status_code == 404


def test_approval_is_recorded_emailed_and_readable_by_the_tenant(client: FlaskClient) -> None:
    ministry = sign_up(client, customer_type="government", organization="Ministry of Culture",
                       no_policing_function=True)
    face = detect_face(client, ministry, {})
    assert verify(client, ministry, face, face, {}).status_code == 403
    decided = review(client, ministry.tenant_id, decision="approve", reason="museum access control")
    assert decided.status_code == 200 and decided.get_json()["limited_access"] == "approved"
    assert verify(client, ministry, face, face, {}).status_code == 200
    own = client.get("/mgmt/v1/tenant", headers=ministry.bearer).get_json()
    assert own["limited_access"] == "approved"
    assert own["review_reasons"] == ["customer type government is reviewed by an operator"]
    [decision] = own["decisions"]
    assert (decision["decision"], decision["reason"], decision["by"]) == ("approve", "museum access control",
                                                                          "operator")
    latest = client.get("/admin/v1/outbox", headers=ADMIN).get_json()[0]
    assert latest["to"] == own["email"] and "approved" in latest["subject"]
    assert "museum access control" in latest["body"]


def test_rejection_keeps_recognition_refused(client: FlaskClient) -> None:
    ministry = sign_up(client, customer_type="government", organization="Ministry of Interior")
    assert review(client, ministry.tenant_id, decision="reject", reason="mass surveillance").get_json()[
        "limited_access"] == "rejected"
    face = detect_face(client, ministry, {})
    refused = verify(client, ministry, face, face, {})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "UnsupportedFeature"


@pytest.mark.parametrize("body", [
    {"decision": "approve"},
    {"decision": "approve", "reason": "  "},
    {"decision": "maybe", "reason": "x"},
    {"decision": "approve", "reason": "x", "customer_type": "spy"},
    {"decision": "approve", "reason": "x", "extra": 1},
])
def test_a_review_needs_a_decision_and_a_reason(client: FlaskClient, body: dict[str, Any]) -> None:
    shop = sign_up(client)
    response = review(client, shop.tenant_id, **body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "BadArgument"


def test_a_police_signup_declaring_commercial_waits_for_review(client: FlaskClient) -> None:
    response = client.post("/signup", json={
        "organization": "Springfield Police Department", "email": "it@springfield.example",
        "customer_type": "commercial", "country": "GB", "use_cases": ["identity_verification"],
        "accept_terms": True})
    body = response.get_json()
    assert body["limited_access"] == "pending_review"
    assert "organization contains 'police'" in body["tenant"]["review_reasons"][0]
    assert body["tenant_id"] in [t["tenant_id"] for t in tenants(client, "?limited_access=pending_review")]


def test_an_email_domain_that_reads_as_police_waits_for_review(client: FlaskClient) -> None:
    account = sign_up(client, email="analyst@kent.police.uk")
    face = detect_face(client, account, {})
    refused = verify(client, account, face, face, {})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "UnsupportedFeature"
    own = client.get("/mgmt/v1/tenant", headers=account.bearer).get_json()
    assert "ends with .police.uk" in own["review_reasons"][0]


def test_the_operator_corrects_the_customer_type_and_the_terms_then_apply(client: FlaskClient) -> None:
    account = sign_up(client, organization="Kent Police Analytics", country="GB")
    decided = approve(client, account.tenant_id, "it is the police", customer_type="law_enforcement")
    assert decided["customer_type"] == "law_enforcement"
    assert [d["decision"] for d in decided["decisions"]] == ["correct_customer_type", "approve"]
    face = detect_face(client, account, {})
    refused = verify(client, account, face, face, {})
    assert refused.get_json()["error"]["innererror"]["code"] == "le-realtime-identification"
    old = detect_signed_face(client, account)
    assert verify(client, account, old, old, {}).status_code == 200


def test_a_signup_that_reads_as_police_cannot_be_approved_without_stating_its_type(client: FlaskClient) -> None:
    account = sign_up(client, organization="Kent Police Analytics", country="GB")
    refused = review(client, account.tenant_id, decision="approve", reason="looks fine")
    assert refused.status_code == 400 and refused.get_json()["error"]["target"] == "customer_type"
    confirmed = review(client, account.tenant_id, decision="approve", reason="a policy research firm after all",
                       customer_type="commercial")
    assert confirmed.status_code == 200 and confirmed.get_json()["limited_access"] == "approved"


def test_the_operator_corrects_the_country_and_the_us_clause_then_applies(client: FlaskClient) -> None:
    account = sign_up(client, customer_type="law_enforcement", organization="Springfield PD", country="GB")
    decided = review(client, account.tenant_id, decision="approve", reason="department is in Illinois",
                     customer_type="law_enforcement", country="US").get_json()
    assert decided["country"] == "US"
    assert "correct_country" in [d["decision"] for d in decided["decisions"]]
    old = detect_face(client, account, recorded())
    refused = verify(client, account, old, old, recorded())
    assert refused.get_json()["error"]["innererror"]["code"] == "us-police-recognition"
    assert review(client, account.tenant_id, decision="approve", reason="x", country="XX").status_code == 400


def suspend(client: FlaskClient, account: Account, reason: str = "payment fraud") -> Any:
    return client.post(f"/admin/v1/tenants/{account.tenant_id}/suspend", json={"reason": reason}, headers=ADMIN)


def test_a_suspended_tenant_can_read_but_not_call_or_change_anything(client: FlaskClient) -> None:
    account = sign_up(client)
    face = detect_face(client, account, {})
    assert suspend(client, account).get_json()["status"] == "suspended"
    for response in (
        client.post("/face/v1.2/detect", data=b"x", headers={**account.key_header,
                                                             "Content-Type": "application/octet-stream"}),
        verify(client, account, face, face, {}),
        client.post("/mgmt/v1/deployments", json={"name": "more", "sku": "S0", "region": "eastus"},
                    headers=account.bearer),
        client.delete(f"/mgmt/v1/deployments/{account.deployment}", headers=account.bearer),
        client.patch(f"/mgmt/v1/deployments/{account.deployment}", json={"sku": "F0"}, headers=account.bearer),
        client.post(f"/mgmt/v1/deployments/{account.deployment}/regenerateKey", json={"keyName": "key1"},
                    headers=account.bearer),
    ):
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "TenantSuspended"
    own = client.get("/mgmt/v1/tenant", headers=account.bearer).get_json()
    assert own["status"] == "suspended" and own["decisions"][-1]["reason"] == "payment fraud"
    assert client.get("/mgmt/v1/deployments", headers=account.bearer).status_code == 200
    assert client.get("/mgmt/v1/audit", headers=account.bearer).status_code == 200
    assert suspend(client, account).status_code == 409


def test_reinstating_restores_the_tenant(client: FlaskClient) -> None:
    account = sign_up(client)
    face = detect_face(client, account, {})
    suspend(client, account)
    back = client.post(f"/admin/v1/tenants/{account.tenant_id}/reinstate", json={"reason": "refund settled"},
                       headers=ADMIN)
    assert back.status_code == 200 and back.get_json()["status"] == "pending_verification"
    assert verify(client, account, face, face, {}).status_code == 200
    subjects = [email["subject"] for email in client.get("/admin/v1/outbox", headers=ADMIN).get_json()[:2]]
    assert subjects == ["Visage: your tenant was reinstated", "Visage: your tenant was suspended"]
    again = client.post(f"/admin/v1/tenants/{account.tenant_id}/reinstate", json={"reason": "x"}, headers=ADMIN)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "TenantNotSuspended"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/admin/v1/tenants"), ("GET", "/admin/v1/tenants/x"), ("POST", "/admin/v1/tenants/x/review"),
    ("POST", "/admin/v1/tenants/x/suspend"), ("POST", "/admin/v1/tenants/x/reinstate"),
    ("GET", "/admin/v1/audit"), ("GET", "/admin/v1/outbox"),
])
def test_every_operator_route_needs_the_admin_token(client: FlaskClient, method: str, path: str) -> None:
    account = sign_up(client)
    for headers in ({}, account.bearer):
        response = client.open(path, method=method, json={}, headers=headers)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "Unauthorized"


def test_a_rejected_police_tenant_or_its_colleague_signing_up_as_commercial_is_reviewed(client: FlaskClient) -> None:
    first = sign_up(client, customer_type="law_enforcement", organization="Metro Unit", email="chief@metro.example")
    review(client, first.tenant_id, decision="reject", reason="real-time use declared")
    again = client.post("/signup", json=signup_form(organization="Metro Analytics", email="chief@metro.example"))
    body = again.get_json()
    assert body["limited_access"] == "pending_review"
    assert any("signed up before" in reason for reason in body["tenant"]["review_reasons"])
    assert first.tenant_id not in str(body["tenant"]["review_reasons"])
    colleague = client.post("/signup", json=signup_form(email="someone.else@metro.example")).get_json()
    assert colleague["limited_access"] == "pending_review"
    assert not any("signed up before" in reason for reason in colleague["tenant"]["review_reasons"])
    assert "email domain" in colleague["tenant"]["review_reasons"][0]
    stranger = client.post("/signup", json=signup_form(email="someone@elsewhere.example")).get_json()
    assert stranger["limited_access"] == "approved"


def test_every_operator_decision_is_on_the_audit_trail(client: FlaskClient) -> None:
    from server.extensions import get_redis
    from server.store.audit import AuditLog

    account = sign_up(client, organization="Kent Police Analytics", country="GB")
    approve(client, account.tenant_id, "it is the police", customer_type="law_enforcement", country="IE")
    for action in ("suspend", "reinstate"):
        response = client.post(f"/admin/v1/tenants/{account.tenant_id}/{action}", json={"reason": f"{action} now"},
                               headers=ADMIN)
        assert response.status_code == 200
    trail = client.get(f"/admin/v1/audit?tenant_id={account.tenant_id}", headers=ADMIN).get_json()
    assert [(e["kind"], e["action"]) for e in trail][::-1] == [
        ("operator_correction", "correct_country"), ("operator_correction", "correct_customer_type"),
        ("operator_review", "approve"), ("operator_suspension", "suspend"),
        ("operator_reinstatement", "reinstate")]
    assert trail[-1]["reason"].startswith("GB -> IE") and trail[0]["status"] == "pending_verification"
    assert [e["id"] for e in client.get("/mgmt/v1/audit", headers=account.bearer).get_json()] == [
        e["id"] for e in trail]
    with client.application.app_context():
        assert AuditLog(get_redis()).verify().ok


def test_an_earlier_tenant_of_an_organization_confirmed_as_police_is_reviewed_again(client: FlaskClient) -> None:
    earlier = sign_up(client, organization="Northwind Data", email="ops@northwind.example")
    face = detect_face(client, earlier, {})
    assert verify(client, earlier, face, face, {}).status_code == 200
    stranger = sign_up(client)
    police = sign_up(client, customer_type="law_enforcement", organization="Northwind Data",
                     email="cops@northwind.example")
    approve(client, police.tenant_id, "a police force", customer_type="law_enforcement")

    refused = verify(client, earlier, face, face, {})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "UnsupportedFeature"
    own = client.get("/mgmt/v1/tenant", headers=earlier.bearer).get_json()
    assert own["limited_access"] == "pending_review" and own["decisions"][-1]["decision"] == "review_again"
    for secret in ("law_enforcement", "cops@", police.tenant_id):
        assert secret not in str(own)
    trail = client.get(f"/admin/v1/audit?tenant_id={earlier.tenant_id}", headers=ADMIN).get_json()
    assert [(e["action"], e["limited_access"]) for e in trail if e["kind"] == "operator_review"] == [
        ("review_again", "pending_review")]
    assert review(client, earlier.tenant_id, decision="approve", reason="same name only").status_code == 400
    assert review(client, earlier.tenant_id, decision="approve", reason="a different firm",
                  customer_type="commercial").status_code == 200
    assert verify(client, earlier, face, face, {}).status_code == 200
    approve(client, police.tenant_id, "reviewed again", customer_type="law_enforcement")
    assert verify(client, earlier, face, face, {}).status_code == 200  # the operator's word on it stands
    stranger_face = detect_face(client, stranger, {})
    assert verify(client, stranger, stranger_face, stranger_face, {}).status_code == 200
