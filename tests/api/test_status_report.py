"""`visage status` reads tenants, deployments, queue depth and refusals from Redis, as they are."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from redis import Redis

from server import status
from server.cli import main
from tests.conftest import TEST_REDIS_URL
from tests.support.tenants import sign_up
from tests.support.terms import approve, detect_face, live, recorded, verify


def test_status_shows_tenants_deployments_queued_training_and_refusals(client: FlaskClient, redis_db: Redis,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    shop = sign_up(client, organization="Contoso Photo")
    police = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police",
                     use_cases=["investigative_identification"])
    approve(client, police.tenant_id, "investigations on recorded material")
    face = detect_face(client, police, recorded())
    assert verify(client, police, face, face, live()).status_code == 403
    key = {"Ocp-Apim-Subscription-Key": shop.key1}
    assert client.put("/face/v1.2/largepersongroups/staff", json={"name": "Staff"}, headers=key).status_code == 200
    assert client.post("/face/v1.2/largepersongroups/staff/train", headers=key).status_code == 202  # no worker runs

    report = status.gather(redis_db)
    assert report.summary == ["2 tenants (2 pending_verification), 4 deployments (4 S0), 0 workers"]
    assert {row[1] for row in report.tenants[1]} == {"Contoso Photo", "Kent Police"}
    assert sorted((row[0], row[1]) for row in report.deployments[1]) == [
        ("Contoso Photo", "face-1"), ("Contoso Photo", "starter"), ("Kent Police", "face-1"),
        ("Kent Police", "starter")]
    assert dict((row[0], row[1]) for row in report.queues[1])["training"] == "1"
    assert [(row[1], row[3]) for row in report.refusals[1]] == [(police.tenant_id, "le-realtime-identification")]

    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    assert main(["status"]) == 0
    text = capsys.readouterr().out
    assert "Kent Police" in text and "le-realtime-identification" in text and "Running jobs:\n  none" in text
