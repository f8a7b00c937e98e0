"""Times typed as a clerk types them (issue 14, a clerk's trial at 80 columns in both
languages): every --at reads 今天/明天, 12-05 09:30, 12月3日 9:30, 下午3点, 9点半, 21时50分 and
full-width digits through the one reader (mediation.core.moments); an appointment's day
without its year is the next such day, not last year's; a date alone for an appointment is
refused naming that date with a time (no ``T``); garbage is one line naming the forms, exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
W80 = {"COLUMNS": "80"}


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("demo", "--quiet").code == 0
    return cli


def _today() -> date:
    return DEFAULT.local_date(utcnow())


def _next_session(cli: Cli) -> str:
    return str(json.loads(cli("case", "show", "5", "--json").out).get("next_session"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_appointment_typed_without_its_year_is_the_next_such_day(demo: Cli, lang: str
                                                                    ) -> None:
    L = ("--lang", lang)
    d = _today() + timedelta(days=4)
    e = _today() + timedelta(days=2)
    for typed, shown in ((f"{d:%m-%d} 09:30", f"{d} 09:30"),
                         (f"{d.month}月{d.day}日 9:30", f"{d} 09:30"),
                         ("明天 9点半", f"{_today() + timedelta(days=1)} 09:30"),
                         (f"{d.month}月{d.day}日 上午9:30", f"{d} 09:30"),
                         (f"{e.month}-{e.day} 下午3点", f"{e} 15:00"),
                         (f"{e.year}年{e.month}月{e.day}日21时50分", f"{e} 21:50"),
                         (f"{e:%Y-%m-%d}　１６：２０".translate(str.maketrans(
                             "0123456789-", "０１２３４５６７８９－")), f"{e} 16:20")):
        r = demo(*L, "case", "schedule", "5", "--at", typed, terminal=True, env=W80)
        assert r.code == 0, (typed, r.err)
        assert shown in _next_session(demo), typed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_appointment_without_a_time_names_the_day_typed(demo: Cli, lang: str) -> None:
    d = _today() + timedelta(days=2)
    r = demo("--lang", lang, "case", "schedule", "5", "--at", f"{d.month}月{d.day}日",
             terminal=True, env=W80)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert f"{d.isoformat()} 09:30" in r.err and "T09" not in r.err
    assert ("须写明下次调解的时间" if lang == "zh" else "time of the session") in r.err
    helped = demo("--lang", lang, "case", "schedule", "--help", terminal=True, env=W80).out
    assert "T09" not in helped and "上午9点半" in helped.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_at_today_is_read(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "case", "accept", "9", "--at", "今天")
    assert r.code == 0, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("typed", ["上周", "明天 下午", "上午15点", "2026-11-31"])
def test_garbage_is_one_line_exit_2_naming_the_forms(demo: Cli, lang: str, typed: str) -> None:
    for argv in (("case", "accept", "9"), ("case", "schedule", "5")):
        r = demo("--lang", lang, *argv, "--at", typed, terminal=True, env=W80)
        assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
        assert "Traceback" not in r.err
        if typed != "2026-11-31":
            assert ("明天 上午9点" if lang == "zh" else "tomorrow 9am") in r.err
        if lang == "zh":
            assert "write" not in r.err and "not a date" not in r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_entered_with_a_date_alone_shows_the_date_alone(cli: Cli, tmp_path: Path,
                                                               lang: str) -> None:
    """``case accept 龙2 --at 2026年11月29日`` showed 受理时间 2026-11-29 00:00, a time nobody
    entered: a step at its day's first instant shows the date alone (cli.output.local_time);
    one entered with a time keeps it."""
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    three, two = (_today() - timedelta(days=n) for n in (3, 2))
    assert cli("case", "new", "--file", str(path), "--at", f"{three:%Y-%m-%d} 9点").code == 0
    r = cli("--lang", lang, "case", "accept", "1", "--at", f"{two.year}年{two.month}月{two.day}日")
    assert r.code == 0, r.err
    for argv in (("case", "show", "1"), ("case", "history", "1")):
        for terminal in (True, False):
            out = cli("--lang", lang, *argv, terminal=terminal, env=W80).out
            assert two.isoformat() in out and f"{two.isoformat()} 00:00" not in out, out
            assert f"{three.isoformat()} 09:00" in out, out
