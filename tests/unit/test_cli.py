"""The `visage` tools when no instance runs, `visage reset` and `visage --version`: plain one-line
answers and exit codes, never a traceback and never an "OK" about some other Redis."""

from __future__ import annotations

import io
from importlib.metadata import version
from pathlib import Path

import pytest

from server.cli import EXIT_NO_INSTANCE, main
from server.datadir import DataDir


@pytest.fixture(autouse=True)
def _no_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"visage {version('visage')}"


@pytest.mark.parametrize("command", [["status"], ["audit", "verify"]])
def test_tools_say_plainly_that_no_instance_runs(command: list[str], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    DataDir(tmp_path).write_redis_url("redis://127.0.0.1:6379/0")  # left by a crashed instance: not trusted
    assert main([*command, "--data-dir", str(tmp_path)]) == EXIT_NO_INSTANCE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"visage: No Visage is running with data dir {tmp_path.resolve()}. Start one with "
                            "`visage up`, or set REDIS_URL to the Redis to use.\n")


def test_reset_refuses_while_an_instance_holds_the_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "redis").mkdir()
    lock = DataDir(tmp_path).acquire()
    lock.describe(role="all")
    try:
        assert main(["reset", "--data-dir", str(tmp_path), "--yes"]) == 1
    finally:
        lock.release()
    assert "another Visage" in capsys.readouterr().err
    assert (tmp_path / "redis").is_dir()


def test_reset_asks_for_confirmation_and_wipes_with_yes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "appendonly.aof").write_text("data")
    (tmp_path / "admin-token").write_text("token\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["reset", "--data-dir", str(tmp_path)]) == 1  # no terminal to ask: refuse, delete nothing
    assert "confirm with --yes" in capsys.readouterr().err and (tmp_path / "redis").exists()

    assert main(["reset", "--data-dir", str(tmp_path), "--yes"]) == 0
    assert f"removed {tmp_path.resolve() / 'redis'}" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["admin-token", "lock"]
