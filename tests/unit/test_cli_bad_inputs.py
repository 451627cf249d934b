"""The `visage` tools on an unlucky operator's inputs that need no Redis: a REDIS_URL that is not one, a
--data-dir that is a file, an output path that cannot be written. One line on stderr and a non-zero
exit, never a traceback, and never half a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.cli import EXIT_NO_INSTANCE, main


@pytest.fixture(autouse=True)
def _no_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.mark.parametrize("command", [["audit", "verify"], ["audit", "checkpoint"], ["status"]])
@pytest.mark.parametrize("url", ["foo", "http://127.0.0.1:6379/5", "redis://:hunter2@127.0.0.1:6379/notanumber"])
def test_a_redis_url_that_is_not_one_is_one_line_and_exit_2(command: list[str], url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDIS_URL", url)
    assert main([*command, "--data-dir", str(tmp_path)]) == EXIT_NO_INSTANCE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and "is not a Redis URL" in captured.err
    assert "hunter2" not in captured.err


@pytest.mark.parametrize("command", [["status"], ["audit", "verify"], ["audit", "checkpoint"], ["reset", "--yes"]])
def test_a_data_dir_that_is_a_file_is_one_line_and_a_failure(command: list[str], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    not_a_dir = tmp_path / "visage.txt"
    not_a_dir.write_text("notes")
    assert main([*command, "--data-dir", str(not_a_dir)]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"visage: the data dir {not_a_dir} is not a directory\n"
    assert not_a_dir.read_text() == "notes"


def test_openapi_into_a_missing_directory_is_one_line_and_exit_1(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing" / "visage.yaml"
    assert main(["openapi", "--write", str(target)]) == 1
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1 and str(target) in captured.err
    assert not target.exists()


def test_openapi_onto_a_directory_is_one_line_and_leaves_nothing_behind(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "visage.yaml"
    target.mkdir()
    assert main(["openapi", "--write", str(target)]) == 1
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["visage.yaml"] and target.is_dir()
