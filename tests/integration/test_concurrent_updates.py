"""PATCHes of one person that change different fields, racing on real Redis: neither is lost, in a
person group's person and in a PersonDirectory person alike."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from redis import Redis

from server.domain.callers import Caller
from server.domain.collections import CollectionKind
from server.domain.detection import RecognitionModel
from server.services import collections, person_directory
from server.services.tenants import sign_up
from tests.support.tenants import signup_form

ROUNDS = 200

Rename = Callable[[object, object], object]
"""Update the person under test: (name, userData), None for a field left alone."""


def caller_of(redis: Redis) -> Caller:
    signed_up = sign_up(redis, signup_form(), base_url="http://visage.test")
    return Caller(signed_up.tenant, signed_up.deployment.deployment)


def race(update: Rename, read: Callable[[], tuple[str, str | None]]) -> None:
    """Round after round, one thread renames the person while another changes its userData; after
    each round the person has both changes."""
    start, done = threading.Barrier(2), threading.Barrier(2)
    lost: list[str] = []
    errors: list[BaseException] = []

    def run(field: str) -> None:
        try:
            for round_ in range(ROUNDS):
                start.wait()
                update(f"name {round_}", None) if field == "name" else update(None, f"data {round_}")
                done.wait()
                if field == "name" and (seen := read()) != (f"name {round_}", f"data {round_}"):
                    lost.append(f"round {round_}: {seen}")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            start.abort()
            done.abort()

    threads = [threading.Thread(target=run, args=(field,)) for field in ("name", "userData")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and lost == []


@pytest.mark.parametrize("kind", [CollectionKind.LARGE_PERSON_GROUP, CollectionKind.PERSON_GROUP])
def test_a_rename_and_a_user_data_change_of_one_group_person_both_stay(redis_db: Redis, kind: CollectionKind) -> None:
    caller = caller_of(redis_db)
    collections.create_collection(redis_db, caller, kind, "g", "g", None, RecognitionModel.RECOGNITION_04)
    person_id = collections.create_person(redis_db, caller, kind, "g", "before", "before").person_id

    def read() -> tuple[str, str | None]:
        person = collections.get_person(redis_db, caller, kind, "g", person_id)
        return person.name, person.user_data

    race(lambda name, user_data: collections.update_person(redis_db, caller, kind, "g", person_id, name, user_data),
         read)


def test_a_rename_and_a_user_data_change_of_one_directory_person_both_stay(redis_db: Redis) -> None:
    caller = caller_of(redis_db)
    person_id = person_directory.create_person(redis_db, caller, "before", "before").value.person_id

    def read() -> tuple[str, str | None]:
        person = person_directory.get_person(redis_db, caller, person_id)
        return person.name, person.user_data

    race(lambda name, user_data: person_directory.update_person(redis_db, caller, person_id, name, user_data), read)
