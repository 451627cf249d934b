"""`visage_large_person_group`: provisioned through the management API by deployment name."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from tf_harness import ENDPOINT, Harness, errors, visage_error

TYPE = "visage_large_person_group"
URL = f"{ENDPOINT}/mgmt/v1/deployments/face-1/largepersongroups/staff"
CONFIG = {"deployment": "face-1", "id": "staff", "name": "Staff"}
VIEW = {"largePersonGroupId": "staff", "name": "Staff", "recognitionModel": "recognition_01"}
STATE = {**CONFIG, "user_data": None, "recognition_model": "recognition_01"}


def body_of(api: responses.RequestsMock) -> Any:
    return json.loads(api.calls[-1].request.body or b"null")


@pytest.mark.parametrize(("config", "attribute"), [
    ({**CONFIG, "id": "Staff"}, "id"),
    ({**CONFIG, "id": "x" * 65}, "id"),
    ({**CONFIG, "deployment": "-x"}, "deployment"),
    ({**CONFIG, "name": ""}, "name"),
    ({**CONFIG, "name": "n" * 129}, "name"),
    ({**CONFIG, "user_data": "u" * 16385}, "user_data"),
    ({**CONFIG, "recognition_model": "recognition_05"}, "recognition_model"),
])
def test_plan_time_validation(config: dict[str, Any], attribute: str) -> None:
    [diag] = errors(Harness().validate(TYPE, config))
    assert diag.path == [attribute]


def test_create_defaults_the_recognition_model(harness: Harness, api: responses.RequestsMock) -> None:
    assert harness.validate(TYPE, {**CONFIG, "id": "staff_2-b"}) == []
    plan = harness.plan(TYPE, None, CONFIG)
    assert plan.planned == STATE  # everything is known at plan time
    api.put(URL, status=201, json=VIEW)
    state, diags = harness.apply(TYPE, None, plan.planned)
    assert diags == [] and state == STATE
    assert body_of(api) == {"name": "Staff", "recognitionModel": "recognition_01"}


def test_create_with_user_data_and_a_model(harness: Harness, api: responses.RequestsMock) -> None:
    config = {**CONFIG, "user_data": "front desk", "recognition_model": "recognition_04"}
    api.put(URL, status=201, json={**VIEW, "userData": "front desk", "recognitionModel": "recognition_04"})
    state, diags = harness.create(TYPE, config)
    assert diags == [] and state == config
    assert body_of(api) == {"name": "Staff", "userData": "front desk", "recognitionModel": "recognition_04"}


def test_create_of_an_existing_group_points_to_import(harness: Harness, api: responses.RequestsMock) -> None:
    api.put(URL, **visage_error(409, "LargePersonGroupExists", "Large person group 'staff' already exists."))
    _, diags = harness.create(TYPE, CONFIG)
    assert "<deployment>/<group id>" in errors(diags)[0].detail


def test_name_and_user_data_change_in_place(harness: Harness, api: responses.RequestsMock) -> None:
    plan = harness.plan(TYPE, STATE, {**CONFIG, "name": "Everyone", "user_data": "all"})
    assert plan.requires_replace == []
    api.patch(URL, json={**VIEW, "name": "Everyone", "userData": "all"})
    state, diags = harness.apply(TYPE, STATE, plan.planned)
    assert diags == [] and state == {**STATE, "name": "Everyone", "user_data": "all"}
    assert body_of(api) == {"name": "Everyone", "userData": "all"}


def test_removing_user_data_clears_it(harness: Harness, api: responses.RequestsMock) -> None:
    prior = {**STATE, "user_data": "all"}
    plan = harness.plan(TYPE, prior, CONFIG)
    api.patch(URL, json={**VIEW, "userData": ""})
    state, diags = harness.apply(TYPE, prior, plan.planned)
    assert diags == [] and state == STATE
    assert body_of(api) == {"name": "Staff", "userData": ""}
    api.get(URL, json={**VIEW, "userData": ""})
    assert harness.read(TYPE, STATE) == (STATE, [])  # "" stays null: no perpetual diff


@pytest.mark.parametrize(("change", "replaced"), [
    ({"recognition_model": "recognition_04"}, ["recognition_model"]),
    ({"id": "other"}, ["id"]),
    ({"deployment": "face-2"}, ["deployment"]),
])
def test_model_id_and_deployment_force_replacement(harness: Harness, change: dict[str, str],
                                                   replaced: list[str]) -> None:
    assert harness.plan(TYPE, STATE, {**CONFIG, **change}).requires_replace == replaced


def test_an_unset_model_keeps_the_one_the_group_has(harness: Harness) -> None:
    prior = {**STATE, "recognition_model": "recognition_03"}
    plan = harness.plan(TYPE, prior, CONFIG)
    assert plan.requires_replace == [] and plan.planned == prior


@pytest.mark.parametrize("code", ["LargePersonGroupNotFound", "DeploymentNotFound"])
def test_read_forgets_a_deleted_group(harness: Harness, api: responses.RequestsMock, code: str) -> None:
    api.get(URL, **visage_error(404, code, "not found"))
    assert harness.read(TYPE, STATE) == (None, [])


def test_read_notices_changes_made_elsewhere(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json={**VIEW, "name": "Renamed", "userData": "x"})
    assert harness.read(TYPE, STATE) == ({**STATE, "name": "Renamed", "user_data": "x"}, [])


def test_delete(harness: Harness, api: responses.RequestsMock) -> None:
    api.delete(URL, status=204)
    assert harness.apply(TYPE, STATE, None) == (None, [])
    api.delete(URL, **visage_error(404, "DeploymentNotFound", "gone"))
    assert harness.apply(TYPE, STATE, None) == (None, [])


def test_import_by_deployment_and_id(harness: Harness, api: responses.RequestsMock) -> None:
    api.get(URL, json={**VIEW, "userData": "x"})
    assert harness.import_(TYPE, "face-1/staff") == ({**STATE, "user_data": "x"}, [])
    state, diags = harness.import_(TYPE, "staff")
    assert state is None and "<deployment>/<group id>" in errors(diags)[0].detail
