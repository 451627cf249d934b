"""Sign a capture with C2PA content credentials, as a camera or an evidence system does.

Run it with the Visage virtual environment (it needs only `c2pa-python` and `cryptography`):

    .venv/bin/python docs/examples/sign_capture.py photo.jpg signed.jpg \
        --captured-at 2026-11-20T09:30:00Z --out-dir pki/

It creates a test certificate authority (pki/ca.pem: the certificate an operator lists with
POST /admin/v1/trust-anchors) and a device certificate issued by it, then writes a copy of the
image whose manifest says it was captured (`c2pa.created`) at the given time, signed by the device.
A real device keeps its key in hardware and gets its certificate from its manufacturer's CA; the
profile below (EC P-256, the extensions listed) is what the C2PA library accepts.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
"""IPTC's digital source type for a photo taken by a camera."""

MIME_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)])


def _key_usage(*, digital_signature: bool = False, key_cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=key_cert_sign,
                         crl_sign=key_cert_sign, encipher_only=False, decipher_only=False)


def make_ca(common_name: str, *, organization: str = "Example Camera Maker",
            issuer: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
            not_before: datetime | None = None,
            not_after: datetime | None = None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A certificate authority: self-signed (a root), or issued by `issuer` (an intermediate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    subject = _name(common_name, organization)
    signing_key, issuer_name = (issuer[0], issuer[1].subject) if issuer else (key, subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[0].public_key()), critical=False)
    return key, builder.sign(signing_key, hashes.SHA256())


def make_device_certificate(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, common_name: str, *,
                            organization: str = "Example Camera Maker", not_before: datetime | None = None,
                            not_after: datetime | None = None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A device's signing certificate (a leaf), in the profile the C2PA library accepts."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def capture_manifest(captured_at: datetime, *, title: str = "capture") -> dict[str, Any]:
    """A manifest whose first action says the image was captured at `captured_at`."""
    return {
        "claim_generator_info": [{"name": "sign_capture example", "version": "1.0"}],
        "title": title,
        "assertions": [{
            "label": "c2pa.actions",
            "data": {"actions": [{
                "action": "c2pa.created",
                "when": captured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "digitalSourceType": DIGITAL_CAPTURE,
            }]},
        }],
    }


def sign_capture(image: bytes, mime_type: str, *, key: ec.EllipticCurvePrivateKey,
                 chain: list[x509.Certificate], manifest: dict[str, Any]) -> bytes:
    """The image with the manifest embedded, signed by `key`; `chain` is the device's certificate
    first, then its issuers (the trust anchor may be left out: the verifier has it)."""
    private_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    info = c2pa.C2paSignerInfo(alg=b"es256", sign_cert=b"".join(pem(cert) for cert in chain),
                               private_key=private_key, ta_url=None)  # no time-stamp authority offline
    signed = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
        builder.sign(signer, mime_type, io.BytesIO(image), signed)
    return signed.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("image", type=Path, help="a JPEG or PNG to sign")
    parser.add_argument("output", type=Path, help="where to write the signed copy")
    parser.add_argument("--captured-at", default=None,
                        help="capture time (RFC 3339, e.g. 2026-11-20T09:30:00Z); default: now")
    parser.add_argument("--out-dir", type=Path, default=Path("."), help="where to write ca.pem")
    args = parser.parse_args(argv)

    mime_type = MIME_TYPES.get(args.image.suffix.lower())
    if mime_type is None:
        parser.error(f"{args.image}: only {', '.join(sorted(MIME_TYPES))} files are signed by this example")
    captured_at = (datetime.fromisoformat(args.captured_at.replace("Z", "+00:00")) if args.captured_at
                   else datetime.now(UTC))
    if captured_at.tzinfo is None:
        parser.error("--captured-at needs a UTC offset, for example 2026-11-20T09:30:00Z")

    ca_key, ca_cert = make_ca("Example Body Camera CA")
    device_key, device_cert = make_device_certificate(ca_key, ca_cert, "Example body camera 0001")
    signed = sign_capture(args.image.read_bytes(), mime_type, key=device_key, chain=[device_cert, ca_cert],
                          manifest=capture_manifest(captured_at, title=args.image.name))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    ca_path = args.out_dir / "ca.pem"
    ca_path.write_bytes(pem(ca_cert))
    args.output.write_bytes(signed)
    print(f"signed {args.output} ({len(signed)} bytes), captured at {captured_at.isoformat()}")
    print(f"list the CA with: POST /admin/v1/trust-anchors {{\"name\": \"Example Body Camera CA\", "
          f"\"device_class\": \"body-worn\", \"certificate\": <contents of {ca_path}>}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
