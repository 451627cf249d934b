"""The data dir: one instance at a time, tools told plainly when none runs, secrets kept private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from server.datadir import DataDir, DataDirBusy, NoInstance


def test_a_second_instance_cannot_take_a_held_data_dir(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    lock = data.acquire()
    lock.describe(endpoint="http://127.0.0.1:8080", role="all")
    with pytest.raises(DataDirBusy, match=rf"another Visage \(pid {os.getpid()} at http://127.0.0.1:8080\)"):
        DataDir(tmp_path / "data").acquire(patience=0)
    lock.release()
    DataDir(tmp_path / "data").acquire().release()


def test_tools_learn_the_running_instances_redis_only_while_it_holds_the_lock(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    with pytest.raises(NoInstance, match="No Visage is running with data dir"):
        data.running_redis_url()
    data.write_redis_url("redis://127.0.0.1:6390/0")  # left behind by an instance that crashed
    with pytest.raises(NoInstance, match="No Visage is running"):
        data.running_redis_url()
    lock = data.acquire()
    lock.describe(role="all")
    assert data.holder() is not None and data.holder().pid == os.getpid()  # type: ignore[union-attr]
    assert data.running_redis_url() == "redis://127.0.0.1:6390/0"
    data.forget_redis_url()
    with pytest.raises(NoInstance, match="still starting"):
        data.running_redis_url()
    lock.release()
    assert data.holder() is None


def test_the_admin_token_is_made_once_and_readable_by_its_owner_only(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISAGE_ADMIN_TOKEN", raising=False)
    data = DataDir(tmp_path)
    token = data.admin_token()
    assert len(token) >= 40 and data.admin_token() == token
    assert stat.S_IMODE((tmp_path / "admin-token").stat().st_mode) == 0o600
    monkeypatch.setenv("VISAGE_ADMIN_TOKEN", "from-the-environment")
    assert data.admin_token() == "from-the-environment"


def test_the_redis_url_file_is_private(tmp_path: Path) -> None:
    DataDir(tmp_path).write_redis_url("redis://:secret@127.0.0.1:6390/0")
    assert stat.S_IMODE((tmp_path / "redis.url").stat().st_mode) == 0o600


def test_wiping_state_keeps_the_admin_token_the_audit_key_and_the_tls_authority(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    for directory in ("redis", "media", "logs", "tls"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "file").write_text("x")
    data.write_redis_url("redis://127.0.0.1:6390/0")
    for kept in ("admin-token", "audit.key"):
        (tmp_path / kept).write_text("secret\n")
    (tmp_path / "audit-checkpoint.json").write_text("{}")  # vouches for the trail in redis/, wiped with it
    assert sorted(path.name for path in data.wipe_state()) == [
        "audit-checkpoint.json", "logs", "media", "redis", "redis.url"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["admin-token", "audit.key", "tls"]
    assert data.wipe_state() == []


def test_without_a_private_redis_the_audit_checkpoint_stays(tmp_path: Path) -> None:
    (tmp_path / "audit-checkpoint.json").write_text("{}")  # the trail lives in the Redis of REDIS_URL
    DataDir(tmp_path).wipe_state()
    assert (tmp_path / "audit-checkpoint.json").exists()
