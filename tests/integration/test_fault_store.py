"""Faults in Redis are checked in the order they were added, however close together, whatever the
adding host's clock says."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from redis import Redis

from server.domain.clock import now
from server.domain.faults import Fault
from server.store import keys
from server.store.faults import FaultStore

WHEN = now().replace(microsecond=0)


def fault(fault_id: str, *, at: timedelta = timedelta(0)) -> Fault:
    return Fault(fault_id, None, None, "*", 503, 1.0, 0, None, 1, WHEN + at)


def test_faults_added_in_one_millisecond_keep_the_order_they_were_added(redis_db: Redis) -> None:
    store = FaultStore(redis_db)
    added = ["f", "e", "d", "c", "b", "a"]  # in reverse order of their ids, all stamped the same millisecond
    for fault_id in added:
        store.add(fault(fault_id), max_faults=100)
    assert [each.fault_id for each in store.list()] == added


def test_a_host_whose_clock_is_behind_does_not_jump_the_queue(redis_db: Redis) -> None:
    store = FaultStore(redis_db)
    store.add(fault("first"), max_faults=100)
    store.add(fault("second", at=timedelta(seconds=-30)), max_faults=100)
    assert [each.fault_id for each in store.list()] == ["first", "second"]


def test_a_deleted_or_used_up_fault_leaves_nothing_behind(redis_db: Redis) -> None:
    store = FaultStore(redis_db)
    store.add(fault("kept"), max_faults=100)
    store.add(fault("deleted"), max_faults=100)
    store.add(dataclasses.replace(fault("counted"), count=1), max_faults=100)
    assert store.delete("deleted")
    [_, counted] = store.list()
    assert store.take_hit(counted) and not store.take_hit(counted)
    assert [each.fault_id for each in store.list()] == ["kept"]
    assert {key.decode() for key in redis_db.keys(f"{keys.faults()}*")} <= {
        keys.faults(), keys.fault_hits_left(), keys.fault_order()}
    assert redis_db.zrange(keys.fault_order(), 0, -1) == [b"kept"]
