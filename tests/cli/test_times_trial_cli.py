"""The third clerk's trial of typed times (issue 14), end to end in both languages, at 80
columns and piped: 3点零5分, 中午12点半, 夜里11点, 傍晚6点, 早上7点, ３点半 are read; 晚上12点
is the midnight ending the day; 中午3点, 明天下午, 半夜 are refused in one line naming what to
write (exit 2, nothing written); just after midnight a time alone meant for yesterday is
refused as in the future offering the same time yesterday, which is then accepted; every time
option's help says how a bare hour is read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result

Cli = Callable[..., Result]
W80 = {"COLUMNS": "80"}


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _later() -> date:
    """The day after the committee's tomorrow: its day before is later than every demo step."""
    return DEFAULT.local(utcnow()).date() + timedelta(days=2)


def _at(fixed_now: Callable[[datetime], None], day: date, hour: int, minute: int) -> None:
    fixed_now(DEFAULT.to_utc(datetime(day.year, day.month, day.day, hour, minute)))


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_just_after_midnight_a_time_alone_is_offered_as_yesterdays(
        demo: Cli, fixed_now: Callable[[datetime], None], lang: str, terminal: bool) -> None:
    """At 00:20, ``case session 5 --at 3点一刻`` (the afternoon before): refused as in the
    future, one line, exit 1, offering --at "昨天 3点一刻"; typed so, it is recorded at
    yesterday's 15:15. ``--at 晚上12点`` is tonight's midnight (tomorrow 00:00), offered as
    昨天 晚上12点: this day's 00:00."""
    day = _later()
    _at(fixed_now, day, 0, 20)
    yesterday = "昨天" if lang == "zh" else "yesterday"
    for typed, at, minutes in (("3点一刻", f"{day} 15:15", "现场查看"),
                               ("晚上12点", f"{day + timedelta(days=1)} 00:00", "夜间回访")):
        before = demo("case", "history", "5", "--json").out
        r = demo("--lang", lang, "case", "session", "5", "--minutes", minutes, "--at", typed,
                 terminal=terminal, env=W80)
        assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
        assert at in r.err and f'--at "{yesterday} {typed}"' in r.err, r.err
        assert ("若指昨天" if lang == "zh" else "if you meant yesterday") in r.err, r.err
        assert demo("case", "history", "5", "--json").out == before
        r = demo("--lang", lang, "case", "session", "5", "--minutes", minutes, "--at",
                 f"{yesterday} {typed}", terminal=terminal, env=W80)
        assert r.code == 0, r.err
    shown = demo("--lang", lang, "case", "history", "5", terminal=terminal, env=W80).out
    assert f"{day - timedelta(days=1)} 15:15" in shown, shown
    assert f"{day}" in shown.replace(f"{day} 00:20", ""), shown  # 00:00: shown as the day
    r = demo("--lang", lang, "case", "session", "5", "--minutes", "x", "--at", "今天 3点一刻",
             env=W80)
    assert r.code == 1 and "--at \"" not in r.err, r.err  # a day typed: nothing to offer


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_trials_forms_are_read(demo: Cli, fixed_now: Callable[[datetime], None],
                                   lang: str) -> None:
    day = _later()
    _at(fixed_now, day, 23, 50)
    for n, (typed, at) in enumerate((
            ("3点零5分", "15:05"), ("三点零五", "15:05"), ("中午12点半", "12:30"),
            ("夜里11点", "23:00"), ("傍晚6点", "18:00"), ("早上7点", "07:00"), ("晚上8点", "20:00"),
            ("３点半", "15:30"), ("3点整", "15:00"), ("凌晨12点", "00:00"), ("今晚9点", "21:00"),
            ("3点钟", "15:00"), ("半夜12点", None), ("昨晚12点", "00:00"),
            ("深夜11点半", "23:30"))):
        r = demo("--lang", lang, "case", "session", "5", "--minutes", f"第{n}次", "--at", typed,
                 env=W80)
        if at is None:  # tonight's midnight: tomorrow 00:00, in the future
            assert r.code == 1 and f"{day + timedelta(days=1)} 00:00" in r.err, r.err
            continue
        assert r.code == 0 and f"{day} {at}" in r.out, (typed, r.out, r.err)


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("typed", "said"), [
    ("中午3点", ("中午没有3点，请写 凌晨3点（03:00）或 下午3点（15:00）",
               "中午 has no 3 o'clock; write 凌晨3点 (03:00) or 下午3点 (15:00)")),
    ("夜里6点", ("夜里没有6点，请写 早上6点（06:00）或 傍晚6点（18:00）",
               "夜里 has no 6 o'clock; write 早上6点 (06:00) or 傍晚6点 (18:00)")),
    ("上午15点", ("上午没有15点，请写 凌晨3点（03:00）或 下午3点（15:00）",
                "上午 has no 15 o'clock")),
    ("明天下午", ("只写了下午，没写几点：请写上钟点，如 下午3点", "gives no hour after 下午")),
    ("半夜", ("只写了半夜，没写几点：请写上钟点，如 半夜1点", "such as 半夜1点"))])
def test_an_hour_the_part_does_not_say_is_one_line(demo: Cli, lang: str, terminal: bool,
                                                  typed: str, said: tuple[str, str]) -> None:
    from cli.lines import width

    before = demo("case", "history", "9", "--json").out
    r = demo("--lang", lang, "case", "accept", "9", "--at", typed, terminal=terminal, env=W80)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert "Traceback" not in r.err and said[0 if lang == "zh" else 1] in r.err, r.err
    if lang == "zh":
        assert width(r.err.strip()) <= 80, r.err
    assert demo("case", "history", "9", "--json").out == before


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("argv", [("case", "accept"), ("case", "session"), ("case", "schedule"),
                                  ("case", "amend"), ("lead", "accept")])
def test_every_time_options_help_says_how_a_bare_hour_is_read(cli: Cli, lang: str,
                                                             argv: tuple[str, ...]) -> None:
    out = cli("--lang", lang, *argv, "--help", env=W80).out
    flat = "".join(out.split())
    said = ("1点到6点是下午（3点一刻即15:15），7点到11点是上午，12点是中午" if lang == "zh"
            else "1-6点theafternoon(3点一刻15:15),7-11点themorning,12点noon")
    assert said in flat, out
    assert ("晚上12点即当晚24点" if lang == "zh" else "晚上12点isthemidnight") in flat
