"""``case history`` shows a party's and a guardian's name as ``case show`` would to the reader
(a clerk's trial, issue 14): a correction's event holds the party lists with the names masked
(the log keeps no names), so a director saw 周某 in it where ``case show`` says 周子涵; the names
known from the party rows are put back for a reader who may see names (mediation/known_names.py),
never for one who may not (the auditor), in both languages and in a pipe."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.lines import width
from tests.cli.test_case_facts_cli import _plain, _registered
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def backend() -> str:
    return "sqlite"


ADDED = {"role": "respondent", "kind": "person", "name": "欧阳买买提江", "sex": "male",
         "phone": "13700001111", "guardian": {"name": "欧阳建国", "relation": "父亲",
                                               "phone": "13600001111"}}


def _amended(cli: Cli, tmp_path: Path) -> None:
    """Registered (周子涵, her guardian 周建国; 李四), then corrected: 李四's phone, a party
    added (欧阳买买提江, his guardian 欧阳建国), 李四 removed, 周子涵's phone."""
    _registered(cli, tmp_path)
    for args in (("--edit-party", '2:{"phone":"13911111111"}', "--reason", "电话有误"),
                 ("--add-party", json.dumps(ADDED, ensure_ascii=False), "--reason", "追加"),
                 ("--remove-party", "2", "--reason", "重复登记"),
                 ("--edit-party", '1:{"phone":"13900003333"}', "--reason", "号码变更")):
        done = cli("case", "amend", "1", *args)
        assert done.code == 0, done.err


def _event(text: str, reason: str) -> str:
    """The lines of the event recorded with ``reason`` (its row, in a pipe)."""
    if "\t" in text:
        return next(line for line in text.splitlines() if f"\t{reason}\t" in line)
    part = text[text.index(reason):]
    return part[:part.index("#")] if "#" in part else part


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("command", [("case", "history", "1"), ("audit", "case", "1")])
def test_names_through_parties_added_and_removed_and_only_what_changed(
        cli: Cli, tmp_path: Path, lang: str, terminal: bool, command: tuple[str, ...]) -> None:
    _amended(cli, tmp_path)
    zh = lang == "zh"

    def shown(user: str) -> str:
        done = cli("--lang", lang, "--user", user, *command, terminal=terminal,
                   env={"COLUMNS": "80"})
        assert done.code == 0, done.err
        text = _plain(done.out)
        if terminal:  # at 80 columns: every line fits, no label apart from its value
            assert all(width(line) <= 80 for line in text.splitlines()), text
            assert not any(line.rstrip().endswith(("：", ":")) for line in text.splitlines())
        return text

    director = shown("wangfang")
    # every name in full, the registration's before parties were added and removed, the
    # guardians' and the added party's too
    for full in ("周子涵", "周建国", "李四", "欧阳买买提江", "欧阳建国"):
        assert full in director, (full, director)
    assert not any(masked in director for masked in ("周某", "李某", "欧阳某")), director
    # a correction shows only what changed: no party's list before and after
    phone = _event(director, "电话有误")
    assert ("第2位当事人 电话：139****4321 → 139****1111" if zh else
            "party 2 phone: 139****4321 → 139****1111") in " ".join(phone.split("\n      "))
    assert "138****5678" not in phone and "周子涵" not in phone
    added = _event(director, "追加")
    assert ("新增第3位当事人" if zh else "party 3 added") in added and "欧阳建国" in added
    assert "李四" in _event(director, "重复登记") and "周子涵" not in _event(director, "重复登记")
    auditor = shown("shenji")  # may not see names: masked, the guardians' too
    assert not any(full in auditor for full in ("周子涵", "周建国", "李四", "欧阳买买提江",
                                                 "欧阳建国")), auditor
    assert "周某" in auditor and "欧阳某" in auditor
    assert "13900003333" not in auditor + director


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_committee_log_shows_only_what_changed(cli: Cli, tmp_path: Path, lang: str) -> None:
    _amended(cli, tmp_path)
    for terminal in (True, False):
        done = cli("--lang", lang, "audit", "log", terminal=terminal, env={"COLUMNS": "80"})
        assert done.code == 0, done.err
        text = " ".join(_plain(done.out).split("\n      "))
        assert ("第1位当事人 电话：138****5678 → 139****3333" if lang == "zh" else
                "party 1 phone: 138****5678 → 139****3333") in text, text
        assert "139****4321 → " not in _event(text, "号码变更")
