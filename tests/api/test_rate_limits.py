"""Per-SKU rate limits on the data plane and per-address limits on signup: 429 with Retry-After."""

from __future__ import annotations

from flask import Flask

from tests.support.faces import photo
from tests.support.tenants import sign_up, signup_form


def test_an_f0_deployment_gets_429_after_its_quota(app: Flask) -> None:
    app.config["RATE_LIMITS"] = {"F0": (3, 60), "S0": (100, 1)}
    client = app.test_client()
    free = sign_up(client, sku="F0", deployment="free")
    paid = sign_up(client, sku="S0", deployment="paid")
    image = photo("people/obama/obama_small.jpg").read()

    def detect(key: str) -> int:
        return client.post("/face/v1.2/detect?returnFaceId=false", data=image, headers={
            "Ocp-Apim-Subscription-Key": key, "Content-Type": "application/octet-stream"}).status_code

    assert [detect(free.key1) for _ in range(3)] == [200, 200, 200]
    refused = client.post("/face/v1.2/detect", data=image, headers={
        "Ocp-Apim-Subscription-Key": free.key2, "Content-Type": "application/octet-stream"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "429"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert f"Try again in {refused.headers['Retry-After']} seconds" in refused.get_json()["error"]["message"]
    assert detect(paid.key1) == 200  # limits are per deployment


def test_signups_from_one_address_are_limited(app: Flask) -> None:
    app.config["SIGNUP_RATE_LIMIT"] = (2, 3600)
    client = app.test_client()
    assert [client.post("/signup", json=signup_form()).status_code for _ in range(2)] == [201, 201]
    refused = client.post("/signup", json=signup_form())
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
