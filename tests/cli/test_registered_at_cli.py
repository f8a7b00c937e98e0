"""``case amend --registered-at`` through the real CLI (issue 14, a clerk's trial: a case
registered without ``--at`` took the clock's time, and ``case accept --at`` earlier that day was
refused with nothing to correct the registration by), in both languages: the refusal names
``case amend --registered-at``; the registration corrected to 08:00, accept at 08:30 succeeds;
``case history`` (piped) shows the change before and after; refusals are one line, exit 1,
nothing written; an unreadable time is a usage error (exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result, case_record

Cli = Callable[..., Result]


# "now" fixed (tests/conftest.py fixed_now), so the test runs alike on every day of the year:
# 10:30 on an ordinary day, and on 1 January, when yesterday was last year's (the case number
# is this year's: the registration is corrected to this morning, never to last year).
NOW = {"ordinary day": datetime(2026, 12, 2, 2, 30), "1 January": datetime(2027, 1, 1, 2, 30)}


@pytest.fixture(params=sorted(NOW))
def room(cli: Cli, tmp_path: Path, fixed_now: Callable[[datetime], None],
         request: pytest.FixtureRequest) -> Cli:
    fixed_now(NOW[request.param])
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    assert cli("case", "new", "--file", str(path)).code == 0  # at the clock's time, 10:30
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_trial_register_correct_then_accept(room: Cli, lang: str) -> None:
    L = ("--lang", lang)
    zh = lang == "zh"
    day = DEFAULT.local_date(utcnow())
    eight = f"{day.month}月{day.day}日 上午8:00" if zh else f"{day.isoformat()} 8:00"
    r = room(*L, "case", "accept", "1", "--at", "今天 8:30")
    assert r.code == 1 and "case amend --registered-at" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = room(*L, "case", "amend", "1", "--registered-at", eight, "--reason", "登记时间录错")
    assert r.code == 0, r.err
    shown = json.loads(room("case", "show", "1", "--json").out)
    assert shown["dates"]["registered"].startswith(
        (DEFAULT.start_of_day_utc(day) + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"))
    r = room(*L, "case", "accept", "1", "--at", f"{day.isoformat()} 8:30")
    assert r.code == 0, r.err
    line = next(x for x in room(*L, "case", "history", "1").out.splitlines()
                if "登记时间录错" in x)
    assert f"{day.isoformat()} 08:00" in line
    assert ("登记时间" if zh else "registration time") in line
    # after the acceptance at 08:30, a registration at 09:00 cannot be: one line, exit 1
    before = room("case", "history", "1", "--json").out
    r = room(*L, "case", "amend", "1", "--registered-at", f"{day.isoformat()} 9:00",
             "--reason", "再改")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert ("晚于“受理”" if zh else "first step after registration, accept") in r.err
    if (day.month, day.day) == (1, 1):  # nor yesterday, last year's: the number is this year's
        r = room(*L, "case", "amend", "1", "--registered-at", "昨天 8点", "--reason", "再改")
        assert r.code == 1 and len(r.err.strip().splitlines()) == 1
        assert str(day.year) in r.err and str(day.year - 1) in r.err, r.err
    r = room(*L, "case", "amend", "1", "--registered-at", "明年", "--reason", "再改")
    assert r.code == 2 and "--registered-at" in r.err
    assert room("case", "history", "1", "--json").out == before
