"""Every date option of the command line reads a date with or without its year (issue 14:
``--due 12月31日`` was refused): ``12月31日``, ``12-31``, ``2026年12月31日``, ``2026-12-31``; a day
that does not exist is a one-line error naming the option. The list below must name every
option whose metavar is DATE or WHEN, so a new date option cannot miss the rule.

How a date is read is the command line's, before any database: the module runs on SQLite, each
test on a copy of one committee with case 1 made through the CLI once (conftest.prepared)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import DATA, Result, Templates, prepared

Cli = Callable[..., Result]

# command, option, the other arguments it needs ({out}: a folder or file of the test's own)
DATE_OPTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("case agree", "--due", ("1", "--terms", "赔偿500元")),
    ("case amend", "--agreement-due", ("1", "--reason", "补录履行期限")),
    ("case amend", "--registered-at", ("1", "--reason", "登记时间写错")),
    ("case judicial", "--filed", ("1", "--court", "岳麓区人民法院")),
    ("case judicial", "--decided", ("1", "--result", "confirmed")),
    ("case search", "--from", ("张",)), ("case search", "--to", ("张",)),
    ("case list", "--from", ()), ("case list", "--to", ()),
    ("audit log", "--since", ()), ("audit log", "--until", ()),
    ("case history", "--since", ("1",)),
    ("stats", "--from", ()), ("stats", "--to", ()),
    ("sweep list", "--from", ()), ("sweep list", "--to", ()),
    ("sweep record", "--date", ("--area", "桐梓坡路8栋", "--by", "李明", "--found", "0")),
    ("export nightly", "--date", ("--out", "{out}")),
    ("report monthly", "--reported", ("--district", "--out", "{out}.xlsx")),
    ("report quarterly", "--reported", ("--district", "--out", "{out}.xlsx")),
    ("report yearly", "--reported", ("--district", "--out", "{out}.xlsx")),
    ("lead report", "--found", ("--place", "桐梓坡路8栋", "--seen", "两户争吵")),
    ("case accept", "--at", ("1",)),  # --at: one option (options.at_opt) on every step
]
FORMS = ("12月31日", "12-31", "2026年12月31日", "2026-12-31")


def test_the_list_names_every_date_option() -> None:
    import sys

    sys.path.insert(0, str(DATA.parent / "tools"))
    import clidoc

    dated = {(path.removeprefix("mediation "), opt) for path, cmd in clidoc.commands()
             for p in cmd.params if getattr(p, "metavar", None) in ("DATE", "WHEN")
             for opt in p.opts}
    listed = {(c, o) for c, o, _ in DATE_OPTIONS}
    assert {x for x in dated if x[1] != "--at"} <= listed, "a date option this test misses"
    assert listed <= dated | {("case accept", "--at")}


def _case_1(cli: Cli) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def room(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    return prepared(cli, cli_db, cli_templates, "case-1", _case_1)


@pytest.mark.parametrize(("command", "option", "rest"), DATE_OPTIONS,
                         ids=[f"{c} {o}" for c, o, _ in DATE_OPTIONS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_date_option_reads_every_form(room: Cli, tmp_path: Path, command: str,
                                            option: str, rest: tuple[str, ...],
                                            lang: str) -> None:
    args = [a.replace("{out}", str(tmp_path / "out")) for a in rest]
    for written in FORMS:
        r = room("--lang", lang, *command.split(), *args, option, written)
        assert "Traceback" not in r.err and r.code in (0, 1), (written, r.err)
        # it may be refused for what the day is (in the future, before the case): never for how
        # it is written
        assert not (r.code == 2 and option in r.err), (written, r.err)
        assert "不是日期" not in r.err and "not a date" not in r.err, (written, r.err)
    bad = room("--lang", lang, *command.split(), *args, option, "2月30日")
    assert bad.code in (1, 2) and "2月30日" in bad.err and "Traceback" not in bad.err
    assert len(bad.err.strip().splitlines()) == 1, bad.err


def test_due_without_a_year_is_the_next_one_and_at_the_last(room: Cli) -> None:
    today = DEFAULT.local_date(utcnow())
    assert room("case", "accept", "1", "--at", f"{today.month}月{today.day}日").code == 0
    assert room("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified").code == 0
    assert room("case", "session", "1", "--minutes", "第一次调解", "--place", "调解室",
                "--attendees", "张三、李四").code == 0
    r = room("case", "agree", "1", "--terms", "赔偿500元", "--due", "1-1", "--json")
    assert r.code == 0, r.err
    shown = room("case", "show", "1", "--json").out
    new_year = date(today.year + (today != date(today.year, 1, 1)), 1, 1)  # on or after today
    assert new_year.isoformat() in shown, shown
    history = json.loads(room("case", "history", "1", "--json").out)
    accepted = next(e for e in history if e["action"] == "accept")
    assert accepted["occurred_at"] <= accepted["at"]
