"""A session entered at its true time before sessions already recorded renumbers them (issue 14,
the clerk's desk: a printout that said 第2次 no longer matched). The clerk is told when recording
it, in one place (steps_session, workflow.renumbering): which numbers change, and which records
already printed carry an old number; the history shows the renumbering. zh and en, 80 columns
and piped, both backends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from cli.lines import _message_line, width
from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result

Cli = Callable[..., Result]
W80 = {"COLUMNS": "80"}


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_session_entered_before_later_ones_says_how_they_are_renumbered(
        demo: Cli, tmp_path: Path, lang: str, terminal: bool) -> None:
    L = ("--lang", lang)
    zh = lang == "zh"
    before = json.loads(demo("case", "show", "5", "--json").out)["sessions"]
    assert [s["no"] for s in before] == [1, 2]
    printed = demo(*L, "case", "print", "session", "5", "--version", "2", "--out",
                   str(tmp_path / "s2.docx"))
    assert printed.code == 0, printed.err
    day = DEFAULT.local(utcnow()).date() - timedelta(days=10)  # between the demo's two
    r = demo(*L, "case", "session", "5", "--minutes", "补记的调解", "--at", f"{day} 10:00",
             terminal=terminal, env=W80)
    assert r.code == 0, r.err
    assert "Traceback" not in r.err
    if terminal:  # stdout a terminal; stderr's notes as cli.lines.err wraps them on one
        assert max(width(x) for x in r.out.splitlines()) <= 80, r.out
        assert all(width(part) <= 80 for line in r.err.splitlines()
                   for part in _message_line(line, 80).splitlines()), r.err
    said = _flat(r.err)
    if zh:
        assert _flat(f"此次调解（{day}10:00）在已记录的第2次之前，记为第2次") in said, r.err
        assert "原第2次→第3次" in said, r.err
        assert "打印的第2次（现为第3次）" in said and "请按新序号重新打印" in said, r.err
        assert "mediationcaseprintsession龙5--version" in said, r.err
    else:
        assert "beforesession2alreadyrecorded:itissession2" in said, r.err
        assert "renumbered:2→3" in said, r.err
        assert "session2printed" in said and "now3" in said, r.err
    after = json.loads(demo("case", "show", "5", "--json").out)["sessions"]
    assert [(s["no"], s["minutes"]) for s in after][1] == (2, "补记的调解")
    assert after[2]["minutes"] == before[1]["minutes"]
    history = demo(*L, "case", "history", "5").out.splitlines()[-1]
    assert ("调解序号改变：第2次 → 第3次" if zh else "sessions renumbered: 2 → 3") in history


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_session_entered_in_its_order_says_nothing(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "case", "session", "5", "--minutes", "今天的调解")
    assert r.code == 0 and r.err == "", r.err
    history = demo("--lang", lang, "case", "history", "5").out.splitlines()[-1]
    assert "调解序号改变" not in history and "renumbered" not in history
