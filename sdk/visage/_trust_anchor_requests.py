"""Pure builders of the operator's trust-list requests (/admin/v1/trust-anchors): the capture-device
certificate authorities whose C2PA-signed images Visage trusts. Paths are relative to the base URL."""

from __future__ import annotations

from visage._face_requests import path_id
from visage._transport import HttpRequest
from visage.enums import DeviceClass

TRUST_ANCHORS = "admin/v1/trust-anchors"


def pem_text(certificate: str | bytes) -> str:
    """The PEM as text; bytes (a file read in binary) must be ASCII, as PEM is."""
    if isinstance(certificate, bytes):
        try:
            return certificate.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("certificate must be PEM text (-----BEGIN CERTIFICATE-----...), not DER") from None
    if not isinstance(certificate, str):
        raise TypeError("certificate is the CA certificate as PEM text")
    return certificate


def build_add_trust_anchor_request(name: str, certificate: str | bytes,
                                   device_class: DeviceClass | str) -> HttpRequest:
    return HttpRequest("POST", TRUST_ANCHORS, json={"name": name, "certificate": pem_text(certificate),
                                                    "device_class": str(device_class)})


def build_list_trust_anchors_request() -> HttpRequest:
    return HttpRequest("GET", TRUST_ANCHORS)


def build_delete_trust_anchor_request(anchor_id: str) -> HttpRequest:
    return HttpRequest("DELETE", f"{TRUST_ANCHORS}/{path_id(anchor_id, 'anchor_id')}")
