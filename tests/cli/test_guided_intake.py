"""`mediation case new` with no file, at a terminal: prompts, re-asks on a bad answer."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from tests.conftest import Result


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ANSWERS = [
    "02",                      # category
    "application",             # source
    "楼上漏水",                 # facts
    "赔偿维修费",               # requests
    # applicant
    "person", "张三", "male", "汉族",
    "430104198003120011",      # bad check digit: asked again
    "430104198003120014",
    "12345",                   # bad phone: asked again
    "13812345678",
    "湖南省长沙市岳麓区桐梓坡路8栋502", "",
    # respondent
    "person", "李四", "male", "", "", "", "", "",
    "n",                       # no more parties
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_guided_intake_asks_each_field_and_rechecks_bad_answers(
        cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    out = cli("--lang", lang, "case", "new", "--json",
              input=Terminal("\n".join(ANSWERS) + "\n"))
    assert out.code == 0, out.err + out.out
    made = json.loads(out.out)
    assert made["number"].endswith("龙人调字第1号")
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert [p["name"] for p in shown["parties"]] == ["张三", "李四"]
    assert shown["parties"][0]["id_number"] == "430***********0014"
    assert ("check digit" in out.err) if lang == "en" else ("校验码" in out.err)
