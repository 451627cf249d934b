"""Provenance read from real C2PA-signed images, made in this run under a test PKI, with c2pa-python."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis

from server.domain.provenance import DeviceClass, ProvenanceStatus
from server.domain.trust_anchors import TrustAnchor
from server.services.provenance import provenance_of
from server.services.trust_anchors import add_trust_anchor, delete_trust_anchor
from server.vision.provenance import read_provenance
from tests.support.c2pa import expired_capture, jpeg, pem, pki, png, tampered

CAPTURED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def body_worn_anchor() -> TrustAnchor:
    return pki().anchor(pki().ca, DeviceClass.BODY_WORN, "Body cameras", "body")


def test_a_capture_signed_by_a_listed_device_is_trusted_with_its_time_and_class() -> None:
    signed = pki().body_cam.sign(jpeg(), captured_at=CAPTURED)
    result = read_provenance(signed, [body_worn_anchor()])
    assert result.status is ProvenanceStatus.TRUSTED, result.reasons
    assert result.captured_at == CAPTURED
    assert (result.device_class, result.anchor_id, result.anchor_name) == (DeviceClass.BODY_WORN, "body",
                                                                          "Body cameras")
    assert not [code for code in result.codes if "mismatch" in code or "untrusted" in code]


def test_changed_pixels_make_a_signed_image_untrusted_and_say_why() -> None:
    signed = pki().body_cam.sign(jpeg(), captured_at=CAPTURED)
    result = read_provenance(tampered(signed), [body_worn_anchor()])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "assertion.dataHash.mismatch" in result.codes
    assert any("changed after it was signed" in reason for reason in result.reasons)
    assert (result.captured_at, result.device_class) == (None, None)


def test_a_ca_the_operator_did_not_list_is_untrusted() -> None:
    signed = pki().unrelated_cam.sign(jpeg(), captured_at=CAPTURED)
    result = read_provenance(signed, [body_worn_anchor()])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "signingCredential.untrusted" in result.codes
    assert result.captured_at is None


def test_a_ca_that_only_copies_a_listed_name_is_untrusted() -> None:
    assert pki().impostor_ca[1].subject == pki().ca[1].subject
    signed = pki().impostor_cam.sign(jpeg(), captured_at=CAPTURED)
    assert read_provenance(signed, [body_worn_anchor()]).status is ProvenanceStatus.UNTRUSTED


def test_an_expired_signing_certificate_is_untrusted() -> None:
    result = read_provenance(expired_capture(CAPTURED), [body_worn_anchor()])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "signingCredential.expired" in result.codes
    assert any("expired" in reason for reason in result.reasons)


def test_an_image_without_a_manifest_has_no_provenance() -> None:
    result = read_provenance(jpeg(), [body_worn_anchor()])
    assert (result.status, result.codes, result.reasons) == (ProvenanceStatus.NONE, (), ())


def test_a_signed_png_is_trusted() -> None:
    signed = pki().body_cam.sign(png(), captured_at=CAPTURED, mime_type="image/png")
    result = read_provenance(signed, [body_worn_anchor()])
    assert (result.status, result.captured_at) == (ProvenanceStatus.TRUSTED, CAPTURED), result.reasons


def test_the_device_class_is_the_anchor_the_chain_ends_at_among_many() -> None:
    anchors = [
        pki().anchor(pki().unrelated_ca, DeviceClass.FIXED, "Fixed cameras", "fixed"),
        body_worn_anchor(),
        pki().anchor(pki().dash_ca, DeviceClass.DASH, "Dash cameras", "dash"),
        pki().anchor(pki().impostor_ca, DeviceClass.EVIDENCE_SYSTEM, "Evidence system", "evidence"),
    ]
    dash = read_provenance(pki().dash_cam.sign(jpeg(), captured_at=CAPTURED), anchors)
    body = read_provenance(pki().body_cam.sign(jpeg(), captured_at=CAPTURED), anchors)
    impostor = read_provenance(pki().impostor_cam.sign(jpeg(), captured_at=CAPTURED), anchors)
    assert (dash.device_class, dash.anchor_id) == (DeviceClass.DASH, "dash"), dash.reasons
    assert (body.device_class, body.anchor_id) == (DeviceClass.BODY_WORN, "body"), body.reasons
    assert (impostor.device_class, impostor.anchor_id) == (DeviceClass.EVIDENCE_SYSTEM, "evidence")


def test_one_class_of_many_anchors_is_searched_down_to_the_anchor() -> None:
    others = [pki().anchor(pki().unrelated_ca, DeviceClass.BODY_WORN, f"Other {i}", f"other-{i}") for i in range(5)]
    anchors = [*others[:3], body_worn_anchor(), *others[3:]]
    result = read_provenance(pki().body_cam.sign(jpeg(), captured_at=CAPTURED), anchors)
    assert (result.status, result.anchor_id) == (ProvenanceStatus.TRUSTED, "body")


def test_a_chain_ending_at_anchors_of_two_classes_is_not_trusted() -> None:
    anchors = [body_worn_anchor(), pki().anchor(pki().ca, DeviceClass.EVIDENCE_SYSTEM, "Same CA again", "again")]
    result = read_provenance(pki().body_cam.sign(jpeg(), captured_at=CAPTURED), anchors)
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "2 device classes" in result.reasons[0]


def test_a_manifest_without_a_created_time_is_trusted_but_has_no_capture_time() -> None:
    result = read_provenance(pki().body_cam.sign(jpeg(), captured_at=None), [body_worn_anchor()])
    assert (result.status, result.captured_at) == (ProvenanceStatus.TRUSTED, None)
    assert any("capture time is unknown" in reason for reason in result.reasons)


def test_no_trust_anchors_means_nothing_is_trusted() -> None:
    result = read_provenance(pki().body_cam.sign(jpeg(), captured_at=CAPTURED), [])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "the operator lists no trust anchors" in result.reasons


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty"),
    pytest.param(b"\x00" * 5000, id="zeros"),
    pytest.param(b"\xff\xd8\xff\xeb" + b"\x00\x10JP" + b"\x00" * 4000, id="jpeg-with-a-broken-app11"),
    pytest.param(b"\xff\xd8" + b"\xff\xeb\xff\xf0JP\x00\x01\x00\x00\x00\x01" + b"jumb" * 16000, id="fake-jumbf"),
])
def test_broken_inputs_have_a_clear_outcome_quickly(data: bytes) -> None:
    started = time.monotonic()
    result = read_provenance(data, [body_worn_anchor()])
    assert result.status in (ProvenanceStatus.NONE, ProvenanceStatus.UNTRUSTED)
    assert time.monotonic() - started < 2


def test_a_truncated_signed_image_is_untrusted() -> None:
    signed = pki().body_cam.sign(jpeg(), captured_at=CAPTURED)
    for cut in (len(signed) // 2, len(signed) - 100):
        result = read_provenance(signed[:cut], [body_worn_anchor()])
        assert result.status is ProvenanceStatus.UNTRUSTED, cut


def test_an_input_past_the_size_limit_is_not_read() -> None:
    result = read_provenance(b"\xff\xd8" + b"\x00" * (6 * 1024 * 1024 + 1), [body_worn_anchor()])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert "larger than" in result.reasons[0]


def test_the_data_plane_reads_the_trust_list_as_it_is_now(redis_db: Redis) -> None:
    signed = pki().body_cam.sign(jpeg(), captured_at=CAPTURED)
    assert provenance_of(redis_db, signed).status is ProvenanceStatus.UNTRUSTED
    anchor = add_trust_anchor(redis_db, name="Body cameras", certificate=pem(pki().ca[1]), device_class="body-worn")
    trusted = provenance_of(redis_db, signed)
    assert (trusted.status, trusted.anchor_id, trusted.captured_at) == (ProvenanceStatus.TRUSTED, anchor.anchor_id,
                                                                        CAPTURED)
    delete_trust_anchor(redis_db, anchor.anchor_id)
    assert provenance_of(redis_db, signed).status is ProvenanceStatus.UNTRUSTED


@pytest.mark.parametrize("box", [b"c2pa.signature", b"c2pa.actions"])
def test_a_corrupted_manifest_is_untrusted_with_the_reason(box: bytes) -> None:
    signed = bytearray(pki().body_cam.sign(jpeg(), captured_at=CAPTURED))
    start = signed.find(box) + 48
    signed[start:start + 8] = bytes(byte ^ 0xFF for byte in signed[start:start + 8])
    result = read_provenance(bytes(signed), [body_worn_anchor()])
    assert result.status is ProvenanceStatus.UNTRUSTED
    assert result.reasons and result.captured_at is None


def test_concurrent_reads_each_get_their_own_answer() -> None:
    anchors = [body_worn_anchor(), pki().anchor(pki().dash_ca, DeviceClass.DASH, "Dash cameras", "dash")]
    images = {
        "body": pki().body_cam.sign(jpeg(), captured_at=CAPTURED),
        "dash": pki().dash_cam.sign(jpeg(), captured_at=CAPTURED - timedelta(days=1)),
        "unlisted": pki().unrelated_cam.sign(jpeg(), captured_at=CAPTURED),
        "plain": jpeg(),
    }
    expected = {name: read_provenance(image, anchors) for name, image in images.items()}
    assert [expected[name].anchor_id for name in ("body", "dash")] == ["body", "dash"]
    jobs = [name for name in images for _ in range(6)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda name: read_provenance(images[name], anchors), jobs))
    assert answers == [expected[name] for name in jobs]
