"""HTTPS for `visage up --tls`: a local certificate authority, made once per data dir, and a server
certificate it signs for the names clients use (localhost, 127.0.0.1, ::1 and the --host).

Clients trust the authority's certificate (`ca.pem`) through REQUESTS_CA_BUNDLE (Python requests),
NODE_EXTRA_CA_CERTS (Node) or SSL_CERT_FILE (OpenSSL); no client needs an insecure flag. The keys are
readable by their owner only. The server certificate is issued again when a name is missing from it,
when it nears its end, or when the authority changed; the authority itself is kept, so clients that
trust it keep working.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import secrets
import socket
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from server.datadir import write_private

CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
SERVER_CERT_FILE = "server.pem"
SERVER_KEY_FILE = "server-key.pem"

CA_VALID_DAYS = 3650
SERVER_VALID_DAYS = 825
"""Apple's clients refuse TLS server certificates valid for longer than 825 days."""

RENEW_BEFORE_DAYS = 30
BACKDATE = datetime.timedelta(hours=1)
"""Certificates start an hour in the past, so a client whose clock is a little behind accepts them."""

ALWAYS_NAMED = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


@dataclasses.dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path


def server_names(hosts: Iterable[str]) -> list[str]:
    """The names the server certificate covers: the local ones, and each host it listens on (for a
    wildcard address, the machine's host name)."""
    names = list(ALWAYS_NAMED)
    for host in hosts:
        host = host.strip("[]")
        chosen = socket.gethostname() if host in WILDCARD_HOSTS else host
        if chosen and chosen.lower() not in (name.lower() for name in names):
            names.append(chosen)
    return names


def ensure_certificates(tls_dir: Path, hosts: Iterable[str]) -> TlsFiles:
    """The data dir's CA (made once) and a server certificate for the local names and `hosts`."""
    return certificates_for(tls_dir, server_names(hosts))


def certificates_for(tls_dir: Path, names: list[str]) -> TlsFiles:
    """The CA of `tls_dir` (made once) and a server certificate for exactly `names` (reissued when
    one is missing or it nears expiry)."""
    tls_dir.mkdir(parents=True, exist_ok=True)
    tls_dir.chmod(0o700)
    ca_key, ca_cert = _authority(tls_dir)
    files = TlsFiles(tls_dir / CA_CERT_FILE, tls_dir / SERVER_CERT_FILE, tls_dir / SERVER_KEY_FILE)
    if not _server_certificate_fits(files, ca_cert, names):
        _issue_server_certificate(files, ca_key, ca_cert, names)
    return files


def _authority(tls_dir: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = tls_dir / CA_KEY_FILE, tls_dir / CA_CERT_FILE
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path} is not the EC key Visage made")
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    # a name of its own per data dir, so two local authorities are never mistaken for each other
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Visage"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Visage local CA {socket.gethostname()} {secrets.token_hex(4)}"),
    ])
    moment = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE).not_valid_after(moment + datetime.timedelta(days=CA_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(key_path, _private_pem(key))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def _server_certificate_fits(files: TlsFiles, ca_cert: x509.Certificate, names: list[str]) -> bool:
    if not (files.server_cert.exists() and files.server_key.exists()):
        return False
    certificate = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    key = serialization.load_pem_private_key(files.server_key.read_bytes(), password=None)
    try:
        certificate.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    covered = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have = {_san_text(str(name.value)) for name in covered}
    renew_at = certificate.not_valid_after_utc - datetime.timedelta(days=RENEW_BEFORE_DAYS)
    return (_public_der(key.public_key()) == _public_der(certificate.public_key()) and _now() < renew_at
            and all(_san_text(name) in have for name in names))


def _issue_server_certificate(files: TlsFiles, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
                              names: list[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    moment = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE).not_valid_after(moment + datetime.timedelta(days=SERVER_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([_general_name(name) for name in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    write_private(files.server_key, _private_pem(key))
    files.server_cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _san_text(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name)).lower()
    except ValueError:
        return name.lower()


def _public_der(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
