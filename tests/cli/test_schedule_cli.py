"""`mediation case schedule` (约定下次调解, issue 14) end to end on the demo: both languages, the
case file, the agenda (80 columns, JSON), the history; bad input in one line, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def version(cli: Cli) -> int:
    return int(json.loads(cli("case", "show", "5", "--json").out)["version"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_schedule_show_agenda_cancel(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    zh = lang == "zh"
    done = demo(*L, "case", "schedule", "5", "--at", "明天 09:30", "--place", "村委会调解室",
                "--note", "请双方带齐票据")
    assert done.code == 0, done.err
    shown = demo(*L, "case", "show", "5", terminal=True, env={"COLUMNS": "80"}).out
    line = next(x for x in shown.splitlines() if ("下次调解" if zh else "Next session") in x)
    assert "09:30 村委会调解室（请双方带齐票据）" in line
    items = [i for i in json.loads(demo(*L, "agenda", "--committee", "--json").out)
             if i["kind"] == "session"]
    minutes = "‹调解笔录›" if zh else "‹minutes›"  # the clerk's to write (issue 14)
    assert [(i["ref"], i["days"], i["command"]) for i in items] == [
        ("龙5", 1, f"mediation case session 龙5 --minutes {minutes}")]
    assert ("下次调解" if zh else "next mediation session") in items[0]["todo"]
    table = demo(*L, "agenda", "--committee", "--format", "table", env={"COLUMNS": "80"})
    assert table.code == 0 and max(width(x) for x in table.out.splitlines()) <= 80
    assert ("下次调解" if zh else "Next session") in table.out
    assert f"mediation case session 龙5 --minutes {minutes}" in table.out
    history = demo(*L, "case", "history", "5").out
    assert ("约定调解" if zh else "schedule the next session") in history
    assert demo(*L, "case", "schedule", "5", "--cancel").code == 0
    assert ("下次调解" if zh else "Next session") not in demo(*L, "case", "show", "5").out
    assert not [i for i in json.loads(demo(*L, "agenda", "--committee", "--json").out)
                if i["kind"] == "session"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_is_one_line_and_writes_nothing(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    before = version(demo)
    for args, code, said in (
            (("--at", "2020-01-06T09:00"), 1, ("下次调解时间 2020-01-06 09:00 已过（现 ",
                                               "time 2020-01-06 09:00 has passed (now ")),
            (("--at", "2099-12-05"), 2, ("时间，如 2099-12-05 09:30",
                                         "time of the session too: 2099-12-05 09:30")),
            (("--at", "明天"), 2, ("须写明下次调解的时间", "time of the session")),
            (("--cancel",), 1, ("无需取消", "nothing to cancel")),
            (("--at", "明天 09:30", "--cancel"), 2, ("--cancel", "--cancel"))):
        result = demo(*L, "case", "schedule", "5", *args)
        assert result.code == code, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
        assert said[0 if lang == "zh" else 1] in result.err
    closed = demo(*L, "case", "schedule", "1", "--at", "明天 09:30")
    assert closed.code == 1
    assert ("约定调解" if lang == "zh" else "schedule the next session") in closed.err
    assert version(demo) == before
