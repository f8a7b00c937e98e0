"""Times typed as a clerk types them (issue 14, a clerk's trial at 80 columns in both
languages): every --at reads 今天/明天, 12-05 09:30, 12月3日 9:30, 下午3点, 9点半, 21时50分 and
full-width digits through the one reader (mediation.core.moments); an appointment's day
without its year is the next such day, not last year's; a date alone for an appointment is
refused naming that date with a time (no ``T``); garbage is one line naming the forms, exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
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
    """The next session's time, an instant in the JSON, as the demo's zone (Shanghai) reads it."""
    nxt = json.loads(cli("case", "show", "5", "--json").out).get("next_session")
    at = datetime.fromisoformat(nxt["at"].rstrip("Z")) if nxt else None
    return "None" if at is None else DEFAULT.local(at).strftime("%Y-%m-%d %H:%M")


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
@pytest.mark.parametrize("typed", ["上周", "下下周一", "2026-11-31"])
def test_garbage_is_one_line_exit_2_naming_the_forms(demo: Cli, lang: str, typed: str) -> None:
    """The forms are days counted from today on the option's side (a step: 昨天 and a past
    weekday; an appointment: 明天 and one to come), in one line of at most 80 columns in
    Chinese for a value as short as 上周."""
    from cli.lines import width

    week = "一二三四五六日"
    for argv, toward in ((("case", "accept", "9"), -1), (("case", "schedule", "5"), 1)):
        for terminal in (True, False):
            r = demo("--lang", lang, *argv, "--at", typed, terminal=terminal, env=W80)
            assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
            assert "Traceback" not in r.err and "--at" in r.err
            if typed == "2026-11-31":
                continue
            wd = _today() + timedelta(days=3 * toward)
            if lang == "zh":
                assert "write" not in r.err and "not a date" not in r.err
                assert ("昨天 下午3点" if toward < 0 else "明天 9:30") in r.err, r.err
                assert f"周{week[wd.weekday()]}" in r.err, r.err
                assert width(r.err.strip()) <= 76 + width(typed), r.err  # 上周: 80
            else:
                assert ("yesterday 3pm" if toward < 0 else "tomorrow 9:30") in r.err, r.err
                assert f"{_today() + timedelta(days=2 * toward)}" in r.err
                assert wd.strftime("%A").lower() in r.err, r.err


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


_WEEK = "一二三四五六日"


def _case_registered_three_days_ago(cli: Cli, tmp_path: Path) -> date:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    three = _today() - timedelta(days=3)
    assert cli("case", "new", "--file", str(path), "--at", f"{three:%Y-%m-%d} 9点").code == 0
    return three


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_at_a_time_alone_or_a_weekday_in_chinese_numerals(cli: Cli, tmp_path: Path,
                                                                 lang: str) -> None:
    """The second trial (issue 14): ``case accept 1 --at 下午三点`` (a time alone: today's)
    was refused as no date; so were 周二 下午三点 and 十点一刻. A time alone that has not come
    yet is refused as in the future, naming today at that time (exit 1, one line)."""
    _case_registered_three_days_ago(cli, tmp_path)
    now = DEFAULT.local(utcnow())
    r = cli("--lang", lang, "case", "accept", "1", "--at", "下午三点", terminal=True, env=W80)
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) <= 1, r.err
    if now.hour >= 15:
        assert r.code == 0, r.err
        shown = cli("--lang", lang, "case", "history", "1", env=W80).out
        assert f"{now.date()} 15:00" in shown, shown
        return
    assert r.code == 1 and f"{now.date()} 15:00" in r.err, r.err
    two = _today() - timedelta(days=2)
    r = cli("--lang", lang, "case", "accept", "1", "--at", f"周{_WEEK[two.weekday()]} 下午三点",
            terminal=True, env=W80)
    assert r.code == 0, r.err
    for terminal in (True, False):
        shown = cli("--lang", lang, "case", "history", "1", terminal=terminal, env=W80).out
        assert f"{two} 15:00" in shown, shown


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("typed", ["周五 9点", "星期五 上午九点", "礼拜五9点"])
def test_an_appointment_on_a_weekday_is_the_next_such_day(demo: Cli, lang: str, typed: str
                                                          ) -> None:
    """``case schedule 5 --at "周五 9点"``: the next Friday, today included; on a Friday
    after 9:00 it is refused as not later than now (one line, exit 1)."""
    now = DEFAULT.local(utcnow())
    friday = _today() + timedelta(days=(4 - _today().weekday()) % 7)
    r = demo("--lang", lang, "case", "schedule", "5", "--at", typed, terminal=True, env=W80)
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) <= 1, r.err
    if friday == now.date() and now.hour >= 9:
        assert r.code == 1, r.err
        return
    assert r.code == 0, r.err
    assert f"{friday} 09:00" in _next_session(demo), typed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_appointment_at_a_time_alone_is_today(demo: Cli, lang: str) -> None:
    """``case schedule 5 --at 二十三点``: today at 23:00 (not tomorrow); once passed, the
    refusal says its time has passed."""
    now = DEFAULT.local(utcnow())
    r = demo("--lang", lang, "case", "schedule", "5", "--at", "二十三点", env=W80)
    if now.hour >= 23:
        assert r.code == 1 and ("已过" if lang == "zh" else "has passed") in r.err
        return
    assert r.code == 0, r.err
    assert f"{now.date()} 23:00" in _next_session(demo)


UNQUOTED = [  # argv after the language, the hint's example, as the shell splits them
    (("case", "accept", "9", "--at", "今天", "8点"), '--at "今天 8点"'),
    (("case", "schedule", "5", "--at", "周五", "下午", "3点"), '--at "周五 下午 3点"'),
    (("case", "schedule", "5", "--at=明天", "9:30"), '--at "明天 9:30"'),
    (("case", "agree", "5", "--terms", "赔偿500元", "--due", "12月", "31日"), '--due "12月 31日"'),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize(("argv", "example"), UNQUOTED)
def test_a_time_typed_unquoted_is_told_to_be_quoted(demo: Cli, lang: str, terminal: bool,
                                                    argv: tuple[str, ...], example: str
                                                    ) -> None:
    """``--at 今天 8点`` unquoted: the shell split it and the parser said only 多余的参数：8点
    (issue 14); now the same line says to quote it, naming the option and what was typed.
    Exit 2, one line, nothing written; in Chinese within 80 columns."""
    from cli.lines import width

    before = demo("case", "history", argv[2], "--json").out
    r = demo("--lang", lang, *argv, terminal=terminal, env=W80)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert "Traceback" not in r.err and example in r.err, r.err
    said = "时间中有空格时请加引号" if lang == "zh" else "put a time with a space in quotes"
    assert said in r.err
    if lang == "zh":
        assert width(r.err.strip()) <= 80, r.err
    assert demo("case", "history", argv[2], "--json").out == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_extra_time_after_no_date_option_is_told_the_form(demo: Cli, lang: str) -> None:
    """``case accept 9 8点`` (the --at forgotten): the extra argument reads as a time, so the
    line shows the form (--at "今天 8点"); any other extra argument keeps the plain line."""
    r = demo("--lang", lang, "case", "accept", "9", "8点", terminal=True, env=W80)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert ('--at "今天 8点"' if lang == "zh" else '--at "today 8:00"') in r.err, r.err
    r = demo("--lang", lang, "case", "accept", "9", "xyz", terminal=True, env=W80)
    assert r.code == 2 and "引号" not in r.err and "quotes" not in r.err, r.err
    assert "--help" in r.err
