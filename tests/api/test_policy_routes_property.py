"""Through every recognition route of the app: no law-enforcement tenant, in any country, with any
capture headers and any mix of faceIds (with and without content credentials), gets a result for a
call that counts as real time.

Routes are found by walking the URL map for views whose declared operation class is a recognition
class, so routes added later are covered without touching this test. "Real time" is restated from
the 2026-12 clause text, not taken from the code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pycountry
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis import Redis
from werkzeug.routing import Rule

from server.api.dataplane import operation_class_of
from server.domain.clock import format_time
from server.domain.operations import RECOGNITION_CLASSES
from server.store import keys
from tests.support.c2pa import pki, reencoded
from tests.support.faces import photo
from tests.support.policy import US_AND_TERRITORIES
from tests.support.tenants import sign_up
from tests.support.terms import OTHER_PHOTO, approve, detect_face, detect_signed_face, list_test_cameras, live, recorded

NO_RESULT_STATUSES = range(400, 600)
TRUSTED_OLD = "signed by a listed body camera three days ago"
FACE_KINDS = ("live", "no headers", "said recorded three days ago", "signed by a listed body camera an hour ago",
              TRUSTED_OLD)
printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


def recognition_routes(app: Flask) -> list[tuple[Rule, str, str]]:
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/face/") and operation_class_of(app.view_functions[rule.endpoint]) in \
                RECOGNITION_CLASSES:
            method = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})[0]
            values = {name: "v1.2" if name == "api_version" else "x1" for name in rule.arguments}
            found.append((rule, method, adapter.build(rule.endpoint, values, method=method)))
    return found


SHAPES = ["well-formed"] * 6 + ["absent"] * 2 + ["anything"]
"""How a header's value is drawn: mostly well-formed so allowed calls are reached too."""


def header(draw: st.DrawFn, well_formed: st.SearchStrategy[str]) -> str | None:
    shape = draw(st.sampled_from(SHAPES))
    if shape == "absent":
        return None
    return draw(well_formed if shape == "well-formed" else printable)


@st.composite
def capture_headers(draw: st.DrawFn) -> dict[str, str]:
    now = datetime.now(UTC)
    ages = st.timedeltas(min_value=-timedelta(days=2), max_value=timedelta(days=9))
    chosen = {
        "x-visage-capture-mode": header(draw, st.sampled_from(["live", "recorded", "RECORDED", " Live ", "recorded"])),
        "x-visage-captured-at": header(draw, ages.map(lambda age: format_time(now - age))),
        "x-visage-camera": header(draw, st.sampled_from(["body-worn", "dash", "fixed", "handheld", "unknown"])),
    }
    return {name: value for name, value in chosen.items() if value is not None}


def header_is_malformed(headers: dict[str, str]) -> bool:
    """A header the gate refuses as a bad request before anything else."""
    mode = headers.get("x-visage-capture-mode")
    if mode is not None and mode.strip().lower() not in ("live", "recorded"):
        return True
    camera = headers.get("x-visage-camera")
    if camera is not None and camera.strip().lower() not in ("body-worn", "dash", "fixed", "handheld", "unknown"):
        return True
    raw = headers.get("x-visage-captured-at")
    if raw is None:
        return False
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).tzinfo is None
    except ValueError:
        return True


def realtime_under_the_clause(headers: dict[str, str], kinds: list[str], signed_at: datetime) -> bool:
    """Per the 2026-12 clause text: real time unless every face comes from an image whose trusted
    credentials say it was captured more than 24 hours earlier, and no header contradicts them (a
    live mode, a capture time a minute or more away from the credentials', another camera)."""
    if any(kind != TRUSTED_OLD for kind in kinds):
        return True
    if headers.get("x-visage-capture-mode", "").strip().lower() == "live":
        return True
    if (raw := headers.get("x-visage-captured-at")) is not None:
        said = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        if abs(said - signed_at) > timedelta(seconds=60):
            return True
    camera = headers.get("x-visage-camera", "").strip().lower()
    return camera not in ("", "unknown", "body-worn")


