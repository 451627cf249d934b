"""The supervisor's rules: how long a dying child waits before its restart, how an exit reads."""

from __future__ import annotations

from pathlib import Path

from server.supervisor import MAX_RESTART_DELAY_SECONDS, describe_exit, restart_delay
from server.up import Options, Role


def test_restarts_back_off_exponentially_up_to_a_cap() -> None:
    assert [restart_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert restart_delay(10_000) == MAX_RESTART_DELAY_SECONDS


def test_exits_read_as_a_person_would_say_them() -> None:
    assert describe_exit(-9) == "was killed by SIGKILL"
    assert describe_exit(-15) == "was killed by SIGTERM"
    assert describe_exit(3) == "exited with status 3"


def _options(role: Role, *, tls: bool = False) -> Options:
    return Options(host="127.0.0.1", port=8080, data_dir=Path("/nonexistent"), workers=1,
                   api_processes=1, role=role, tls=tls)


def test_api_and_worker_roles_need_the_shared_redis_url() -> None:
    for role in (Role.API, Role.WORKER):
        problem = _options(role).problem(None)
        assert problem is not None and "REDIS_URL" in problem and f"--role {role}" in problem
        assert _options(role).problem("redis://shared:6379/0") is None
    assert _options(Role.ALL).problem(None) is None


def test_tls_is_refused_where_no_api_runs() -> None:
    assert "--tls" in (_options(Role.WORKER, tls=True).problem("redis://shared/0") or "")
    assert _options(Role.API, tls=True).problem("redis://shared/0") is None
