"""`mediation agenda` end to end: both languages, 80 columns, piped, JSON, and in the demo."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_line_says_what_to_do_and_the_command(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    items = json.loads(demo(*L, "agenda", "--committee", "--json").out)
    assert items, "the demo has something due"
    assert all(i["command"].startswith("mediation case ") and i["todo"] for i in items)
    assert [i["days"] for i in items] == sorted(i["days"] for i in items)
    if lang == "zh":
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in i["todo"]) for i in items)
    table = demo(*L, "agenda", "--committee", "--format", "table", env={"COLUMNS": "80"})
    assert table.code == 0, table.err
    assert max(width(line) for line in table.out.splitlines()) <= 80
    unwrapped = re.sub(r" \\\n +", " ", table.out)  # a long command goes on, shell-style
    for i in items:
        assert i["command"] in unwrapped and i["number"] in table.out
    assert ("项待办" if lang == "zh" else "to do.") in table.out
    piped = demo(*L, "agenda", "--committee")
    rows = [r.split("\t") for r in piped.out.splitlines()]
    assert len(rows) == len(items) and all(len(r) == 6 for r in rows)
    assert [r[5] for r in rows] == [i["command"] for i in items]


def test_a_command_it_gives_runs_once_its_placeholders_are_replaced(demo: Cli) -> None:
    """Issue 14: the visit's outcome is the clerk's to say (it printed 全部履行 满意, recorded
    as typed): run as printed it is refused in one line; with the values put in, it runs."""
    items = json.loads(demo("agenda", "--committee", "--json").out)
    feedback = [i for i in items if i["kind"] == "performance"]
    assert feedback
    refused = demo(*shlex.split(feedback[0]["command"])[1:])
    assert refused.code == 1 and refused.err.count("\n") == 1, refused.err
    assert "replace ‹full/partial/none› with the actual value" in refused.err
    typed = feedback[0]["command"].replace("‹full/partial/none›", "full").replace(
        "‹satisfied/basically_satisfied/dissatisfied›", "satisfied")
    done = demo(*shlex.split(typed)[1:])
    assert done.code == 0, done.err
    after = json.loads(demo("agenda", "--committee", "--json").out)
    assert feedback[0]["case_id"] not in {i["case_id"] for i in after if i["kind"] ==
                                          "performance"}


def test_nothing_due_and_the_demo_section(cli: Cli) -> None:
    assert cli("init", "--no-login", "--committee", "新调委会", "--prefix", "新").code == 0
    empty = cli("--lang", "zh", "agenda", "--mine", "--format", "table")
    assert empty.code == 0 and "没有待办事项" in empty.out
    assert "agenda --committee" in empty.out  # nothing of the user's own: the whole committee's
    english = cli("--lang", "en", "agenda", "--mine", "--format", "table")
    assert "Nothing of yours is due" in english.out and "agenda --committee" in english.out
    piped = cli("--lang", "zh", "agenda", "--mine")
    assert piped.out == "" and "agenda --committee" in piped.err
    for everyone in (("--committee",), ()):  # a director's default is the whole committee's
        shown = cli("--lang", "zh", "agenda", *everyone, "--format", "table")
        assert "没有待办事项" in shown.out and "--committee" not in shown.out
    shown = cli("--lang", "zh", "--db", str(cli_db_dir(cli) / "demo.db"), "demo")
    assert shown.code == 0, shown.err
    assert "待办事项" in shown.out and "mediation case " in shown.out


def cli_db_dir(cli: Cli) -> Path:
    return Path(os.environ["MEDIATION_SESSION_FILE"]).parent


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_director_sees_the_committee_and_a_mediator_their_own(demo: Cli, lang: str) -> None:
    """Issue 14: the director (wangfang) oversees the committee: `agenda` is `agenda
    --committee`; `--mine` is only theirs; a mediator (liming) sees their own and intake;
    `--mine --committee` is a usage error. At 80 columns and piped, all in the user's
    language."""
    L = ("--lang", lang)
    everything = json.loads(demo(*L, "agenda", "--committee", "--json").out)
    assert json.loads(demo(*L, "agenda", "--json").out) == everything
    mine = json.loads(demo(*L, "agenda", "--mine", "--json").out)
    assert {i["case_id"] for i in mine} < {i["case_id"] for i in everything}
    table = demo(*L, "agenda", "--format", "table", env={"COLUMNS": "80"})
    assert table.code == 0 and max(width(line) for line in table.out.splitlines()) <= 80
    piped = demo(*L, "agenda")
    assert len(piped.out.splitlines()) == len(everything)
    both = demo(*L, "agenda", "--mine", "--committee")
    assert both.code == 2 and both.out == "" and "Traceback" not in both.err
    assert "--mine" in both.err and "--committee" in both.err
    if lang == "zh":
        assert "不能同时使用" in both.err
        helped = demo(*L, "agenda", "--help", env={"COLUMNS": "80"}).out
        assert "只看分配给您的案件" in helped and "mediation agenda --committee" in helped
    else:
        assert "exclude each other" in both.err
    as_liming = {"MEDIATION_USER": "liming"}  # (the fixture keeps it for later calls)
    theirs = json.loads(demo(*L, "agenda", "--json", env=as_liming).out)
    assert theirs and {i["case_id"] for i in theirs} < {i["case_id"] for i in everything}
    assert json.loads(demo(*L, "agenda", "--committee", "--json").out) == theirs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_all_means_every_row_and_the_agenda_s_old_all_says_so(demo: Cli, lang: str) -> None:
    """`--all` is every row (case list, audit log: no --limit); the agenda's whole committee
    is `--committee`. The agenda's old `--all` still gives the committee's agenda, with one
    line on standard error naming the new option; its help shows only --committee."""
    L = ("--lang", lang)
    committee = demo(*L, "agenda", "--committee", "--json")
    old = demo(*L, "agenda", "--all", "--json")
    assert old.code == 0 and json.loads(old.out) == json.loads(committee.out)
    assert committee.err == "" and len(old.err.strip().splitlines()) == 1
    assert "--committee" in old.err
    helped = demo(*L, "agenda", "--help").out
    assert "--committee" in helped and "--all" not in helped
    for command in (("case", "list"), ("audit", "log")):
        page = demo(*L, *command, "--help").out
        assert "--all" in page and "--limit" in page, command
    every = demo(*L, "case", "list", "--all").out.splitlines()
    assert len(every) == len(json.loads(demo("case", "list", "--all", "--json").out))
