"""A step's time at the clerk's desk (issue 14, a clerk's trial), through the real CLI with "now"
fixed (tests/conftest.py fixed_now: 2026-12-02 10:00 in Beijing), both languages, at 80
columns and piped:

- a booking of the next session (``case schedule``) is no previous step: at 10:00 tomorrow's
  session is booked, then ``case mediate --at "今天 8点"`` (mediation began at 08:00) is
  recorded; a step before the previous step that happened is refused in one line naming that
  step and its time;
- a moment typed relative to the day (a word, a day without its year) is shown back as what it
  was read as, on the success line of every command that takes one (every step's ``--at``,
  ``case schedule --at``, ``case amend --registered-at`` / ``--agreement-due``, ``case agree
  --due``, ``case new --at``); one that names itself (``2026-12-02 08:30``) is not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from cli.lines import width
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
NOW = datetime(2026, 12, 2, 2, 0)  # 10:00 on 2 December in Beijing


@pytest.fixture
def room(cli: Cli, tmp_path: Path, fixed_now: Callable[[datetime], None]) -> Cli:
    fixed_now(NOW)
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    return cli


def _says(r: Result, *parts: str) -> str:
    assert r.code == 0, r.err
    text = r.out
    for part in parts:
        assert part in text, (part, text)
    assert max(width(line) for line in text.splitlines()) <= 80, text
    return text


@pytest.mark.parametrize("terminal", [True, False], ids=["80 columns", "piped"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_trial_book_then_a_step_earlier_that_morning(room: Cli, tmp_path: Path,
                                                         lang: str, terminal: bool) -> None:
    zh = lang == "zh"
    read = "按 {} 记录" if zh else "read as {}"

    def run(*args: str) -> Result:
        return room("--lang", lang, *args, terminal=terminal, env={"COLUMNS": "80"})

    _says(run("case", "new", "--file", str(tmp_path / "case.json"), "--at", "昨天 15:00"),
          read.format("--at 2026-12-01 15:00"))
    _says(run("case", "accept", "1", "--at", "昨天下午4点"), read.format("--at 2026-12-01 16:00"))
    _says(run("case", "schedule", "1", "--at", "明天 9点", "--place", "村委会调解室"),
          read.format("--at 2026-12-03 09:00"))
    # mediation began at 08:00, before the booking was typed (10:00): recorded
    _says(run("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified",
              "--at", "今天 8点"), read.format("--at 2026-12-02 08:00"))
    # a moment that names itself is not read back
    text = _says(run("case", "session", "1", "--minutes", "双方陈述了事实。",
                     "--at", "2026-12-02 08:30"))
    assert "--at" not in text
    # a time alone is today's
    _says(run("case", "session", "1", "--minutes", "第二次调解。", "--at", "9点"),
          read.format("--at 2026-12-02 09:00"))
    # the agreement's deadline typed without its year, and the step's day as a word
    _says(run("case", "agree", "1", "--terms", "赔偿500元。", "--due", "12月31日",
              "--at", "今天"), "--at 2026-12-02", "--due 2026-12-31")
    _says(run("case", "amend", "1", "--agreement-due", "1月15日", "--reason", "履行期限录错"),
          read.format("--agreement-due 2027-01-15"))
    history = json.loads(room("case", "history", "1", "--json").out)
    assert [(e["action"], e["occurred_at"]) for e in history if e["action"] in (
        "schedule", "mediate")] == [("schedule", "2026-12-02T02:00:00Z"),
                                    ("mediate", "2026-12-02T00:00:00Z")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_before_the_previous_step_is_refused_naming_it(room: Cli, tmp_path: Path,
                                                             lang: str) -> None:
    zh = lang == "zh"
    L = ("--lang", lang)
    assert room("case", "new", "--file", str(tmp_path / "case.json"), "--at",
                "2026-12-01 15:00").code == 0
    assert room("case", "accept", "1", "--at", "今天 9:30").code == 0
    assert room("case", "schedule", "1", "--at", "明天 9点").code == 0
    before = room("case", "history", "1", "--json").out
    r = room(*L, "case", "mediate", "1", "--mediator", "wangfang", "--rights-notified",
             "--at", "今天 8点", terminal=True, env={"COLUMNS": "80"})
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert (("早于本案上一步骤“受理”（2026-12-02 09:30）" if zh else
             "before the case's previous step, accept (2026-12-02 09:30)") in r.err), r.err
    assert room("case", "history", "1", "--json").out == before


def test_registered_at_corrected_is_read_back(room: Cli, tmp_path: Path) -> None:
    assert room("case", "new", "--file", str(tmp_path / "case.json")).code == 0  # 10:00
    for lang, typed, said in (("zh", "今天 8点", "按 --registered-at 2026-12-02 08:00 记录"),
                              ("en", "today 7:30", "read as --registered-at 2026-12-02 07:30")):
        r = room("--lang", lang, "case", "amend", "1", "--registered-at", typed,
                 "--reason", "登记时间录错")
        _says(r, said)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_gives_the_moments_as_read(room: Cli, tmp_path: Path, lang: str) -> None:
    """--json carries what the line under a step's text says (按 --at … 记录), as ISO 8601
    under read_as (issue 14): the committee's offset on a date and time, a date alone as a
    date; a moment that names itself adds nothing, as on the text line."""
    def run(*args: str) -> dict[str, object]:
        r = room("--lang", lang, *args, "--json")
        assert r.code == 0, r.err
        out: dict[str, object] = json.loads(r.out)
        return out

    made = run("case", "new", "--file", str(tmp_path / "case.json"), "--at", "昨天 15:00")
    assert made["read_as"] == {"--at": "2026-12-01T15:00:00+08:00"}
    assert run("case", "accept", "1", "--at", "今天 9:30")["read_as"] == {
        "--at": "2026-12-02T09:30:00+08:00"}
    assert "read_as" not in run("case", "mediate", "1", "--mediator", "wangfang",
                                "--rights-notified", "--at", "2026-12-02 09:40")
    run("case", "session", "1", "--minutes", "双方陈述了事实。", "--at", "2026-12-02 09:45")
    agreed = run("case", "agree", "1", "--terms", "赔偿500元。", "--due", "12月31日",
                 "--at", "今天")
    assert agreed["read_as"] == {"--due": "2026-12-31", "--at": "2026-12-02"}
