"""The signup review through HTTP and real Redis: government statements, footage, linked signups and the
operator's view of them."""

from __future__ import annotations

from flask.testing import FlaskClient
from redis import Redis

from server.store import keys
from server.store.tenants import TenantRepository
from tests.support.tenants import signup_form
from tests.support.terms import ADMIN


def signup(client: FlaskClient, **form: object) -> dict[str, object]:
    response = client.post("/signup", json=signup_form(**form))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def review(client: FlaskClient, tenant_id: str, **body: object) -> dict[str, object]:
    response = client.post(f"/admin/v1/tenants/{tenant_id}/review", json=body, headers=ADMIN)
    return {**response.get_json(), "http_status": response.status_code}


def test_a_government_signup_without_the_statement_needs_its_type_confirmed(client: FlaskClient) -> None:
    silent = signup(client, customer_type="government", organization="Ministry of Transport")
    assert silent["limited_access"] == "pending_review"
    assert "no policing function" in str(silent["tenant"]["review_reasons"])  # type: ignore[index]
    refused = review(client, str(silent["tenant_id"]), decision="approve", reason="transport ministry")
    assert refused["http_status"] == 400 and refused["error"]["target"] == "customer_type"  # type: ignore[index]
    approved = review(client, str(silent["tenant_id"]), decision="approve", reason="transport ministry",
                      customer_type="government")
    assert approved["http_status"] == 200 and approved["limited_access"] == "approved"


def test_the_statement_is_kept_and_shown_back(client: FlaskClient) -> None:
    stated = signup(client, customer_type="government", organization="Ministry of Culture", no_policing_function=True)
    assert stated["tenant"]["no_policing_function"] is True  # type: ignore[index]
    assert stated["tenant"]["review_reasons"] == ["customer type government is reviewed by an operator"]  # type: ignore[index]


def test_police_cannot_state_they_have_no_policing_function(client: FlaskClient, redis_db: Redis) -> None:
    response = client.post("/signup", json=signup_form(customer_type="law_enforcement", no_policing_function=True))
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["target"] == "no_policing_function"
    assert TenantRepository(redis_db).list() == []


def test_a_commercial_signup_for_investigations_on_footage_waits_for_review(client: FlaskClient) -> None:
    body = signup(client, use_cases=["investigative_identification"])
    assert body["limited_access"] == "pending_review"
    assert review(client, str(body["tenant_id"]), decision="approve", reason="ok")["http_status"] == 400


def test_the_signup_page_asks_for_the_statement(client: FlaskClient) -> None:
    page = client.get("/signup").get_data(as_text=True)
    assert 'name="no_policing_function"' in page and "no policing function" in page


def test_the_operator_sees_linked_tenants_with_their_decisions_and_the_tenant_does_not(
        client: FlaskClient, redis_db: Redis) -> None:
    first = signup(client, customer_type="law_enforcement", organization="Metro Unit", email="chief@metro.example")
    review(client, str(first["tenant_id"]), decision="reject", reason="real-time use declared")
    again = signup(client, organization="METRO UNIT Ltd", email="analyst@mail.metro.example")
    assert again["limited_access"] == "pending_review"

    seen = client.get(f"/admin/v1/tenants/{again['tenant_id']}", headers=ADMIN).get_json()
    assert seen["customer_type_to_confirm"] is True
    [linked] = seen["linked_tenants"]  # type: ignore[misc]
    assert (linked["tenant_id"], linked["customer_type"], linked["limited_access"]) == (
        first["tenant_id"], "law_enforcement", "rejected")
    assert [d["reason"] for d in linked["decisions"]] == ["real-time use declared"]
    assert any("metro.example" in why for why in linked["linked_by"])
    assert any("organization name" in why for why in linked["linked_by"])

    own = client.get("/mgmt/v1/tenant", headers={"Authorization": f"Bearer {again['management_token']}"})
    shown = own.get_data(as_text=True)
    for secret in (str(first["tenant_id"]), "chief@metro.example", "real-time use declared", "law_enforcement"):
        assert secret not in shown


def test_tenants_stored_before_the_link_index_are_linked_too(client: FlaskClient, redis_db: Redis) -> None:
    old = signup(client, customer_type="law_enforcement", email="chief@metro.example")
    dropped = [key for key in redis_db.scan_iter(match=keys.tenants_by_link("*"))]
    assert keys.tenant_links_indexed().encode() in dropped
    redis_db.delete(*dropped)
    newcomer = signup(client, email="someone@metro.example")
    assert newcomer["limited_access"] == "pending_review"
    seen = client.get(f"/admin/v1/tenants/{newcomer['tenant_id']}", headers=ADMIN).get_json()
    assert [linked["tenant_id"] for linked in seen["linked_tenants"]] == [old["tenant_id"]]
