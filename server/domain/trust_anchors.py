"""The operator's trust list: certificate authorities of capture devices, one device class each.

Only the operator adds anchors (a police force must not vouch for its own footage). An anchor is a
CA certificate: a device's own (leaf) certificate is refused, since C2PA validation needs the
authority the chain ends at, and listing one device would say nothing about the others.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from server.domain.clock import format_time, parse_time
from server.domain.provenance import DeviceClass
from server.errors import BadArgument, Conflict, NotFound

NAME_MAX = 128
CERTIFICATE_MAX_CHARS = 16_384
"""A PEM CA certificate is 1 to 3 KB; anything far larger is not one certificate."""

MAX_TRUST_ANCHORS = 200
"""Anchors on the list at once. Every provenance read hands the whole list to the C2PA library, and
finding which anchor a chain ends at costs a read per halving of the list, so the list stays short;
a real one names a few device manufacturers and evidence systems."""

PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


class TrustAnchorNotFound(NotFound):
    code = "TrustAnchorNotFound"
    message = "Trust anchor is not found."


class TrustAnchorExists(Conflict):
    code = "TrustAnchorExists"


@dataclasses.dataclass(frozen=True)
class TrustAnchor:
    anchor_id: str
    name: str
    device_class: DeviceClass
    certificate: str
    """The CA certificate in PEM, as re-encoded from what was parsed (nothing else the caller sent)."""
    fingerprint: str
    """SHA-256 of the certificate's DER, hex: the same authority cannot be listed twice."""
    subject: str
    not_after: datetime
    created_at: datetime

    def to_json(self) -> str:
        return json.dumps({
            "name": self.name, "device_class": self.device_class.value, "certificate": self.certificate,
            "fingerprint": self.fingerprint, "subject": self.subject, "not_after": format_time(self.not_after),
            "created_at": format_time(self.created_at),
        })

    @classmethod
    def from_json(cls, anchor_id: str, raw: str | bytes) -> TrustAnchor:
        data = json.loads(raw)
        return cls(anchor_id, data["name"], DeviceClass(data["device_class"]), data["certificate"],
                   data["fingerprint"], data["subject"], parse_time(data["not_after"]),
                   parse_time(data["created_at"]))


def new_trust_anchor(anchor_id: str, name: object, certificate: object, device_class: object, *,
                     at: datetime) -> TrustAnchor:
    """Check what the operator sent and make the anchor; anything wrong is a BadArgument saying what."""
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
        raise BadArgument(f"'name' must be a non-empty string of at most {NAME_MAX} characters.")
    cert = parse_ca_certificate(certificate, at=at)
    return TrustAnchor(
        anchor_id=anchor_id,
        name=name.strip(),
        device_class=parse_device_class(device_class),
        certificate=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        fingerprint=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        created_at=at.replace(microsecond=at.microsecond // 1000 * 1000),  # as stored: milliseconds
    )


def parse_device_class(value: object) -> DeviceClass:
    known = {member.value: member for member in DeviceClass}
    if isinstance(value, str) and value in known:
        return known[value]
    raise BadArgument(f"'device_class' must be one of {'|'.join(known)}.")


def parse_ca_certificate(pem: object, *, at: datetime) -> x509.Certificate:
    """One PEM certificate of a certificate authority that is valid now."""
    if not isinstance(pem, str) or not pem.strip():
        raise BadArgument("'certificate' must be a PEM certificate (-----BEGIN CERTIFICATE----- ...).")
    if len(pem) > CERTIFICATE_MAX_CHARS:
        raise BadArgument(f"'certificate' is longer than {CERTIFICATE_MAX_CHARS} characters; send one PEM "
                          "CA certificate.")
    if pem.count(PEM_BEGIN) != 1:
        raise BadArgument("'certificate' must hold exactly one PEM certificate: the certificate authority's own, "
                          "without its chain or a private key.")
    try:
        cert = x509.load_pem_x509_certificate(pem.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise BadArgument("'certificate' is not a readable PEM X.509 certificate.") from None
    _require_ca(cert)
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise BadArgument(f"'certificate' is valid from {format_time(cert.not_valid_before_utc)} to "
                          f"{format_time(cert.not_valid_after_utc)}, not now; nothing it signed could be trusted.")
    return cert


def _require_ca(cert: x509.Certificate) -> None:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    except ValueError:  # a malformed extension
        raise BadArgument("'certificate' has malformed extensions.") from None
    if constraints is None or not constraints.ca:
        raise BadArgument("'certificate' is not a certificate authority (its BasicConstraints do not say CA=true): "
                          "list the CA that issues the devices' certificates, not a device's own certificate.")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.key_cert_sign:
        raise BadArgument("'certificate' is a CA whose KeyUsage does not allow signing certificates (keyCertSign).")
