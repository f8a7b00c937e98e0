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
    "1,500元",                  # amount involved
    "",                        # discovered: now
    "中",                       # risk level, by its Chinese name
    "",                        # registered: now
    # applicant
    "person", "张三", "male", "汉族",
    "430104198003120011",      # bad check digit: asked again
    "430104198003120014",
    "",                        # an adult: without full civil capacity? no (the default)
    "12345",                   # bad phone: asked again
    "13812345678",
    "湖南省长沙市岳麓区桐梓坡路8栋502",
    # respondent (no ID number: "need a guardian?" asked, no by default)
    "person", "李四", "male", "", "", "", "", "",
    "n",                       # no more parties
    "y",                       # the summary: register it
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


MINOR = "430104201506010014"  # a boy born 2015-06-01: a minor


def _answers(applicant_id: str, *, guardian: list[str], summary: list[str]) -> list[str]:
    """A guardian is asked for right after the ID number: a minor's at once; an adult's or,
    without an ID number, anyone's only if the clerk says one is needed (empty: no)."""
    guardian = guardian or [""]
    return ["邻里纠纷", "", "楼上漏水", "赔偿维修费", "", "", "", "",
            "", "张小明", "男", "", applicant_id, *guardian, "", "",
            "", "李四", "男", "", "", "", "", "",
            "n", *summary]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_minor_is_asked_for_a_guardian_at_once(cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    # right after the ID number: the guardian's relation, then the name (required: an empty
    # name is asked again), then the guardian's ID number (optional; issue 14)
    answers = _answers(MINOR, guardian=["父子", "", "张大山", "110101198001010010",
                                        "13812345678"], summary=["y"])
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    zh = lang == "zh"
    assert ("minor" in out.err) if lang == "en" else ("未成年人" in out.err)
    assert ("监护人身份证号" if zh else "Guardian's ID number") in out.err
    review = out.err.split("请核对填写的内容" if zh else "Please check what was entered")[1]
    assert ("监护人身份证号 110***********0010" if zh
            else "guardian's ID number 110***********0010") in review
    assert "110101198001010010" not in out.err
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert shown["parties"][0]["guardian"]["relation"] == "parent"  # 父子: a word for 父母
    assert shown["parties"][0]["guardian"]["id_number"] == "110***********0010"  # masked
    revealed = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert revealed["parties"][0]["guardian"]["id_number"] == "110101198001010010"
    for run in (cli("--lang", lang, "case", "show", "1", terminal=True, env={"COLUMNS": "80"}),
                cli("--lang", lang, "case", "show", "1"),  # piped
                cli("--lang", lang, "case", "history", "1")):
        assert "110***********0010" in run.out and "110101198001010010" not in run.out, run.out
    # found by the guardian's whole ID number (its keyed hash)
    found = json.loads(cli("case", "search", "110101198001010010", "--json").out)
    assert [c["id"] for c in found] == [1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_summary_goes_back_to_a_field_and_cancel_writes_nothing(
        cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    answers = _answers("", guardian=[], summary=["1", "婚姻家庭纠纷", "x", "99", "n"])
    out = cli("--lang", lang, "case", "new", input=Terminal("\n".join(answers) + "\n"))
    # a deliberate cancel: exit 1 (130 is Ctrl-C's), the draft kept and said
    assert out.code == 1 and out.out == ""
    assert ("已取消，未写入任何数据" if lang == "zh" else "cancelled; nothing was written") \
        in out.err.splitlines()[-2]
    assert out.err.count("01 " + ("Marriage" if lang == "en" else "婚姻家庭纠纷")) >= 1
    assert ("1 to 10" in out.err) if lang == "en" else ("1 至 10" in out.err)
    assert json.loads(cli("case", "list", "--json").out) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_duplicate_declined_at_the_terminal_writes_nothing(cli: Callable[..., Result],
                                                             lang: str) -> None:
    from tests.conftest import DATA

    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0
    answers = [*ANSWERS, "n"]  # the same 张三 and 李四: a probable duplicate; do not register
    out = cli("--lang", lang, "case", "new", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 1, out.err
    assert ("Probable duplicates" if lang == "en" else "疑似重复案件") in out.err
    assert ("Not registered" if lang == "en" else "未登记") in out.err
    assert len(json.loads(cli("case", "list", "--json").out)) == 1


class Interrupted(Terminal):
    """A terminal at which the clerk presses Ctrl-C at the first question."""

    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
        raise KeyboardInterrupt


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_c_says_what_ctrl_d_says(cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    ctrl_c = cli("--lang", lang, "case", "new", input=Interrupted())
    ctrl_d = cli("--lang", lang, "case", "new", input=Terminal(""))
    line = "已取消，未写入任何数据" if lang == "zh" else "cancelled; nothing was written"
    assert ctrl_c.code == ctrl_d.code == 130
    assert ctrl_c.err.splitlines()[-1] == ctrl_d.err.splitlines()[-1] == line
    assert "Traceback" not in ctrl_c.err and ctrl_c.out == ""
    assert json.loads(cli("case", "list", "--json").out) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_registration_before_the_discovery_is_said_at_the_question(
        cli: Callable[..., Result], lang: str) -> None:
    """A clerk's trial: 登记时间 before 发现时间 was accepted at the question and refused only
    after the confirmation, naming --at. Now said at once, naming the question, asked again;
    the summary's correction offers the answer given as its default."""
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    answers = [*ANSWERS[:5], "2026-11-20 09:30", "中", "2026-11-19", "2026-11-21",
               *ANSWERS[8:-1], "8", "", "y"]  # the summary: registration (item 8), kept
    out = cli("--lang", lang, "case", "new", "--json",
              input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err + out.out
    said = ("登记时间不能早于发现时间（2026-11-20 09:30）" if lang == "zh"
            else "cannot be registered before the dispute was found (2026-11-20 09:30)")
    assert out.err.count(said) == 1 and "--at" not in out.err
    assert "[2026-11-21]" in out.err or "2026-11-21]" in out.err
    assert json.loads(out.out)["number"].endswith("龙人调字第1号")
