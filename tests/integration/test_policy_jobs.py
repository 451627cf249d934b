"""Deciding again when a job runs, and the recognition cadence, against real Redis."""

from __future__ import annotations

from datetime import timedelta

from redis import Redis

from server.domain.capture import CaptureContext, CaptureMode
from server.domain.clock import now
from server.domain.operations import OperationClass
from server.domain.provenance import DeviceClass, Provenance, ProvenanceStatus
from server.services import operator
from server.services.policy import authorize_job
from server.services.signals import record_detected_faces
from server.services.tenants import sign_up
from server.services.trust_anchors import add_trust_anchor
from server.store import cadence
from server.store.audit import AuditLog
from server.store.deployments import DeploymentRepository
from tests.support.c2pa import pem, pki
from tests.support.tenants import signup_form

OLD_FOOTAGE = CaptureContext(CaptureMode.RECORDED, now() - timedelta(days=3))


def new_tenant(redis: Redis, **form: object) -> tuple[str, str]:
    result = sign_up(redis, signup_form(**form), base_url="http://visage.test")
    return result.tenant.tenant_id, result.deployment.deployment.deployment_id


def test_a_job_of_a_tenant_suspended_after_it_was_queued_is_refused(redis_db: Redis) -> None:
    tenant_id, deployment_id = new_tenant(redis_db)
    assert authorize_job(redis_db, tenant_id, deployment_id, OperationClass.TRAINING).allowed
    operator.suspend_tenant(redis_db, tenant_id, "chargeback")
    decision = authorize_job(redis_db, tenant_id, deployment_id, OperationClass.TRAINING)
    assert (decision.allowed, decision.code) == (False, "TenantSuspended")
    assert decision.to_error().kind.value == 403


def test_a_job_whose_deployment_or_tenant_is_gone_is_refused(redis_db: Redis) -> None:
    tenant_id, deployment_id = new_tenant(redis_db)
    DeploymentRepository(redis_db).delete(tenant_id, "starter")
    assert authorize_job(redis_db, tenant_id, deployment_id, OperationClass.TRAINING).code == "DeploymentNotFound"
    assert authorize_job(redis_db, "no-such-tenant", deployment_id, OperationClass.TRAINING).code == "TenantNotFound"


def old_trusted_footage(redis: Redis) -> Provenance:
    """What a fixed camera's signed recording from three days ago shows, under a CA the operator listed."""
    anchor = add_trust_anchor(redis, name="Test CA", certificate=pem(pki().ca[1]), device_class="fixed")
    return Provenance(ProvenanceStatus.TRUSTED, captured_at=now() - timedelta(days=3),
                      device_class=DeviceClass.FIXED, anchor_id=anchor.anchor_id)


def test_a_recognition_job_is_decided_on_its_footage_and_audited(redis_db: Redis) -> None:
    tenant_id, deployment_id = new_tenant(redis_db, customer_type="law_enforcement", country="DE",
                                          organization="Landespolizei Test")
    operator.review_tenant(redis_db, tenant_id, "approve", "investigations unit", customer_type=None)
    unknown = authorize_job(redis_db, tenant_id, deployment_id, OperationClass.IDENTIFICATION, job_id="j1")
    assert (unknown.allowed, unknown.clause) == (False, "le-realtime-identification")
    said = authorize_job(redis_db, tenant_id, deployment_id, OperationClass.IDENTIFICATION, capture=OLD_FOOTAGE)
    assert not said.allowed  # words alone are not provenance
    shown = authorize_job(redis_db, tenant_id, deployment_id, OperationClass.IDENTIFICATION,
                          footage=(old_trusted_footage(redis_db),), job_id="j2")
    assert shown.allowed
    entries = [e for e in AuditLog(redis_db).newest_of_tenant(tenant_id, 10) if e["kind"] == "policy_decision"]
    assert [e["decision"] for e in entries] == ["allowed", "refused", "refused"]
    assert (entries[0]["request_id"], entries[2]["request_id"]) == ("job:j2", "job:j1")


def test_a_live_streams_throughput_counts_as_real_time_for_law_enforcement_only(redis_db: Redis) -> None:
    police, police_deployment = new_tenant(redis_db, customer_type="law_enforcement", country="BR",
                                           organization="Policia Civil")
    operator.review_tenant(redis_db, police, "approve", "approved for recorded material", customer_type=None)
    shop, shop_deployment = new_tenant(redis_db)
    footage = (old_trusted_footage(redis_db),)
    assert authorize_job(redis_db, police, police_deployment, OperationClass.VERIFICATION, footage=footage).allowed
    for tenant_id in (police, shop):
        record_detected_faces(redis_db, tenant_id, [], 61)
    refused = authorize_job(redis_db, police, police_deployment, OperationClass.VERIFICATION, footage=footage)
    assert (refused.allowed, refused.clause) == (False, "le-realtime-identification")
    assert any("live stream's throughput" in reason for reason in refused.reasons)
    assert authorize_job(redis_db, shop, shop_deployment, OperationClass.VERIFICATION, footage=footage).allowed


def test_concurrent_calls_cannot_all_slip_under_the_cadence(redis_db: Redis) -> None:
    """Counting and recording are one atomic step: of 60 simultaneous calls, the 31st and later see
    a cadence above the threshold."""
    import threading

    tenant = "t-cadence"
    at_ms = int(now().timestamp() * 1000)
    counts: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        seen = cadence.record_and_count(Redis(connection_pool=redis_db.connection_pool), tenant, at_ms, 60_000)
        with lock:
            counts.append(seen)

    threads = [threading.Thread(target=call) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 61))
