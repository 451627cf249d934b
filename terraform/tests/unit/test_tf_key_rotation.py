"""`visage_deployment_key_rotation`: a trigger that regenerates key1 or key2."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from tf_harness import ENDPOINT, Harness, errors, is_unknown, visage_error

TYPE = "visage_deployment_key_rotation"
URL = f"{ENDPOINT}/mgmt/v1/deployments/face-1"
VIEW = {"name": "face-1", "sku": "S0", "region": "westeurope", "endpoint": ENDPOINT,
        "created_at": "2025-01-01T00:00:00.000Z"}
CONFIG = {"deployment": "face-1", "key_name": "key2", "triggers": {"month": "2025-06"}}
STATE = {**CONFIG, "key": "new-key2", "rotated_at": "2025-06-01T00:00:00Z",
         "deployment_created_at": VIEW["created_at"]}


@pytest.mark.parametrize(("config", "attribute"), [
    ({**CONFIG, "key_name": "key3"}, "key_name"),
    ({**CONFIG, "deployment": "bad name"}, "deployment"),
])
def test_plan_time_validation(config: dict[str, Any], attribute: str) -> None:
    [diag] = errors(Harness().validate(TYPE, config))
    assert diag.path == [attribute]


def test_create_regenerates_the_key_and_keeps_it_sensitive(harness: Harness, api: responses.RequestsMock) -> None:
    assert harness.validate(TYPE, CONFIG) == []
    plan = harness.plan(TYPE, None, CONFIG)
    assert is_unknown(plan.planned["key"]) and is_unknown(plan.planned["rotated_at"])
    api.post(f"{URL}/regenerateKey", json={**VIEW, "keys": {"key2": "new-key2"}})
    state, diags = harness.apply(TYPE, None, plan.planned)
    assert diags == [] and state is not None
    assert state["key"] == "new-key2" and state["triggers"] == {"month": "2025-06"}
    assert state["rotated_at"].endswith("Z") and state["deployment_created_at"] == VIEW["created_at"]
    assert json.loads(api.calls[-1].request.body or b"{}") == {"keyName": "key2"}


@pytest.mark.parametrize(("change", "replaced"), [
    ({"triggers": {"month": "2025-07"}}, ["triggers"]),
    ({"triggers": None}, ["triggers"]),
    ({"key_name": "key1"}, ["key_name"]),
    ({"deployment": "face-2"}, ["deployment"]),
])
def test_any_change_is_a_new_rotation(harness: Harness, change: dict[str, Any], replaced: list[str]) -> None:
    assert harness.plan(TYPE, STATE, {**CONFIG, **change}).requires_replace == replaced


def test_unchanged_triggers_plan_nothing(harness: Harness) -> None:
    plan = harness.plan(TYPE, STATE, CONFIG)
    assert plan.requires_replace == [] and plan.planned == STATE


def test_a_missing_deployment_fails_with_its_name(harness: Harness, api: responses.RequestsMock) -> None:
    api.post(f"{URL}/regenerateKey", **visage_error(404, "DeploymentNotFound", "Deployment 'face-1' is not found."))
    state, diags = harness.create(TYPE, CONFIG)
    [diag] = errors(diags)
    assert state is None and "face-1" in diag.summary and "key2" in diag.summary


def test_read_forgets_the_rotation_of_a_deleted_deployment(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json=VIEW)
    assert harness.read(TYPE, STATE) == (STATE, [])
    api.get(URL, **visage_error(404, "DeploymentNotFound", "Deployment 'face-1' is not found."))
    assert harness.read(TYPE, STATE) == (None, [])


def test_read_forgets_the_rotation_of_a_deployment_created_again_under_its_name(
        harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json={**VIEW, "created_at": "2025-07-01T00:00:00.000Z"})
    assert harness.read(TYPE, STATE) == (None, [])


def test_read_completes_a_state_written_before_the_deployment_time_was_kept(
        harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json=VIEW)
    assert harness.read(TYPE, {**STATE, "deployment_created_at": None}) == (STATE, [])


def test_destroy_forgets_without_calling_visage(harness: Harness, api: responses.RequestsMock) -> None:
    calls = len(api.calls)
    assert harness.apply(TYPE, STATE, None) == (None, [])
    assert len(api.calls) == calls


def test_import_adopts_the_key_without_regenerating_it(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json=VIEW)
    state, diags = harness.import_(TYPE, "face-1/key1")
    assert diags == [] and state == {"deployment": "face-1", "key_name": "key1", "triggers": None, "key": None,
                                     "rotated_at": None, "deployment_created_at": VIEW["created_at"]}
    assert all(call.request.method == "GET" for call in api.calls)


@pytest.mark.parametrize("import_id", ["face-1", "face-1/key3", "/key1"])
def test_import_ids_are_deployment_slash_key_name(harness: Harness, import_id: str) -> None:
    state, diags = harness.import_(TYPE, import_id)
    assert state is None and "<deployment>/<key1|key2>" in errors(diags)[0].detail
