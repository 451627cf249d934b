"""Content credentials (C2PA): the operator lists a camera maker's CA, then a capture signed under it
is detected with trusted provenance.

Sign a photo first (the repository's example makes a test CA and signs with c2pa-python), then:

    .venv/bin/python docs/examples/sign_capture.py photo.jpg signed.jpg --captured-at 2026-11-20T09:30:00Z --out-dir pki
    VISAGE_ADMIN_TOKEN=... VISAGE_KEY=... python sdk/examples/08_provenance.py pki/ca.pem signed.jpg [body-worn]
"""

from __future__ import annotations

import hashlib
import ssl
import sys
from pathlib import Path

from _env import endpoint, need
from visage import AdminClient, ConflictError, DeviceClass, FaceClient, ProvenanceStatus
from visage.models import TrustAnchor


def fingerprint(pem: str) -> str:
    """SHA-256 of the certificate (DER): compare it with the one the manufacturer gave you."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def list_ca(admin: AdminClient, pem: str, device_class: DeviceClass) -> TrustAnchor:
    """List the CA, or find it when it is listed already."""
    try:
        return admin.add_trust_anchor(f"Example {device_class.value} CA", pem, device_class)
    except ConflictError:
        return next(anchor for anchor in admin.list_trust_anchors()
                    if anchor.fingerprint_sha256 == fingerprint(pem))


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(f"usage: {sys.argv[0]} CA_PEM SIGNED_IMAGE [body-worn|dash|fixed|handheld|evidence-system]")
    pem, image = Path(sys.argv[1]).read_text(), Path(sys.argv[2])
    device_class = DeviceClass(sys.argv[3]) if len(sys.argv) > 3 else DeviceClass.BODY_WORN

    with AdminClient(endpoint(), need("VISAGE_ADMIN_TOKEN")) as admin:
        anchor = list_ca(admin, pem, device_class)
        print(f"trust anchor {anchor.id}: {anchor.subject} ({anchor.device_class.value}), "
              f"SHA-256 {anchor.fingerprint_sha256}, valid until {anchor.not_after:%Y-%m-%d}")
        print(f"{len(list(admin.list_trust_anchors()))} CA(s) on the trust list")

    with FaceClient(endpoint(), need("VISAGE_KEY")) as client:
        faces = client.detect(image)  # send the signed file unchanged: any edit breaks its hash
    print(f"{len(faces)} face(s) in {image.name}; provenance: {faces.provenance}")
    if faces.provenance is not ProvenanceStatus.TRUSTED:
        print("not trusted: was the file changed after signing, or signed under another CA?")
    # To take the CA off the list again: admin.delete_trust_anchor(anchor.id)


if __name__ == "__main__":
    main()
