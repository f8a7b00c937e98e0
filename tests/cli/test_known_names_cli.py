"""``case history`` shows a party's and a guardian's name as ``case show`` would to the reader
(a clerk's trial, issue 14): a correction's event holds the party lists with the names masked
(the log keeps no names), so a director saw 周某 in it where ``case show`` says 周子涵; the names
known from the party rows are put back for a reader who may see names (mediation/known_names.py),
never for one who may not (the auditor), in both languages and in a pipe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_case_facts_cli import _plain, _registered
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("terminal", [True, False])
def test_a_correction_shows_the_names_the_reader_may_see(cli: Cli, tmp_path: Path, lang: str,
                                                        terminal: bool) -> None:
    _registered(cli, tmp_path)
    amended = cli("case", "amend", "1", "--edit-party", '1:{"phone":"13900003333"}',
                  "--reason", "电话有误")
    assert amended.code == 0, amended.err
    director = cli("--lang", lang, "case", "history", "1", terminal=terminal,
                   env={"COLUMNS": "80"})
    assert director.code == 0, director.err
    text = _plain(director.out)
    # the correction's party lists, before and after: the ward and her guardian by name
    amend_part = text[text.index("电话有误"):] if "电话有误" in text else text
    assert "周子涵" in amend_part and "周建国" in amend_part, text
    assert "周某" not in text, text
    auditor = cli("--lang", lang, "--user", "shenji", "case", "history", "1",
                  terminal=terminal, env={"COLUMNS": "80"})
    assert auditor.code == 0, auditor.err
    assert "周子涵" not in auditor.out and "周建国" not in auditor.out
    assert "13900003333" not in auditor.out and "13900003333" not in director.out
