"""Stored text is data, never markup or terminal control (issue 10, item 3).

The text is put into the database as it might be there from before the input normaliser (or
through any future path that forgets it): straight into the tables. Every reading command
shows it as written, with markup tags literal and escape sequences and control characters
cleaned out at render time (cli/render.py), and none exits 70.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]

NASTY_NAME = "[/b]李\x1b[2J四\x9b31m\u202e"
NASTY_SUMMARY = "[link=https://evil.example]点我[/link] [bold]粗[/bold] :smile: \x1b]8;;x\x07藏\x07"


def _world(cli: Cli, tmp_path: Path, cli_db: str) -> None:
    assert cli("init", "--no-login", "--committee", "测试调委会", "--prefix", "测").code == 0
    assert cli("staff", "add", "shenji", "--name", "审计", "--role", "auditor").code == 0
    record = case_record()
    record["parties"][0]["name"] = "null"  # a name that is a JSON word
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert cli("case", "new", "-f", str(path)).code == 0
    with sqlite3.connect(cli_db) as db:  # as if stored before the normaliser existed
        db.execute("UPDATE party SET name = ? WHERE position = 1", (NASTY_NAME,))
        db.execute("UPDATE cases SET summary = ?, requests = ?",
                   (NASTY_SUMMARY, "\x1b[31m红\x1b[0m\x00"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("user", ["wangfang", "shenji"])
def test_stored_text_is_shown_as_text(cli: Cli, tmp_path: Path, cli_db: str,
                                      user: str) -> None:
    _world(cli, tmp_path, cli_db)
    env = {"MEDIATION_USER": user}
    for args in (("case", "list"), ("case", "show", "1"), ("case", "history", "1"),
                 ("audit", "log"), ("audit", "log", "--json"), ("audit", "case", "1"),
                 ("case", "list", "--json"), ("case", "show", "1", "--json")):
        result = cli(*args, env=env)
        if result.code == 1 and "(permission: " in result.err:
            continue
        assert result.code == 0, (args, result.err)
        shown = result.out + result.err
        assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown, args
        assert "\x00" not in shown and "\x07" not in shown, args
        if "--json" in args:
            json.loads(result.out)
        elif args[:2] in (("case", "list"), ("case", "show")) and user == "wangfang":
            assert "[/b]" in shown, args  # the markup tag is shown as written
            if args[1] == "show":
                assert "[link=https://evil.example]" in shown and "[bold]" in shown
                assert ":smile:" in shown
