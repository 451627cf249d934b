"""The local TLS authority of `visage up --tls`: made once, private keys private, and a server
certificate that a standard verifier accepts for every name a client uses."""

from __future__ import annotations

import ipaddress
import socket
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from server.tls import ensure_certificates, server_names


def _verify(files_dir: Path, name: x509.DNSName | x509.IPAddress) -> None:
    ca = x509.load_pem_x509_certificate((files_dir / "ca.pem").read_bytes())
    leaf = x509.load_pem_x509_certificate((files_dir / "server.pem").read_bytes())
    PolicyBuilder().store(Store([ca])).build_server_verifier(name).verify(leaf, [])


def test_the_server_certificate_verifies_for_every_local_name_and_the_host(tmp_path: Path) -> None:
    files = ensure_certificates(tmp_path / "tls", ["visage.example.test"])
    for name in (x509.DNSName("localhost"), x509.DNSName("visage.example.test"),
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))):
        _verify(files.ca_cert.parent, name)
    with pytest.raises(VerificationError):
        _verify(files.ca_cert.parent, x509.DNSName("elsewhere.example.test"))
    for private in ("ca-key.pem", "server-key.pem"):
        assert stat.S_IMODE((tmp_path / "tls" / private).stat().st_mode) == 0o600
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_authority_is_made_once_and_the_certificate_reissued_only_for_a_new_name(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path, ["127.0.0.1"])
    ca_bytes, cert_bytes = first.ca_cert.read_bytes(), first.server_cert.read_bytes()
    again = ensure_certificates(tmp_path, ["127.0.0.1"])
    assert (again.ca_cert.read_bytes(), again.server_cert.read_bytes()) == (ca_bytes, cert_bytes)
    ensure_certificates(tmp_path, ["10.1.2.3"])
    assert first.ca_cert.read_bytes() == ca_bytes and first.server_cert.read_bytes() != cert_bytes
    _verify(tmp_path, x509.IPAddress(ipaddress.ip_address("10.1.2.3")))


def test_a_wildcard_address_is_named_by_the_machines_host_name() -> None:
    assert server_names(["0.0.0.0"]) == ["localhost", "127.0.0.1", "::1", socket.gethostname()]
    assert server_names(["[::1]", "LOCALHOST"]) == ["localhost", "127.0.0.1", "::1"]
