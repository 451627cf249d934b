"""The sliding-log script on a real Redis: exact admission on Redis's clock, no double burst at a
window edge, and a wait that is exactly long enough."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from redis import Redis

from server.domain.rates import Rate, admitted_within, retry_after_seconds
from server.store import ratelimit


def redis_seconds(redis: Redis) -> float:
    seconds, micros = redis.time()
    return seconds + micros / 1_000_000


def test_exactly_the_limit_is_admitted_and_a_refusal_is_not_counted(redis_db: Redis) -> None:
    rate = Rate(5, 30)
    verdicts = [ratelimit.admit(redis_db, "deployment:a", rate) for _ in range(12)]
    assert [verdict.admitted for verdict in verdicts] == [True] * 5 + [False] * 7
    first = verdicts[0].at_microseconds
    for refused in verdicts[5:]:
        # the next admission is when the oldest admitted call leaves the window: refusals did not move it
        assert refused.wait_microseconds == first + rate.window_microseconds - refused.at_microseconds
    assert ratelimit.admit(redis_db, "deployment:b", rate).admitted  # scopes are separate


def test_concurrent_calls_get_exactly_the_limit(redis_db: Redis) -> None:
    rate = Rate(25, 60)
    with ThreadPoolExecutor(max_workers=16) as pool:  # redis-py's pool gives each thread its own connection
        verdicts = list(pool.map(lambda _: ratelimit.admit(redis_db, "shared", rate), range(200)))
    assert sum(verdict.admitted for verdict in verdicts) == 25


def test_a_burst_at_a_window_edge_does_not_get_twice_the_limit(redis_db: Redis) -> None:
    rate = Rate(5, 1)
    while redis_seconds(redis_db) % 1 < 0.85:  # just before a whole second of Redis's clock
        time.sleep(0.01)
    before = [ratelimit.admit(redis_db, "edge", rate) for _ in range(rate.calls)]
    while redis_seconds(redis_db) % 1 >= 0.85:  # just after it
        time.sleep(0.005)
    after = [ratelimit.admit(redis_db, "edge", rate) for _ in range(rate.calls)]
    assert all(verdict.admitted for verdict in before)
    assert int(before[0].at_microseconds // 1_000_000) != int(after[0].at_microseconds // 1_000_000)
    assert not any(verdict.admitted for verdict in after)


def test_under_steady_demand_every_window_holds_the_limit_and_no_more(redis_db: Redis) -> None:
    rate = Rate(5, 1)
    admitted = []
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        verdict = ratelimit.admit(redis_db, "steady", rate)
        if verdict.admitted:
            admitted.append(verdict.at_microseconds)
        time.sleep(0.002)
    assert admitted_within(admitted, rate) == rate.calls
    assert len(admitted) >= 2 * rate.calls + 1  # windows refill: the limiter is not stricter than its rate


def test_waiting_the_stated_time_is_enough_and_waiting_less_is_not(redis_db: Redis) -> None:
    rate = Rate(1, 3)
    assert ratelimit.admit(redis_db, "patient", rate).admitted
    refused = ratelimit.admit(redis_db, "patient", rate)
    assert not refused.admitted and retry_after_seconds(refused.wait_microseconds) == 3
    time.sleep(refused.wait_microseconds / 1_000_000 - 0.5)
    too_soon = ratelimit.admit(redis_db, "patient", rate)
    assert not too_soon.admitted
    time.sleep(too_soon.wait_microseconds / 1_000_000 + 0.01)
    assert ratelimit.admit(redis_db, "patient", rate).admitted


def test_the_log_expires_with_its_window(redis_db: Redis) -> None:
    ratelimit.admit(redis_db, "brief", Rate(3, 2))
    ttl = redis_db.pttl("visage:rate:brief")
    assert 0 < ttl <= 2000
