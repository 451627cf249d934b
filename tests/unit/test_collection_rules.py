"""Collection ids, names, paging, targetFace and training leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain import collections as rules
from server.domain.collections import RULES, CollectionKind, PersistedFaceNotFound, PersonNotFound
from server.domain.training import LEASE_SECONDS, QUEUED_LEASE_SECONDS, TrainingRun, TrainingStatus
from server.errors import BadArgument

LPG = RULES[CollectionKind.LARGE_PERSON_GROUP]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("good", ["a", "group_1", "x-y", "0" * 64])
def test_valid_ids(good: str) -> None:
    assert rules.check_collection_id(LPG, good) == good


@pytest.mark.parametrize("bad", ["", "Group", "a b", "a/b", "é", "0" * 65, "a.b"])
def test_invalid_ids_name_the_kind(bad: str) -> None:
    with pytest.raises(BadArgument, match="Large person group ID is invalid."):
        rules.check_collection_id(LPG, bad)


def test_codes_and_messages_follow_the_kind() -> None:
    face_list = RULES[CollectionKind.FACE_LIST]
    missing = face_list.not_found()
    assert (missing.code, missing.message) == ("FaceListNotFound", "Face list is not found.")
    assert LPG.exists().code == "LargePersonGroupExists"
    assert LPG.under_training().message == "Large person group is under training."


def test_names_and_user_data() -> None:
    with pytest.raises(BadArgument, match="'name' is empty."):
        rules.check_name("", required=True)
    with pytest.raises(BadArgument, match="'name' is too long."):
        rules.check_name("n" * 129, required=True)
    assert rules.check_name(None, required=False) is None
    with pytest.raises(BadArgument, match="'userData' is too long."):
        rules.check_user_data("u" * 1025, rules.FACE_USER_DATA_MAX)


def test_person_and_face_ids_must_be_uuids() -> None:
    with pytest.raises(PersonNotFound, match="Person ID is invalid."):
        rules.check_person_id("nope")
    with pytest.raises(PersistedFaceNotFound, match="Persisted face ID is invalid."):
        rules.check_persisted_face_id("nope")


def test_paging() -> None:
    assert rules.check_page(None, None) == (None, 1000)
    assert rules.check_page("abc", "3") == ("abc", 3)
    assert rules.check_page(None, " +7 ") == (None, 7)  # as .NET reads an integer
    for top in ("0", "1001", "x", "1_0", "\u0665", "5.0", "0x10"):
        with pytest.raises(BadArgument, match="'top' is invalid."):
            rules.check_page(None, top)
    with pytest.raises(BadArgument, match="'start' is too long."):
        rules.check_page("s" * 65, None)


def test_target_face() -> None:
    assert rules.parse_target_face(None, 100, 100) is None
    assert rules.parse_target_face("10,20,30,40", 100, 100) == (10, 20, 30, 40)
    assert rules.parse_target_face(" 10, 20,30 ,+40", 100, 100) == (10, 20, 30, 40)
    for bad in ("1,2,3", "a,b,c,d", "1,2,3,4,5", "1_0,2,3,4", "\u0661,2,3,4", "1,2,3,4.0"):
        with pytest.raises(BadArgument, match="Invalid argument targetFace."):
            rules.parse_target_face(bad, 100, 100)
    for outside in ("90,0,20,20", "-1,0,5,5", "0,0,0,5"):
        with pytest.raises(BadArgument, match="out of range"):
            rules.parse_target_face(outside, 100, 100)


def run(status: TrainingStatus, heartbeat: datetime) -> TrainingRun:
    return TrainingRun("op", status, created=T0, last_action=heartbeat, heartbeat=heartbeat)


def test_a_running_training_whose_worker_vanished_reads_as_failed() -> None:
    running = run(TrainingStatus.RUNNING, T0)
    assert running.as_of(T0 + timedelta(seconds=LEASE_SECONDS - 1)).status is TrainingStatus.RUNNING
    lapsed = running.as_of(T0 + timedelta(seconds=LEASE_SECONDS + 1))
    assert lapsed.status is TrainingStatus.FAILED and "interrupted" in (lapsed.message or "")
    assert not running.blocks_new_training(T0 + timedelta(seconds=LEASE_SECONDS + 1))


def test_a_queued_training_blocks_a_new_one_until_its_job_is_presumed_lost() -> None:
    queued = run(TrainingStatus.NOT_STARTED, T0)
    assert queued.blocks_new_training(T0 + timedelta(seconds=QUEUED_LEASE_SECONDS - 1))
    assert not queued.blocks_new_training(T0 + timedelta(seconds=QUEUED_LEASE_SECONDS + 1))


def test_finished_trainings_do_not_block() -> None:
    assert not run(TrainingStatus.SUCCEEDED, T0).blocks_new_training(T0)
    assert not run(TrainingStatus.FAILED, T0).blocks_new_training(T0)


def test_training_status_casing_follows_the_api_version() -> None:
    assert TrainingStatus.NOT_STARTED.wire("v1.0") == "notstarted"
    assert TrainingStatus.NOT_STARTED.wire("v1.2") == "notStarted"
