"""Terms-of-use helpers for HTTP tests: capture headers, operator actions, faceIds, Redis snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from redis import Redis

from server.domain.clock import format_time
from tests.support.faces import photo
from tests.support.tenants import ADMIN_TOKEN, Account

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


CADENCE_KEY_PREFIX = b"visage:cadence:"
AUDIT_KEY_PREFIX = b"visage:audit"


def snapshot(redis: Redis) -> dict[bytes, object]:
    """Every key but the audit trail's and the call cadence's (a refused call is still a call), with
    its value: what a refused call must leave as it was."""
    state: dict[bytes, object] = {}
    for key in redis.scan_iter("*"):
        if key.startswith((AUDIT_KEY_PREFIX, CADENCE_KEY_PREFIX)):
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
