"""Terms-of-use helpers for HTTP tests: capture headers, operator actions, faceIds, Redis snapshots."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from redis import Redis

from server.domain.clock import format_time
from tests.support.c2pa import pem, pki, reencoded
from tests.support.faces import photo
from tests.support.tenants import ADMIN_TOKEN, Account, sign_up

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SMALL_PHOTO = "people/obama/obama_small.jpg"
OTHER_PHOTO = "people/biden/biden.jpg"


def live() -> dict[str, str]:
    return {"x-visage-capture-mode": "live", "x-visage-camera": "body-worn"}


def recorded(age: timedelta = timedelta(days=3)) -> dict[str, str]:
    return {"x-visage-capture-mode": "recorded", "x-visage-captured-at": format_time(datetime.now(UTC) - age),
            "x-visage-camera": "fixed"}


def approve(client: FlaskClient, tenant_id: str, reason: str = "reviewed", **extra: str) -> Any:
    response = client.post(f"/admin/v1/tenants/{tenant_id}/review", json={"decision": "approve", "reason": reason,
                                                                          **extra}, headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def sign_up_police(client: FlaskClient) -> Account:
    """An approved law-enforcement tenant outside the US (the US clause would refuse everything)."""
    account = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police",
                      use_cases=["investigative_identification"])
    approve(client, account.tenant_id, "investigations on recorded material")
    return account


def detect_face(client: FlaskClient, account: Account, headers: dict[str, str], path: str = SMALL_PHOTO) -> str:
    response = client.post("/face/v1.2/detect", data=photo(path).read(),
                           headers={**account.key_header, **headers, "Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.get_json()
    faces = response.get_json()
    assert len(faces) == 1
    return str(faces[0]["faceId"])


def verify(client: FlaskClient, account: Account, first: str, second: str, headers: dict[str, str]) -> Any:
    return client.post("/face/v1.2/verify", json={"faceId1": first, "faceId2": second},
                       headers={**account.key_header, **headers})


SIGNAL_KEY_PREFIXES = (b"visage:audit", b"visage:cadence:", b"visage:face-cadence:", b"visage:claimed-times:",
                       b"visage:recent-frames:", b"visage:policy-in-force")
"""What every call leaves behind, refused or not: the audit trail, what the signals a caller cannot
choose remember (throughput, claimed times, frames), and the newest terms ever in force."""


def snapshot(redis: Redis) -> dict[bytes, object]:
    """Every key but the audit trail's and the signals' (a refused call is still a call), with its
    value: what a refused call must leave as it was."""
    state: dict[bytes, object] = {}
    for key in redis.scan_iter("*"):
        if key.startswith(SIGNAL_KEY_PREFIXES):
            continue
        kind = redis.type(key)
        if kind == b"string":
            state[key] = redis.get(key)
        elif kind == b"hash":
            state[key] = redis.hgetall(key)
        elif kind == b"set":
            state[key] = redis.smembers(key)
        elif kind == b"zset":
            state[key] = redis.zrange(key, 0, -1, withscores=True)
        elif kind == b"list":
            state[key] = redis.lrange(key, 0, -1)
        else:
            state[key] = kind
        state[key] = (state[key], redis.ttl(key) > 0)
    return state


CAMERAS = {"body-worn": lambda: pki().body_cam, "dash": lambda: pki().dash_cam}
"""The test PKI's capture devices, by the device class the operator lists their CA under."""


def list_test_cameras(client: FlaskClient) -> None:
    """The operator lists the test PKI's body-camera and dash-camera CAs (again is harmless)."""
    for (_, certificate), device_class in ((pki().ca, "body-worn"), (pki().dash_ca, "dash")):
        listed = client.post("/admin/v1/trust-anchors", json={"name": f"Test {device_class} CA", "certificate":
                                                              pem(certificate), "device_class": device_class},
                             headers=ADMIN)
        assert listed.status_code in (201, 409), listed.get_json()


@functools.cache
def signed_photo(path: str = SMALL_PHOTO, *, age: timedelta = timedelta(days=3), camera: str = "body-worn") -> bytes:
    """A photo as a test camera signs it (C2PA), captured `age` before the first call for it: signed
    once per argument set, so that sending it again sends the very same capture. The photo's own EXIF
    (some were taken in 2010) is dropped first: a camera's EXIF time agrees with its credentials."""
    return CAMERAS[camera]().sign(reencoded(photo(path).read(), quality=95), captured_at=datetime.now(UTC) - age)


def detect_signed_face(client: FlaskClient, account: Account, headers: dict[str, str] | None = None,
                       path: str = SMALL_PHOTO, *, age: timedelta = timedelta(days=3),
                       camera: str = "body-worn") -> str:
    """The faceId of a signed capture (its CA listed first), detected with `headers` (none by default)."""
    list_test_cameras(client)
    response = client.post("/face/v1.2/detect", data=signed_photo(path, age=age, camera=camera),
                           headers={**account.key_header, **(headers or {}),
                                    "Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.get_json()
    assert response.headers["x-visage-provenance"] == "trusted"
    [face] = response.get_json()
    return str(face["faceId"])