def well_formed_body(operation: str, ids: list[str], shape: int) -> tuple[dict[str, Any], list[int]]:
    """A body each recognition route accepts, and the positions of the faces it names; `shape` picks
    one of its forms (2: against the PersonDirectory, where the route has one). A body that is not
    well formed is refused as a bad request before the terms of use are asked (tested apart below)."""
    every = list(range(len(ids)))
    person = "00000000-0000-0000-0000-000000000001"
    if operation == "verification":
        if shape == 0:
            return {"faceId1": ids[0], "faceId2": ids[-1]}, [0, len(ids) - 1]
        if shape == 2:
            return {"faceId": ids[0], "personId": person}, [0]  # a PersonDirectory person
        return {"faceId": ids[0], "personId": person, "largePersonGroupId": "x1"}, [0]
    if operation == "identification":
        if shape == 2:
            return {"faceIds": ids, "personIds": ["*"] if len(ids) % 2 else [person]}, every
        return {"faceIds": ids, "personGroupId" if shape == 0 else "largePersonGroupId": "x1"}, every
    if operation == "find_similar":
        if shape == 0:
            return {"faceId": ids[0], "faceIds": ids}, every
        return {"faceId": ids[0], "largeFaceListId": "x1"}, [0]
    return {"faceIds": [*ids, ids[0]]}, every


def test_no_route_gives_law_enforcement_a_realtime_recognition_result(app: Flask, client: FlaskClient,
                                                                      redis_db: Redis) -> None:
    routes = recognition_routes(app)
    assert {str(operation_class_of(app.view_functions[rule.endpoint])) for rule, _, _ in routes} == {
        str(kind) for kind in RECOGNITION_CLASSES}
    police = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police")
    approve(client, police.tenant_id, "recorded material only")
    signed_at = datetime.now(UTC) - timedelta(days=3)
    old_capture = pki().body_cam.sign(reencoded(photo(OTHER_PHOTO).read(), 95), captured_at=signed_at)
    list_test_cameras(client)
    trusted_old = client.post("/face/v1.2/detect", data=old_capture,
                              headers={**police.key_header, "Content-Type": "application/octet-stream"})
    assert trusted_old.headers["x-visage-provenance"] == "trusted"
    faces = {
        TRUSTED_OLD: trusted_old.get_json()[0]["faceId"],
        "live": detect_face(client, police, live()),
        "no headers": detect_face(client, police, {}),
        "said recorded three days ago": detect_face(client, police, recorded()),
        "signed by a listed body camera an hour ago": detect_signed_face(client, police, age=timedelta(hours=1)),
    }
    countries = [country.alpha_2 for country in pycountry.countries]

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        route=st.sampled_from(routes),
        country=st.sampled_from(countries),
        headers=capture_headers(),
        kinds=st.one_of(st.lists(st.sampled_from(FACE_KINDS), min_size=1, max_size=4),
                        st.lists(st.just(TRUSTED_OLD), min_size=1, max_size=3)),
        shape=st.integers(0, 2),
    )
    def check(route: tuple[Rule, str, str], country: str, headers: dict[str, str], kinds: list[str],
              shape: int) -> None:
        rule, method, url = route
        redis_db.hset(keys.tenant(police.tenant_id), "country", country)
        for key in redis_db.scan_iter("visage:face-cadence:*"):  # the throughput is tested on its own
            redis_db.delete(key)
        ids = [faces[kind] for kind in kinds]
        body, named = well_formed_body(str(operation_class_of(app.view_functions[rule.endpoint])), ids, shape)
        kinds = [kinds[index] for index in named]
        response = client.open(url, method=method, json=body, headers={**police.key_header, **headers})
        payload = response.get_json(silent=True)
        code = payload.get("error", {}).get("code") if isinstance(payload, dict) else None
        if header_is_malformed(headers):
            assert response.status_code == 400, (rule.rule, headers)
            return
        realtime = realtime_under_the_clause(headers, kinds, signed_at)
        if realtime or country in US_AND_TERRITORIES:
            assert response.status_code in NO_RESULT_STATUSES, (rule.rule, headers, kinds, response.get_json())
            assert code == "TermsOfUseViolation", (rule.rule, headers, kinds, response.get_json())
        else:
            assert code != "TermsOfUseViolation", (rule.rule, headers, kinds, response.get_json())
            allowed.append(rule.rule)

    allowed: list[str] = []
    check()
    assert allowed, "no call the clause allows was generated: the property would hold vacuously"


def test_a_malformed_body_gets_no_result_whatever_its_faces(app: Flask, client: FlaskClient) -> None:
    police = sign_up(client, customer_type="law_enforcement", country="GB", organization="Kent Police")
    approve(client, police.tenant_id, "recorded material only")
    face = detect_face(client, police, recorded())
    body = {"faceId": face, "faceIds": [face], "personGroupId": "x1", "largePersonGroupId": "x1",
            "faceListId": "x1", "largeFaceListId": "x1"}
    for rule, method, url in recognition_routes(app):
        response = client.open(url, method=method, json=body, headers={**police.key_header, **recorded()})
        assert response.status_code == 400, (rule.rule, response.get_json())
