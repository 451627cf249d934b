"""`visage_deployment` through the gRPC servicer: validation, plan, create, read (drift), update, delete, import."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from tf_harness import ENDPOINT, Harness, errors, is_unknown, visage_error

TYPE = "visage_deployment"
URL = f"{ENDPOINT}/mgmt/v1/deployments"
CONFIG = {"name": "face-1", "sku": "F0", "region": "westeurope"}
VIEW = {**CONFIG, "endpoint": ENDPOINT, "created_at": "2025-01-01T00:00:00.000Z"}
STATE = {**VIEW, "key1": "k1", "key2": "k2"}


def body_of(api: responses.RequestsMock, index: int = -1) -> Any:
    return json.loads(api.calls[index].request.body or b"null")


@pytest.mark.parametrize(("config", "attribute"), [
    ({**CONFIG, "sku": "P1"}, "sku"),
    ({**CONFIG, "region": "mars"}, "region"),
    ({**CONFIG, "name": "-face"}, "name"),
    ({**CONFIG, "name": "x" * 65}, "name"),
    ({**CONFIG, "name": "face_1"}, "name"),
])
def test_plan_time_validation(config: dict[str, Any], attribute: str) -> None:
    [diag] = errors(Harness().validate(TYPE, config))
    assert diag.path == [attribute] and repr(config[attribute]) in diag.summary


def test_valid_config_and_values_known_only_at_apply_pass_validation() -> None:
    harness = Harness()
    assert harness.validate(TYPE, CONFIG) == []
    assert harness.validate(TYPE, {**CONFIG, "name": "a"}) == []
    from tf.types import Unknown

    assert harness.validate(TYPE, {**CONFIG, "region": Unknown}) == []


def test_computed_attributes_cannot_be_set() -> None:
    [diag] = errors(Harness().validate(TYPE, {**CONFIG, "key1": "mine"}))
    assert "read-only" in diag.summary


def test_create_plans_unknown_computed_values_and_stores_the_keys(harness: Harness,
                                                                  api: responses.RequestsMock) -> None:
    plan = harness.plan(TYPE, None, CONFIG)
    assert all(is_unknown(plan.planned[name]) for name in ("endpoint", "created_at", "key1", "key2"))
    api.post(URL, status=201, json={**VIEW, "keys": {"key1": "k1", "key2": "k2"}})
    state, diags = harness.apply(TYPE, None, plan.planned)
    assert diags == [] and state == STATE
    assert body_of(api) == CONFIG


def test_create_of_an_existing_name_points_to_import(harness: Harness, api: responses.RequestsMock) -> None:
    api.post(URL, **visage_error(409, "DeploymentAlreadyExists", "Deployment 'face-1' already exists."))
    state, diags = harness.create(TYPE, CONFIG)
    [diag] = errors(diags)
    assert state is None
    assert "409 DeploymentAlreadyExists" in diag.summary and "terraform import" in diag.detail


def test_a_refused_value_points_at_its_attribute(harness: Harness, api: responses.RequestsMock) -> None:
    api.post(URL, **visage_error(400, "BadArgument", "Unknown region.", target="region"))
    _, diags = harness.create(TYPE, CONFIG)
    assert errors(diags)[0].path == ["region"]


def test_a_suspended_tenant_is_told_why(harness: Harness, api: responses.RequestsMock) -> None:
    api.post(URL, **visage_error(403, "TenantSuspended", "The tenant is suspended."))
    _, diags = harness.create(TYPE, CONFIG)
    [diag] = errors(diags)
    assert "403 TenantSuspended" in diag.summary and "operator" in diag.detail


def test_read_refreshes_what_visage_says_and_keeps_the_keys(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{URL}/face-1", json={**VIEW, "sku": "S0"})
    state, diags = harness.read(TYPE, STATE)
    assert diags == [] and state == {**STATE, "sku": "S0"}


def test_a_deployment_deleted_behind_terraforms_back_leaves_the_state(harness: Harness,
                                                                      api: responses.RequestsMock) -> None:
    api.get(f"{URL}/face-1", **visage_error(404, "DeploymentNotFound", "Deployment 'face-1' is not found."))
    state, diags = harness.read(TYPE, STATE)
    assert state is None and diags == []
    assert not harness.plan(TYPE, None, CONFIG).diags  # and the next plan creates it again


def test_a_deployment_made_again_under_the_same_name_has_other_keys(harness: Harness,
                                                                    api: responses.RequestsMock) -> None:
    api.get(f"{URL}/face-1", json={**VIEW, "created_at": "2025-02-01T00:00:00.000Z"})
    state, _ = harness.read(TYPE, STATE)
    assert state is not None and state["key1"] is None and state["key2"] is None


def test_read_failures_keep_the_state_and_say_why(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{URL}/face-1", **visage_error(500, "InternalServerError", "An internal error occurred."))
    state, diags = harness.read(TYPE, STATE)
    assert state == STATE
    assert "500 InternalServerError" in errors(diags)[0].summary


def test_sku_changes_in_place_and_keeps_the_keys(harness: Harness, api: responses.RequestsMock) -> None:
    plan = harness.plan(TYPE, STATE, {**CONFIG, "sku": "S0"})
    assert plan.requires_replace == [] and plan.planned == {**STATE, "sku": "S0"}
    api.patch(f"{URL}/face-1", json={**VIEW, "sku": "S0"})
    state, diags = harness.apply(TYPE, STATE, plan.planned)
    assert diags == [] and state == {**STATE, "sku": "S0"}
    assert body_of(api) == {"sku": "S0"}


@pytest.mark.parametrize(("change", "replaced"), [({"name": "face-2"}, ["name"]), ({"region": "uksouth"}, ["region"])])
def test_name_or_region_force_replacement(harness: Harness, change: dict[str, str], replaced: list[str]) -> None:
    assert harness.plan(TYPE, STATE, {**CONFIG, **change}).requires_replace == replaced


def test_no_change_plans_no_change(harness: Harness) -> None:
    plan = harness.plan(TYPE, STATE, CONFIG)
    assert plan.planned == STATE and plan.requires_replace == []


def test_delete_and_delete_of_an_already_deleted_deployment(harness: Harness, api: responses.RequestsMock) -> None:
    api.delete(f"{URL}/face-1", status=204)
    assert harness.apply(TYPE, STATE, None) == (None, [])
    api.delete(f"{URL}/face-1", **visage_error(404, "DeploymentNotFound", "Deployment 'face-1' is not found."))
    assert harness.apply(TYPE, STATE, None) == (None, [])


def test_import_reads_the_deployment_without_keys(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{URL}/face-1", json=VIEW)
    state, diags = harness.import_(TYPE, "face-1")
    assert diags == [] and state == {**VIEW, "key1": None, "key2": None}


def test_import_of_a_missing_or_malformed_name(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(f"{URL}/nope", **visage_error(404, "DeploymentNotFound", "Deployment 'nope' is not found."))
    state, diags = harness.import_(TYPE, "nope")
    assert state is None and "404 DeploymentNotFound" in errors(diags)[0].summary
    state, diags = harness.import_(TYPE, "not/a-name")
    assert state is None and errors(diags)[0].summary == "Invalid import id 'not/a-name'"
