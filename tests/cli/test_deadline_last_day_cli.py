"""The mediation period's deadline (调解期限) is shown as its last day, in both languages, in
every view: ``case show``, ``case list`` (table, TSV, CSV, --overdue), ``case search``, the
agenda (due and overdue, "届满"), ``case history``, an extension and the refusal of a late one.

A clerk's trial found all of them one day late (``调解期限 2027-01-01 00:00`` for a case accepted
on 2026-12-01, whose 30th and last day is 2026-12-31). The stored deadline stays the instant the
period is over (JSON ``deadline``); JSON adds ``deadline_last_day``, the day shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import iso, utcnow
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
TODAY = DEFAULT.local_date(utcnow())
LATE = TODAY - timedelta(days=35)  # accepted then: its last day is 5 days ago
DUE = TODAY - timedelta(days=30)  # accepted then: today is its last day


@pytest.fixture
def room(cli: Cli, tmp_path: Path) -> Cli:
    """Case 1 accepted 35 days ago (5 days overdue), case 2 30 days ago (its last day today)."""
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("calendar", "set", "--late-entry-days", "60").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    for accepted in (LATE, DUE):
        r = cli("case", "new", "--file", str(path), "--force",
                "--at", (accepted - timedelta(days=2)).isoformat())
        assert r.code == 0, r.err
    for no, accepted in ((1, LATE), (2, DUE)):
        r = cli("case", "accept", str(no), "--at", f"{accepted.isoformat()} 10:00")
        assert r.code == 0, r.err
    return cli


def last_day(accepted: date) -> date:
    return accepted + timedelta(days=30)


def test_json_keeps_the_instant_and_adds_the_last_day(room: Cli) -> None:
    listed = {c["id"]: c for c in json.loads(room("case", "list", "--json").out)}
    for no, accepted in ((1, LATE), (2, DUE)):
        last = last_day(accepted)
        # the machine field: the instant the period is over, 00:00 local of the next day
        assert listed[no]["deadline"] == iso(DEFAULT.end_of(last))
        assert listed[no]["deadline_last_day"] == last.isoformat()
        shown = json.loads(room("case", "show", str(no), "--json").out)
        assert shown["deadline"] == listed[no]["deadline"]
        assert shown["deadline_last_day"] == last.isoformat()
    assert listed[1]["overdue"] and listed[1]["days_overdue"] == 5
    assert not listed[2]["overdue"] and listed[2]["days_overdue"] == 0
    found = {h["id"]: h for h in json.loads(room("case", "search", "漏水", "--json").out)}
    assert found[1]["deadline_last_day"] == last_day(LATE).isoformat()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_view_shows_the_last_day(room: Cli, lang: str) -> None:
    L = ("--lang", lang)
    late, due = last_day(LATE).isoformat(), last_day(DUE).isoformat()
    after_late, after_due = (last_day(LATE) + timedelta(days=1)).isoformat(), \
        (last_day(DUE) + timedelta(days=1)).isoformat()
    overdue = "{} 已逾期" if lang == "zh" else "{} (overdue)"
    by_days = "{}（已逾期 5 天）" if lang == "zh" else "{} (overdue by 5 days)"
    label = "调解期限" if lang == "zh" else "Deadline"
    show = room(*L, "case", "show", "1", terminal=True).out
    line = next(x for x in show.splitlines() if x.lstrip().startswith(label))
    assert late in line and ("已逾期" if lang == "zh" else "overdue") in line, line
    assert "00:00" not in line and after_late not in line, line
    show = room(*L, "case", "show", "2").out
    line = next(x for x in show.splitlines() if x.lstrip().startswith(label))
    assert due in line and "00:00" not in line and after_due not in line, line
    for fmt in ("table", "tsv", "csv"):
        listed = room(*L, "case", "list", "--format", fmt).out
        assert overdue.format(late) in listed and due in listed, (fmt, listed)
        assert after_late not in listed and after_due not in listed, (fmt, listed)
    assert by_days.format(late) in room(*L, "case", "list", "--overdue").out
    searched = room(*L, "case", "search", "漏水", "--format", "table").out
    assert overdue.format(late) in searched and after_late not in searched
    history = room(*L, "case", "history", "1", "--format", "table").out
    assert late in history and f"{after_late} 00:00" not in history


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_agenda_says_the_period_ends_on_its_last_day(room: Cli, lang: str) -> None:
    L = ("--lang", lang)
    late, due = last_day(LATE).isoformat(), last_day(DUE).isoformat()
    items = {i["case_id"]: i for i in json.loads(room(*L, "agenda", "--all", "--json").out)
             if i["kind"] in ("overdue", "due_soon")}
    assert items[1]["kind"] == "overdue" and items[1]["date"] == late and items[1]["days"] == -5
    assert items[2]["kind"] == "due_soon" and items[2]["date"] == due and items[2]["days"] == 0
    shown = room(*L, "agenda", "--all", "--format", "table", env={"COLUMNS": "200"}).out
    if lang == "zh":
        assert f"已超过调解期限（{late} 届满）" in shown and "已逾期 5 天" in shown
        assert f"调解期限 {due} 届满：请开始调解" in shown
    else:
        assert f"it ended {late}" in shown and "overdue by 5 days" in shown
        assert f"its period ends {due}: start mediating" in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_extension_and_the_refusal_of_a_late_one_name_the_last_day(room: Cli,
                                                                      lang: str) -> None:
    L = ("--lang", lang)
    for no in ("1", "2"):
        r = room("case", "mediate", no, "--mediator", "wangfang", "--rights-notified")
        assert r.code == 0, r.err
    refused = room(*L, "case", "extend", "1", "--days", "15", "--reason", "当事人外出",
                   "--consent")
    late = last_day(LATE).isoformat()
    assert refused.code == 1 and len(refused.err.strip().splitlines()) == 1, refused.err
    assert (f"调解期限已于 {late} 届满" if lang == "zh" else f"ended with {late}") in refused.err
    r = room(*L, "case", "extend", "2", "--days", "15", "--reason", "当事人外出", "--consent")
    assert r.code == 0, r.err
    new_last = (last_day(DUE) + timedelta(days=15)).isoformat()
    shown = json.loads(room("case", "show", "2", "--json").out)
    assert shown["deadline_last_day"] == shown["extensions"][0]["new_last_day"] == new_last
    text = room(*L, "case", "show", "2").out
    assert (f"延长 15 天，至 {new_last}" if lang == "zh" else f"15 more days, to {new_last}") \
        in text
    history = room(*L, "case", "history", "2", "--format", "table").out
    assert f"{last_day(DUE).isoformat()} → {new_last}" in history
