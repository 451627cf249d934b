"""Real C2PA-signed images for tests: a test PKI made once per run, and signing with c2pa-python.

The certificates and the signing come from the runnable example in docs/examples/sign_capture.py,
so the guide's example is the code the tests sign with.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import io
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image

from server.domain.provenance import DeviceClass
from server.domain.trust_anchors import TrustAnchor, new_trust_anchor
from tests.support.faces import photo

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "sign_capture.py"
JPEG_PHOTO = "people/obama/obama.jpg"
PNG_PHOTO = "people/alex_lacamoire/alex-lacamoire.png"
SHORT_LIVED = timedelta(seconds=2)
"""Validity of the certificate that is expired when read: the C2PA library refuses to sign with an
already expired one, so it is made valid for two seconds and read after they pass."""

Key = ec.EllipticCurvePrivateKey


@functools.cache
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sign_capture", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass(frozen=True)
class Signer:
    key: Key
    chain: tuple[x509.Certificate, ...]

    def sign(self, image: bytes, *, captured_at: datetime | None, mime_type: str = "image/jpeg") -> bytes:
        manifest = example().capture_manifest(captured_at or datetime.now(UTC))
        if captured_at is None:
            manifest["assertions"][0]["data"]["actions"][0].pop("when")
        signed: bytes = example().sign_capture(image, mime_type, key=self.key, chain=list(self.chain),
                                               manifest=manifest)
        return signed


@dataclasses.dataclass(frozen=True)
class Pki:
    """One run's certificate authorities and devices."""

    ca: tuple[Key, x509.Certificate]
    body_cam: Signer
    """A device under `ca`."""
    dash_ca: tuple[Key, x509.Certificate]
    dash_cam: Signer
    """A device under an intermediate of `dash_ca`, the chain sent without the root."""
    unrelated_ca: tuple[Key, x509.Certificate]
    unrelated_cam: Signer
    impostor_ca: tuple[Key, x509.Certificate]
    """A CA with exactly the same name as `ca`, and another key."""
    impostor_cam: Signer

    def anchor(self, which: tuple[Key, x509.Certificate], device_class: DeviceClass, name: str = "Test CA",
               anchor_id: str | None = None) -> TrustAnchor:
        return new_trust_anchor(anchor_id or f"{device_class.value}-{which[1].serial_number}", name,
                                pem(which[1]), device_class.value, at=datetime.now(UTC))


def pem(cert: x509.Certificate) -> str:
    return str(example().pem(cert).decode("ascii"))


@functools.cache
def pki() -> Pki:
    ex = example()
    ca = ex.make_ca("Visage Test Body Camera CA")
    dash_ca = ex.make_ca("Visage Test Dash Camera Root")
    dash_intermediate = ex.make_ca("Visage Test Dash Camera Issuing CA", issuer=dash_ca)
    unrelated = ex.make_ca("Somebody Else's CA")
    impostor = ex.make_ca("Visage Test Body Camera CA")

    return Pki(
        ca=ca, body_cam=device(ca, "Body camera 0001", ca[1]),
        dash_ca=dash_ca, dash_cam=device(dash_intermediate, "Dash camera 0007", dash_intermediate[1]),
        unrelated_ca=unrelated, unrelated_cam=device(unrelated, "Unknown camera", unrelated[1]),
        impostor_ca=impostor, impostor_cam=device(impostor, "Body camera 0001", impostor[1]),
    )


def device(issuer: tuple[Key, x509.Certificate], name: str, *chain: x509.Certificate,
           not_after: datetime | None = None) -> Signer:
    key, cert = example().make_device_certificate(issuer[0], issuer[1], name, not_after=not_after)
    return Signer(key, (cert, *chain))


@functools.cache
def expired_capture(captured_at: datetime) -> bytes:
    """An image signed by a certificate that has expired by the time this returns."""
    ca = pki().ca
    until = datetime.now(UTC).replace(microsecond=0) + SHORT_LIVED
    signed = device(ca, "Body camera 0002", ca[1], not_after=until).sign(jpeg(), captured_at=captured_at)
    time.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds() + 1.1))
    return signed


def jpeg(path: str = JPEG_PHOTO) -> bytes:
    return photo(path).read()


def png() -> bytes:
    return photo(PNG_PHOTO).read()


def tampered(signed: bytes) -> bytes:
    """The signed JPEG with bytes of its scan data flipped (the manifest is untouched, the pixels not)."""
    changed = bytearray(signed)
    for offset in range(len(changed) - 4000, len(changed) - 3990):
        changed[offset] ^= 0x5A
    return bytes(changed)


def reencoded(image: bytes, quality: int) -> bytes:
    """The same picture saved again: other bytes, the same scene (a next video frame, to a hash)."""
    out = io.BytesIO()
    Image.open(io.BytesIO(image)).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()
