"""`visage status` output: plain text columns, and rich tables that show names as written."""

from __future__ import annotations

import pytest

from server.status import Status, render_rich, render_text

TENANTS = (["tenant", "organization"], [["t-1", "[bold]Evil[/] Corp"], ["t-2", "[/unclosed"]])


def _status() -> Status:
    empty: tuple[list[str], list[list[str]]] = (["queue", "waiting"], [])
    return Status(summary=["2 tenants (2 active)"], tenants=TENANTS, deployments=empty, queues=empty,
                  workers=empty, jobs=empty, refusals=empty)


def test_plain_text_aligns_columns_and_says_none_for_empty_sections() -> None:
    text = render_text(_status())
    assert "Tenants:\n  tenant  organization\n  t-1     [bold]Evil[/] Corp\n  t-2     [/unclosed\n" in text
    assert "Running jobs:\n  none\n" in text


def test_rich_tables_show_markup_in_names_literally(capsys: pytest.CaptureFixture[str]) -> None:
    render_rich(_status())
    out = capsys.readouterr().out
    assert "[bold]Evil[/] Corp" in out and "[/unclosed" in out and "Running jobs: none" in out
