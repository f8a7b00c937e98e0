"""Issue 14 (a clerk's trial): ``staff name liming 李明`` to the name it already had said it was
corrected, and the audit log showed ``用户名：李明 → 李明``. A value set to what it already is,
is no change (mediation.core.changes): the command says so, writes nothing and exits 0; the
user an event is about is shown as a value (用户名：李明), never as a change to itself. zh and
en, piped and on an 80-column terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]


@pytest.fixture
def committee(cli: Cli) -> Cli:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳").code == 0
    assert cli("staff", "add", "liming", "--name", "李明", "--role", "mediator").code == 0
    assert cli("retention", "set", "--days", "3650").code == 0
    return cli


def _events(cli: Cli) -> int:
    return len(json.loads(cli("audit", "log", "--all", "--json").out))


# Each setter given the value it holds: (the command, what it says under zh, under en)
SAME = [
    (("staff", "name", "liming", "李明"), "李明 的姓名未改变", "李明's name is unchanged"),
    (("staff", "role", "liming", "调解员"), "李明 本来就是调解员，未改变",
     "李明 is already mediator: nothing changed"),
    (("staff", "role", "liming", "mediator"), "李明 本来就是调解员，未改变",
     "李明 is already mediator: nothing changed"),
    (("staff", "disable", "liming", "--enable"), "李明 的账户本来就已启用，未改变",
     "李明 is already active: nothing changed"),
    (("retention", "set", "--days", "3650"), "未改变：保存期限已是 3650 天",
     "Nothing changed: the retention period is already 3650 days"),
    (("calendar", "set", "--zone", "Asia/Shanghai"), "未改变：日历设置已是这些值",
     "Nothing changed: the calendar already has these settings"),
    (("procedure", "set", "--extensions", "1"), "未改变：程序规则已是这些值",
     "Nothing changed: the rules already have these settings"),
    (("committee", "rename", "龙王港社区人民调解委员会"), "", ""),
]


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("args", "zh", "en"), SAME, ids=[" ".join(s[0][:2]) for s in SAME])
def test_the_same_value_is_no_change(committee: Cli, args: tuple[str, ...], zh: str, en: str,
                                     lang: str, terminal: bool) -> None:
    before = _events(committee)
    r = committee("--lang", lang, *args, terminal=terminal, env={"COLUMNS": "80"})
    assert r.code == 0 and "Traceback" not in r.err, (r.out, r.err)
    assert (zh if lang == "zh" else en) in " ".join(r.out.split()), r.out
    assert _events(committee) == before  # nothing written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_user_an_event_is_about_is_a_value_not_a_change(committee: Cli, lang: str) -> None:
    assert committee("staff", "name", "liming", "李明明").code == 0
    log = committee("--lang", lang, "audit", "log", "--all", env={"COLUMNS": "80"}).out
    assert "李明明 → 李明明" not in log and "liming → liming" not in log, log
    assert ("用户名：李明明" if lang == "zh" else "李明 → 李明明") in log, log


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_correction_to_the_values_held_is_no_change(committee: Cli, tmp_path: Path,
                                                       lang: str, terminal: bool) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record(risk_level="low")), "utf-8")
    assert committee("case", "new", "--file", str(path)).code == 0
    before = _events(committee)
    r = committee("--lang", lang, "case", "amend", "1", "--risk", "低" if lang == "zh" else "low",
                  "--reason", "再核对", terminal=terminal, env={"COLUMNS": "80"})
    assert r.code == 0 and "Traceback" not in r.err, (r.out, r.err)
    assert ("没有变化：案件已是这些值" if lang == "zh" else
            "nothing changes: the case already holds these values") in r.out, r.out
    assert _events(committee) == before
    shown = json.loads(committee("case", "show", "1", "--json").out)
    assert shown["version"] == 1
