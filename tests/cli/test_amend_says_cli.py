"""``case amend`` says what it changed (issue 14, a clerk's trial: it said only the case's state
and version). Under the step's line one line per field changed, in the words ``case history``
uses for the same event (cli.timeline.corrected, from the change record the event stores):
``已更正 协议履行期限：2026-11-15 → 2026-12-20``; a masked value stays masked, a removed one is
（无） / (none), in history too; ``--json`` carries the event's changes as ``case history --json``
gives them. Both languages, at 80 columns and piped, on the demo.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _lines(r: Result) -> list[str]:
    assert r.code == 0, r.err
    return re.sub(r"\x1b\[[0-9;]*m", "", r.out).splitlines()


@pytest.mark.parametrize("terminal", [True, False], ids=["80 columns", "piped"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amend_says_each_field_it_changed(demo: Cli, lang: str, terminal: bool) -> None:
    zh = lang == "zh"

    def amend(*args: str) -> list[str]:
        return _lines(demo("--lang", lang, "case", "amend", "7", *args, "--reason", "笔误",
                           terminal=terminal, env={"COLUMNS": "80"}))

    due = "协议履行期限" if zh else "agreement's performance deadline"
    said = amend("--agreement-due", "2026-12-20")
    assert said[1:] == [f"已更正 {due}：2026-11-15 → 2026-12-20" if zh else
                        f"corrected {due}: 2026-11-15 → 2026-12-20"], said
    said = amend("--agreement-due", "无" if zh else "none", "--agreement-amount", "300")
    amount = "协议金额（元）" if zh else "agreement's amount (yuan)"
    assert said[1:] == ([f"已更正 {amount}：15,000.00 → 300.00",
                         f"已更正 {due}：2026-12-20 → （无）"] if zh else
                        [f"corrected {amount}: 15,000.00 → 300.00",
                         f"corrected {due}: 2026-12-20 → (none)"]), said
    # a phone stays masked, as case history shows it; terms kept as written (，。)
    terms = "郭磊于12月31日前一次性赔偿黄丽医疗费、误工费共计15000元，并承担车辆维修和拖车费用。"
    said = amend("--edit-party", '2:{"phone": "13900001111"}', "--agreement-terms", terms)
    text = "\n".join(said[1:])
    assert "139****1111" in text and "13900001111" not in text, text
    assert "并承担车辆维修和拖车费用" in text.replace("\n    ", ""), text
    assert all(line.startswith(("已更正 " if zh else "corrected ", "    "))
               for line in said[1:]), said
    if terminal:
        assert max(width(line) for line in said) <= 80, said
    else:
        assert len(said) == 3, said  # one line per field in a pipe, unwrapped
    history = _lines(demo("--lang", lang, "case", "history", "7"))
    assert ("2026-12-20 → （无）" if zh else "2026-12-20 → (none)") in "\n".join(history)


def test_amend_json_carries_the_event_s_changes(demo: Cli) -> None:
    r = demo("case", "amend", "7", "--agreement-due", "2026-12-20", "--edit-party",
             '2:{"phone": "13900001111"}', "--reason", "笔误", "--json")
    assert r.code == 0, r.err
    done = json.loads(r.out)
    event = [e for e in json.loads(demo("case", "history", "7", "--json").out)
             if e["seq"] == done["event"]]
    assert done["changes"] == event[0]["changes"]
    assert done["changes"]["agreement_due"] == ["2026-11-15", "2026-12-20"]
    assert "13900001111" not in r.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_free_text_keeps_its_punctuation(demo: Cli, lang: str) -> None:
    """A visit's measures and signs of escalation are text as written (，。 kept), as the
    agreement's terms corrected are: they were folded as codes (cli.options TEXT_IN)."""
    r = demo("--lang", lang, "case", "visit", "7", "--performance", "full", "--satisfaction",
             "satisfied", "--measures", "已督促，双方同意。", "--escalation", "无，情绪平稳。")
    assert r.code == 0, r.err
    visit = json.loads(demo("case", "show", "7", "--json").out)["follow_ups"][-1]
    assert (visit["measures"], visit["escalation"]) == ("已督促，双方同意。", "无，情绪平稳。")
