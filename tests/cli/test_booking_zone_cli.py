"""A booked next session reads as a step typed at the same time, before and after the committee's
zone changes (issue 14, a clerk's trial: after ``calendar set --zone Asia/Urumqi`` ``case show``
said 下次调解 09:30 while a session typed at 09:30 moved to 07:30). End to end, both languages,
80 columns, both backends: case show (and its JSON instant), the history, the agenda."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli.lines import width
from mediation.core.calendar import Calendar
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
NOW = datetime(2026, 12, 1, 12, 0)  # naive UTC
WIDE = {"COLUMNS": "80"}


def _line(text: str, label: str) -> str:
    return next(x for x in text.splitlines() if label in x)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("first", "then"), [("Asia/Shanghai", "Asia/Urumqi"),
                                             ("Asia/Urumqi", "America/New_York"),
                                             ("Pacific/Kiritimati", "Asia/Kathmandu")])
def test_a_booking_and_a_session_typed_alike_read_alike(
        cli: Cli, fixed_now: Callable[[datetime], None], tmp_path: Path, first: str,
        then: str, lang: str) -> None:
    fixed_now(NOW)
    L = ("--lang", lang)
    zh = lang == "zh"
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("calendar", "set", "--zone", first).code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    for case in ("1", "2"):
        assert cli("case", "new", "--file", str(path), "--force").code == 0
        assert cli("case", "accept", case).code == 0
        assert cli("case", "mediate", case, "--mediator", "wangfang",
                   "--rights-notified").code == 0
    cal = Calendar(first)
    typed = f"{cal.local_date(NOW) + timedelta(days=1)} 09:30"
    booked = cal.to_utc(datetime.fromisoformat(typed))
    r = cli(*L, "case", "schedule", "1", "--at", typed, "--place", "调解室")
    assert r.code == 0, r.err
    fixed_now(booked + timedelta(seconds=1))  # that day: the session held as booked, elsewhere
    r = cli(*L, "case", "session", "2", "--minutes", "双方陈述", "--at", typed)
    assert r.code == 0, r.err
    for zone in (first, then):
        assert cli("calendar", "set", "--zone", zone).code == 0
        wall = Calendar(zone).local(booked).strftime("%Y-%m-%d %H:%M")
        one = cli(*L, "case", "show", "1", terminal=True, env=WIDE).out
        two = cli(*L, "case", "show", "2", terminal=True, env=WIDE).out
        assert wall in _line(one, "下次调解" if zh else "Next session"), (zone, one)
        assert wall in _line(two, "第 1 次调解" if zh else "Session 1"), (zone, two)
        assert max(width(re.sub("\x1b\\[[0-9;]*m", "", x))
                   for x in (one + two).splitlines()) <= 80
        shown = json.loads(cli("case", "show", "1", "--json").out)["next_session"]["at"]
        held = json.loads(cli("case", "show", "2", "--json").out)["sessions"][0]["held_at"]
        assert shown == held == booked.isoformat() + "Z"
        for case in ("1", "2"):  # piped: one event a line
            assert wall in cli(*L, "case", "history", case).out, (zone, case)
        agenda = cli(*L, "agenda", "--committee").out
        assert wall in _line(agenda, "下次调解" if zh else "next mediation session"), agenda
