"""CORS for the origins the operator lists: preflights answered without a key or a rate budget, the
Azure headers allowed and exposed, and nothing at all for an origin that is not listed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from server.config import parse_cors_origins
from tests.conftest import TEST_REDIS_URL
from tests.support.tenants import ADMIN_TOKEN, sign_up
from tests.support.terms import ADMIN

APP = "https://photos.contoso.example"
ELSEWHERE = "https://evil.example"
DETECT = "/face/v1.2/detect"
GROUPS = "/face/v1.2/largepersongroups"


def make_client(origins: list[str], rate_limits: dict[str, tuple[int, int]] | None = None) -> FlaskClient:
    from server import create_app

    app: Flask = create_app({"TESTING": True, "REDIS_URL": TEST_REDIS_URL, "ADMIN_TOKEN": ADMIN_TOKEN,
                             "RATE_LIMITS": rate_limits, "SIGNUP_RATE_LIMIT": None, "CORS_ORIGINS": origins})
    return app.test_client()


@pytest.fixture
def client(redis_db: Redis) -> FlaskClient:
    return make_client([APP, "http://localhost:5173"])


def preflight(client: FlaskClient, path: str, origin: str, method: str, headers: str) -> Any:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": headers})


def cors_headers(response: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()
            if name.lower().startswith("access-control-")}


def test_a_preflight_from_a_listed_origin_allows_the_azure_headers(client: FlaskClient) -> None:
    answer = preflight(client, DETECT, APP, "POST",
                       "ocp-apim-subscription-key, content-type, x-visage-capture-mode, x-visage-captured-at, "
                       "x-visage-camera, x-ms-client-request-id")
    assert answer.status_code == 200
    headers = cors_headers(answer)
    assert headers["access-control-allow-origin"] == APP
    assert {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")} == {
        "ocp-apim-subscription-key", "content-type", "x-visage-capture-mode", "x-visage-captured-at",
        "x-visage-camera", "x-ms-client-request-id"}
    assert "POST" in headers["access-control-allow-methods"]
    assert int(headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in headers
    assert "Origin" in answer.headers.get("Vary", "")


def test_a_header_that_is_not_allowed_is_left_out(client: FlaskClient) -> None:
    answer = preflight(client, DETECT, APP, "POST", "content-type, x-sneaky")
    assert answer.headers["Access-Control-Allow-Headers"].lower() == "content-type"


def test_answers_to_a_listed_origin_expose_the_azure_headers(client: FlaskClient) -> None:
    account = sign_up(client)
    answer = client.get(GROUPS, headers={**account.key_header, "Origin": APP})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == APP
    exposed = {h.strip().lower() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"apim-request-id", "x-ms-error-code", "operation-location", "retry-after", "x-visage-provenance"} <= exposed
    refused = client.get(GROUPS, headers={"Ocp-Apim-Subscription-Key": "wrong", "Origin": APP})
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == APP  # errors readable


def test_an_origin_that_is_not_listed_gets_no_cors_headers(client: FlaskClient) -> None:
    account = sign_up(client)
    assert cors_headers(preflight(client, DETECT, ELSEWHERE, "POST", "ocp-apim-subscription-key")) == {}
    assert cors_headers(client.get(GROUPS, headers={**account.key_header, "Origin": ELSEWHERE})) == {}
    assert cors_headers(preflight(client, DETECT, APP + ".evil.example", "POST", "content-type")) == {}


def test_without_configured_origins_nothing_is_cross_origin(redis_db: Redis) -> None:
    client = make_client([])
    assert cors_headers(preflight(client, DETECT, APP, "POST", "content-type")) == {}


def test_preflights_need_no_key_and_spend_no_rate_budget(redis_db: Redis) -> None:
    client = make_client([APP], rate_limits={"F0": (2, 60), "S0": (2, 60)})
    account = sign_up(client)
    for _ in range(5):
        answer = preflight(client, GROUPS, APP, "GET", "ocp-apim-subscription-key")
        assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == APP
    assert [client.get(GROUPS, headers=account.key_header).status_code for _ in range(3)] == [200, 200, 429]


def test_the_management_api_answers_listed_origins_but_the_operator_api_does_not(client: FlaskClient) -> None:
    answer = preflight(client, "/mgmt/v1/deployments", APP, "POST", "authorization, content-type")
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Headers"].lower() == "authorization, content-type"
    assert cors_headers(preflight(client, "/admin/v1/tenants", APP, "GET", "authorization")) == {}
    assert cors_headers(client.get("/admin/v1/tenants", headers={**ADMIN, "Origin": APP})) == {}


@pytest.mark.parametrize("text", ["contoso.example", "ftp://contoso.example", "https://contoso.example/app",
                                  "https://contoso.example?x=1", "https://user@contoso.example"])
def test_an_origin_list_entry_that_is_not_an_origin_stops_start_up(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cors_origins(text)


def test_origins_are_parsed_with_their_ports_and_any_origin_is_allowed_only_when_asked() -> None:
    assert parse_cors_origins(" https://a.example:8443/, http://[::1]:5173 ") == [
        "https://a.example:8443", "http://[::1]:5173"]
    assert parse_cors_origins("*") == ["*"]
    assert parse_cors_origins("") == []


def vary(response: Any) -> set[str]:
    return {value.strip().lower() for header in response.headers.getlist("Vary") for value in header.split(",")}


@pytest.mark.parametrize("origins", [[APP], [APP, "http://localhost:5173"], ["*"]])
def test_every_cross_origin_answer_varies_on_origin_whoever_asks(redis_db: Redis, origins: list[str]) -> None:
    """A shared cache must not hand one origin's answer (with or without CORS headers) to another."""
    client = make_client(origins)
    account = sign_up(client)
    asked = {"listed": {"Origin": APP}, "not listed": {"Origin": ELSEWHERE}, "no origin": {}}
    for who, headers in asked.items():
        answer = client.get(GROUPS, headers={**account.key_header, **headers})
        assert "origin" in vary(answer), (who, answer.headers)
        assert len(answer.headers.getlist("Vary")) <= 1
        flight = client.options(GROUPS, headers={**headers, "Access-Control-Request-Method": "GET"})
        assert "origin" in vary(flight), (who, flight.headers)
        mgmt = client.get("/mgmt/v1/deployments", headers={**account.bearer, **headers})
        assert "origin" in vary(mgmt), (who, mgmt.headers)
