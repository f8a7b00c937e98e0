"""The guided intake asks whether an adult lacks full civil capacity (a yes/no question, like a
minor's guardian), and then takes the guardian: a name checked as a party's is (a phone number
is asked again), a relation from the list (a free word is asked again, naming the list), in both
languages; a party's own name is checked the same way (issue 14)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.cli.test_guided_intake import Terminal
from tests.cli.test_intake_draft import ADULT, CASE, WOMAN, _init
from tests.conftest import Result


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_adult_without_full_capacity_gets_a_guardian_at_the_terminal(
        cli: Callable[..., Result], lang: str) -> None:
    _init(cli)
    answers = [*CASE,
               "", "13900001111", "张三", "男", "", ADULT,  # a phone as the name: asked again
               "是",                       # an adult without full civil capacity
               "叔叔", "配偶",              # not a relation of the list: asked again
               "13800002222", "张大山",     # the guardian's name: a phone, asked again
               "", "", "", "",             # the guardian's ID number, phone; phone, address
               "", "李四", "女", "", WOMAN, "n", "", "",  # an adult with full capacity
               "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    zh = lang == "zh"
    assert out.err.count("不像人名" if zh else "does not look like a person's name") == 2
    # one short line: the numbered list is just above the question, not repeated in it
    refused = [line for line in out.err.splitlines() if "叔叔" in line]
    assert len(refused) == 1
    assert ("不在上面所列之中" if zh else "none of the list above") in refused[0]
    before = out.err.split(refused[0])[0]
    assert any(("配偶" if zh else "spouse") in ln and "=" in ln for ln in before.splitlines())
    assert out.err.count("无民事行为能力或限制民事行为能力的成年人" if zh
                         else "adult without full civil capacity") == 2
    shown = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert shown["parties"][0]["name"] == "张三"
    assert shown["parties"][0]["guardian"] == {"name": "张大山", "relation": "spouse",
                                               "phone": None}  # no ID number: no key
    assert shown["parties"][1]["guardian"] is None
    table = cli("--lang", lang, "case", "show", "1", terminal=True, env={"COLUMNS": "80"}).out
    assert ("配偶" if zh else "spouse") in table
    piped = cli("--lang", lang, "case", "show", "1").out
    assert ("配偶" if zh else "spouse") in piped and "spouse" not in (piped if zh else "")
