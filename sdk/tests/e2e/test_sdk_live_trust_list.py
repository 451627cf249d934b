"""The operator's trust list of capture-device CAs through the SDK, against `visage up`: what a CA
on the list (and then off it) does to the provenance of a signed capture."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from sdk_live import Account
from visage import (
    AdminClient,
    AuditKind,
    AuthenticationError,
    ConflictError,
    DeviceClass,
    InvalidRequestError,
    NotFoundError,
    ProvenanceStatus,
)

from tests.support.c2pa import device, example, jpeg, pem
from tests.support.live import LiveVisage

pytestmark = pytest.mark.slow


def test_the_operator_lists_a_ca_and_removes_it_live(live: LiveVisage, account: Account) -> None:
    ca = example().make_ca(f"SDK e2e dash camera CA {uuid.uuid4().hex[:8]}")
    camera = device(ca, "Dash camera 0042", ca[1])
    capture = camera.sign(jpeg(), captured_at=datetime.now(UTC) - timedelta(days=2))
    with account.face_client() as client:
        assert client.detect(capture).provenance is ProvenanceStatus.UNTRUSTED  # signed, by a CA nobody listed
        with AdminClient(live.endpoint, live.admin_token) as admin:
            anchor = admin.add_trust_anchor("SDK e2e dash cameras", pem(ca[1]), DeviceClass.DASH)
            assert anchor.device_class is DeviceClass.DASH and anchor.name == "SDK e2e dash cameras"
            assert anchor.fingerprint_sha256 == ca[1].fingerprint(hashes.SHA256()).hex()
            assert anchor.subject == ca[1].subject.rfc4514_string() and anchor.not_after > datetime.now(UTC)
            assert anchor in list(admin.list_trust_anchors())
            assert client.detect(capture).provenance is ProvenanceStatus.TRUSTED

            admin.delete_trust_anchor(anchor.id)
            assert anchor.id not in {listed.id for listed in admin.list_trust_anchors()}
            assert client.detect(capture).provenance is ProvenanceStatus.UNTRUSTED
            with pytest.raises(NotFoundError):
                admin.delete_trust_anchor(anchor.id)
            trail = [entry for entry in admin.list_audit(limit=200) if entry.kind is AuditKind.TRUST_LIST_CHANGE
                     and entry.details is not None and entry.details.get("trust_anchor_id") == anchor.id]
    assert [entry.action for entry in trail] == ["remove", "add"]  # newest first
    for entry in trail:
        assert entry.allowed is None and entry.details is not None and entry.details["device_class"] == "dash"
        assert entry.details["certificate_sha256"] == anchor.fingerprint_sha256


def test_an_unsigned_photo_has_no_provenance_live(account: Account) -> None:
    with account.face_client() as client:
        faces = client.detect(jpeg())
    assert faces and faces.provenance is ProvenanceStatus.NONE


def test_the_trust_list_refuses_what_is_not_a_new_ca_live(live: LiveVisage) -> None:
    ca = example().make_ca(f"SDK e2e fixed camera CA {uuid.uuid4().hex[:8]}")
    leaf = device(ca, "Fixed camera 0001", ca[1]).chain[0]
    with AdminClient(live.endpoint, live.admin_token) as admin:
        anchor = admin.add_trust_anchor("SDK e2e fixed cameras", pem(ca[1]).encode("ascii"), "fixed")
        try:
            with pytest.raises(ConflictError) as listed_twice:
                admin.add_trust_anchor("The same CA again", pem(ca[1]), DeviceClass.HANDHELD)
            assert listed_twice.value.code == "TrustAnchorExists" and listed_twice.value.attempts == 1
            with pytest.raises(InvalidRequestError):  # a device's own certificate: list the CA that issued it
                admin.add_trust_anchor("A camera", pem(leaf), DeviceClass.FIXED)
            with pytest.raises(InvalidRequestError):
                admin.add_trust_anchor("A tripod", pem(ca[1]), "tripod")
            assert [a.id for a in admin.list_trust_anchors() if a.fingerprint_sha256 == anchor.fingerprint_sha256] \
                == [anchor.id]
        finally:
            admin.delete_trust_anchor(anchor.id)


def test_a_tenant_token_cannot_touch_the_trust_list_live(live: LiveVisage, account: Account) -> None:
    ca = example().make_ca(f"SDK e2e self-vouching CA {uuid.uuid4().hex[:8]}")
    with AdminClient(live.endpoint, account.token) as pretender, pytest.raises(AuthenticationError) as refused:
        pretender.add_trust_anchor("Our own cameras", pem(ca[1]), DeviceClass.BODY_WORN)
    assert refused.value.status == 401
    with AdminClient(live.endpoint, live.admin_token) as admin:
        assert pem(ca[1]) not in {anchor.certificate for anchor in admin.list_trust_anchors()}
