"""The operator's trust list in Redis: only CA certificates, listed once, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis

from server.domain.provenance import NO_PROVENANCE, DeviceClass, Provenance, ProvenanceStatus
from server.domain.trust_anchors import TrustAnchor, TrustAnchorExists, TrustAnchorNotFound
from server.errors import BadArgument
from server.services.provenance import ANCHOR_REMOVED, as_trusted_now
from server.services.trust_anchors import (
    add_trust_anchor,
    delete_trust_anchor,
    get_trust_anchor,
    list_trust_anchors,
)
from server.store.audit import AuditLog
from tests.support.c2pa import example, pem, pki


def add(redis: Redis, certificate: object = None, **fields: object) -> TrustAnchor:
    body = {"name": "Acme body cameras", "certificate": pem(pki().ca[1]) if certificate is None else certificate,
            "device_class": "body-worn", **fields}
    return add_trust_anchor(redis, name=body["name"], certificate=body["certificate"],
                            device_class=body["device_class"])


def test_an_operator_lists_a_ca_and_reads_it_back(redis_db: Redis) -> None:
    anchor = add_trust_anchor(redis_db, name="  Acme body cameras ", certificate=pem(pki().ca[1]),
                              device_class="body-worn")
    dash = add_trust_anchor(redis_db, name="Dash", certificate=pem(pki().dash_ca[1]), device_class="dash")
    assert get_trust_anchor(redis_db, anchor.anchor_id) == anchor
    assert [a.anchor_id for a in list_trust_anchors(redis_db)] == [anchor.anchor_id, dash.anchor_id]
    assert (anchor.name, anchor.device_class.value) == ("Acme body cameras", "body-worn")
    assert anchor.subject == pki().ca[1].subject.rfc4514_string()
    assert anchor.certificate == pem(pki().ca[1])
    assert anchor.device_class is DeviceClass.BODY_WORN


def test_the_same_ca_cannot_be_listed_twice(redis_db: Redis) -> None:
    first = add(redis_db)
    with pytest.raises(TrustAnchorExists) as refused:
        add(redis_db, device_class="dash")
    assert first.anchor_id in refused.value.message
    assert len(list_trust_anchors(redis_db)) == 1


def test_a_deleted_anchor_is_gone_and_its_ca_can_be_listed_again(redis_db: Redis) -> None:
    anchor = add(redis_db)
    delete_trust_anchor(redis_db, anchor.anchor_id)
    assert list_trust_anchors(redis_db) == []
    with pytest.raises(TrustAnchorNotFound):
        get_trust_anchor(redis_db, anchor.anchor_id)
    with pytest.raises(TrustAnchorNotFound):
        delete_trust_anchor(redis_db, anchor.anchor_id)
    add(redis_db)
    assert len(list_trust_anchors(redis_db)) == 1


def leaf_pem() -> str:
    return pem(pki().body_cam.chain[0])


def expired_ca_pem() -> str:
    long_ago = datetime.now(UTC) - timedelta(days=900)
    return pem(example().make_ca("Old CA", not_before=long_ago, not_after=long_ago + timedelta(days=365))[1])


@pytest.mark.parametrize(("certificate", "fields", "says"), [
    pytest.param(leaf_pem(), {}, "not a certificate authority", id="a-device-leaf"),
    pytest.param("hello", {}, "exactly one PEM certificate", id="garbage"),
    pytest.param("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", {}, "not a readable PEM",
                 id="broken-pem"),
    pytest.param(pem(pki().ca[1]) + pem(pki().dash_ca[1]), {}, "exactly one PEM certificate", id="two-certificates"),
    pytest.param(12, {}, "must be a PEM certificate", id="not-a-string"),
    pytest.param(expired_ca_pem(), {}, "not now", id="an-expired-ca"),
    pytest.param(None, {"device_class": "drone"}, "'device_class' must be one of", id="unknown-class"),
    pytest.param(None, {"device_class": None}, "'device_class' must be one of", id="no-class"),
    pytest.param(None, {"name": ""}, "'name' must be", id="no-name"),
    pytest.param(None, {"name": "x" * 129}, "'name' must be", id="long-name"),
])
def test_anything_but_one_valid_ca_certificate_is_refused_and_changes_nothing(
        redis_db: Redis, certificate: object, fields: dict[str, object], says: str) -> None:
    with pytest.raises(BadArgument) as refused:
        add(redis_db, certificate, **fields)
    assert says in refused.value.message
    assert redis_db.keys("*") == []


def test_every_change_to_the_list_is_audited_in_the_chain(redis_db: Redis) -> None:
    anchor = add(redis_db)
    delete_trust_anchor(redis_db, anchor.anchor_id)
    log = AuditLog(redis_db)
    entries = list(reversed(log.newest(10)))
    assert [(e["kind"], e["action"], e["by"]) for e in entries] == [
        ("trust_list_change", "add", "operator"), ("trust_list_change", "remove", "operator")]
    details = [e["details"] for e in entries]
    assert all(isinstance(d, dict) and d["trust_anchor_id"] == anchor.anchor_id for d in details)
    assert details[0]["device_class"] == "body-worn" and details[0]["certificate_sha256"] == anchor.fingerprint
    assert log.verify().ok


def test_faces_trusted_under_an_anchor_since_removed_are_untrusted_now(redis_db: Redis) -> None:
    kept, removed = add(redis_db), add(redis_db, pem(pki().dash_ca[1]), device_class="dash")
    stored = (Provenance(ProvenanceStatus.TRUSTED, datetime.now(UTC), DeviceClass.BODY_WORN, kept.anchor_id),
              Provenance(ProvenanceStatus.TRUSTED, datetime.now(UTC), DeviceClass.DASH, removed.anchor_id),
              NO_PROVENANCE)
    assert as_trusted_now(redis_db, stored) == stored
    delete_trust_anchor(redis_db, removed.anchor_id)
    now_seen = as_trusted_now(redis_db, stored)
    assert (now_seen[0], now_seen[2]) == (stored[0], NO_PROVENANCE)
    assert now_seen[1].status is ProvenanceStatus.UNTRUSTED and now_seen[1].reasons == (ANCHOR_REMOVED,)
