"""Three findings of a clerk's trial (issue 14), end to end in both languages, at 80 columns
and piped: a bare hour means working hours (``case session 5 --at "3点一刻"`` at 17:09 is
15:15, not 03:15); an appointment already passed names its time and now, in one line, not a
state error; a step its state does not allow is refused for the state before its ``--at`` is
looked at."""

from __future__ import annotations

import json
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


def _tomorrow() -> date:
    """The committee's next day: a "now" fixed on it is later than every step of the demo."""
    return DEFAULT.local(utcnow()).date() + timedelta(days=1)


def _at(fixed_now: Callable[[datetime], None], day: date, hour: int, minute: int) -> None:
    fixed_now(DEFAULT.to_utc(datetime(day.year, day.month, day.day, hour, minute)))


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bare_hour_is_the_afternoon(demo: Cli, fixed_now: Callable[[datetime], None],
                                      lang: str, terminal: bool) -> None:
    """At 17:09, 3点一刻 is 15:15 that day (it was stored as 03:15, silently); 凌晨3点 is
    03:00."""
    day = _tomorrow()
    _at(fixed_now, day, 17, 9)
    r = demo("--lang", lang, "case", "session", "5", "--minutes", "现场查看", "--at", "3点一刻",
             terminal=terminal, env=W80)
    assert r.code == 0, r.err
    r = demo("--lang", lang, "case", "session", "5", "--minutes", "凌晨回访", "--at", "凌晨3点",
             terminal=terminal, env=W80)
    assert r.code == 0, r.err
    shown = demo("--lang", lang, "case", "history", "5", terminal=terminal, env=W80).out
    assert f"{day} 15:15" in shown and f"{day} 03:00" in shown, shown
    assert f"{day} 03:15" not in shown


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_appointment_already_passed_names_its_time(
        demo: Cli, fixed_now: Callable[[datetime], None], lang: str, terminal: bool) -> None:
    """At 01:10, ``case schedule 5 --at "今天 0点30"``: one line, exit 1, the time and now, a
    time to come offered; no state named."""
    day = _tomorrow()
    _at(fixed_now, day, 1, 10)
    r = demo("--lang", lang, "case", "schedule", "5", "--at", "今天 0点30",
             terminal=terminal, env=W80)
    assert r.code == 1 and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    said = (f"下次调解时间 {day} 00:30 已过（现 {day} 01:10）：请写将来时间"
            if lang == "zh" else f"the next session's time {day} 00:30 has passed (now {day} "
            "01:10): write a time to come, such as tomorrow 9:30")
    assert said in r.err, r.err
    assert ("当前为" if lang == "zh" else "cannot") not in r.err
    assert json.loads(demo("case", "show", "5", "--json").out).get("next_session") is None


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_state_is_refused_before_the_time(demo: Cli, lang: str, terminal: bool) -> None:
    """``case accept 5 --at "2020-01-03 9点"`` on a case already past 受理: the state's
    refusal (already mediating, cannot accept), not that the time is before the registration."""
    r = demo("--lang", lang, "case", "accept", "5", "--at", "2020-01-03 9点",
             terminal=terminal, env=W80)
    assert r.code == 1 and "Traceback" not in r.err, r.err
    assert ("不能执行“受理”" if lang == "zh" else "cannot accept") in r.err, r.err
    assert ("登记" if lang == "zh" else "registered") not in r.err, r.err
