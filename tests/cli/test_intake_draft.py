"""The guided intake (issue 14, "Guided intake that does not lose work"): a guardian asked for
only when the party needs one, a sex the ID number contradicts said at once and asked again, and
what was typed kept in a private draft on Ctrl-C or end of input, offered the next time.

The drafts are files and the questions the terminal's: the module runs on SQLite, each test on a
copy of one committee made through the CLI once (conftest.prepared)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_guided_intake import Terminal
from tests.conftest import Result, Templates, prepared

ADULT = "430104198003120014"    # a man born 1980
WOMAN = "430104197511200024"    # a woman born 1975
BOY = "430104201506010014"      # a boy born 2015: a minor
CASE = ["邻里纠纷", "", "楼上漏水", "赔偿维修费", "", "", "", ""]  # ..., risk, registered


class Stops(Terminal):
    """A terminal at which the clerk presses Ctrl-C (or, ``eof``, Ctrl-D) after ``lines``
    answers."""

    def __init__(self, answers: list[str], *, eof: bool = False) -> None:
        super().__init__("".join(a + "\n" for a in answers))
        self.left, self.eof = len(answers), eof

    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
        if self.left == 0:
            if self.eof:
                return ""
            raise KeyboardInterrupt
        self.left -= 1
        return super().readline()


def _init(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def cli(cli: Callable[..., Result], cli_db: str,
        cli_templates: Templates) -> Callable[..., Result]:
    return prepared(cli, cli_db, cli_templates, "committee", _init)


def _drafts() -> list[Path]:
    folder = Path(os.environ["MEDIATION_DRAFTS"])
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_adult_is_not_asked_for_a_guardian_a_minor_is(cli: Callable[..., Result],
                                                         lang: str) -> None:
    answers = [*CASE,
               "", "张小明", "男", "", BOY, "父子", "张大山", "", "", "", "",  # a minor: guardian
               "", "李四", "女", "", WOMAN, "", "", "",  # an adult: lacks capacity? no
               "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    zh = lang == "zh"
    assert out.err.count("该当事人是未成年人" if zh else "This party is a minor") == 1
    assert ("是否需要监护人" if zh else "need a guardian") not in out.err
    assert out.err.count("无民事行为能力或限制民事行为能力的成年人" if zh
                         else "adult without full civil capacity") == 1  # asked of the adult
    assert out.err.count("监护人姓名" if zh else "Guardian's name") == 1
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert shown["parties"][0]["guardian"]["relation"] == "parent"
    assert shown["parties"][1]["guardian"] is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_a_birth_date_the_clerk_says_whether_a_guardian_is_needed(
        cli: Callable[..., Result], lang: str) -> None:
    answers = [*CASE,
               "", "王五", "男", "", "", "是", "父子", "王大", "", "", "", "",  # lacks capacity
               "", "李四", "女", "", WOMAN, "", "", "",
               "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    assert out.err.count("是否需要监护人？" if lang == "zh" else "need a guardian?") == 1
    shown = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert shown["parties"][0]["guardian"]["name"] == "王大"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sex_the_id_number_contradicts_is_asked_again_at_once(cli: Callable[..., Result],
                                                                 lang: str) -> None:
    answers = [*CASE,
               "", "张三", "女", "", ADULT,  # says male: one line, the sex asked again
               "",                          # the ID number's sex, by default
               "",                          # an adult lacking capacity? no
               "", "",
               "", "李四", "男", "", WOMAN,  # says female
               "男",                         # the sex kept: the ID number is asked again
               "", "",                       # none; then "need a guardian?": no
               "", "",
               "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    said = [line for line in out.err.splitlines()
            if ("第17位" if lang == "zh" else "sex digit") in line]
    assert len(said) == 2, out.err
    assert said[0].endswith(("性别填的是女，但证件号码第17位表示男，请核对后重新填写",
                             "Sex female but the ID number's sex digit says male: enter them "
                             "again"))
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert [p["sex"] for p in shown["parties"]] == ["male", "male"]
    assert shown["parties"][1]["id_number"] is None
    # nothing left to warn about at the end
    assert ("check both" if lang == "en" else "请核对两者") not in out.err


@pytest.mark.parametrize(("lang", "eof"), [("zh", False), ("en", False), ("zh", True)])
def test_ctrl_c_keeps_a_private_draft_that_the_next_intake_continues(
        cli: Callable[..., Result], lang: str, eof: bool) -> None:
    typed = [*CASE, "", "张三", "男", "汉族", ADULT]  # stopped at the guardian question
    out = cli("--lang", lang, "case", "new", input=Stops(typed, eof=eof))
    assert out.code == 130 and out.out == ""
    [draft] = _drafts()
    last = out.err.splitlines()[-1]
    assert str(draft) in last and "Traceback" not in out.err
    assert last.startswith("已取消，尚未登记" if lang == "zh" else "cancelled; nothing was "
                           "registered")
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert stat.S_IMODE(draft.parent.stat().st_mode) == 0o700
    assert json.loads(cli("case", "list", "--json").out) == []
    # the next intake offers it (yes by default) and asks only what is left
    rest = ["", "", "13812345678", "", "", "李四", "女", "", WOMAN, "", "", "", "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(rest) + "\n"))
    assert out.code == 0, out.err
    assert ("上次未完成的登记，是否继续？" if lang == "zh" else "unfinished") in out.err
    assert out.err.count("简要案情" if lang == "zh" else "Facts: ") == 1  # the summary only
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert [p["name"] for p in shown["parties"]] == ["张三", "李四"]
    assert shown["summary"] == "楼上漏水" and shown["parties"][0]["phone"] == "138****5678"
    assert _drafts() == []  # written: the draft is gone


def test_a_declined_draft_is_deleted_and_the_intake_starts_afresh(
        cli: Callable[..., Result]) -> None:
    assert cli("case", "new", input=Stops(["02", "", "楼上漏水"])).code == 130
    assert len(_drafts()) == 1
    out = cli("case", "new", input=Stops(["n"]))  # declined, then Ctrl-C at the category
    assert "unfinished" in out.err and out.code == 130
    assert out.err.splitlines()[-1] == "cancelled; nothing was written"
    assert _drafts() == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cancel_at_the_summary_exits_1_and_keeps_the_draft_for_the_summary(
        cli: Callable[..., Result], lang: str) -> None:
    """A clerk's trial: 否 at the summary exited 130 (Ctrl-C's code) and lost what was typed.
    A deliberate cancel exits 1, says nothing was written and where the draft is kept; the
    next intake continues it at the summary, or, declined, deletes it."""
    assert cli("case", "new", input=Stops(CASE)).code == 130
    answers = ["y", "", "张三", "男", "", ADULT, "", "", "", "", "李四", "女", "", "", "", "",
               "",
               "n", "n"]
    out = cli("--lang", lang, "case", "new", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 1, out.err
    [draft] = _drafts()
    cancel, kept = out.err.splitlines()[-2:]
    assert cancel.endswith("已取消，未写入任何数据" if lang == "zh"
                           else "cancelled; nothing was written")
    assert str(draft) in kept and "mediation case new" in kept
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert json.loads(cli("case", "list", "--json").out) == []
    # continued: straight to the summary, nothing asked again
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("y\ny\n"))
    assert out.code == 0, out.err
    assert ("请核对填写的内容" if lang == "zh" else "Please check what was entered") in out.err
    assert ("是否添加其他当事人" if lang == "zh" else "Add another party") not in out.err
    assert _drafts() == []
    # a cancelled draft declined at the offer is deleted
    assert cli("case", "new", input=Stops(CASE)).code == 130
    assert cli("case", "new", input=Stops(["n"])).code == 130 and _drafts() == []


def test_an_unreadable_draft_is_said_and_deleted(cli: Callable[..., Result]) -> None:
    assert cli("case", "new", input=Stops(["02"])).code == 130
    [draft] = _drafts()
    draft.write_text('{"record": [1]}', encoding="utf-8")
    out = cli("case", "new", input=Stops([]))
    assert "cannot be read; it is deleted" in out.err and out.code == 130
    assert _drafts() == []


@pytest.mark.parametrize("lang", ["en", "zh"])
# stopped after: the "yes", the relation, the name, the ID number
@pytest.mark.parametrize("given", [1, 2, 3, 4])
def test_every_guardian_answer_is_kept_in_the_draft(cli: Callable[..., Result], lang: str,
                                                    given: int) -> None:
    guardian = ["y", "父子", "张大山", "110101198001010010", ""]
    typed = [*CASE, "", "张三", "男", "汉族", ADULT, *guardian[:given]]
    assert cli("--lang", lang, "case", "new", input=Stops(typed)).code == 130
    rest = ["", *guardian[given:], "", "", "", "李四", "女", "", WOMAN, "", "", "", "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(rest) + "\n"))
    assert out.code == 0, out.err
    assert ("无民事行为能力或限制民事行为能力的成年人" if lang == "zh"
            else "adult without full civil capacity") in out.err  # asked of 李四 only
    assert out.err.count("监护人姓名" if lang == "zh" else "Guardian's name") == (given < 3)
    shown = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert shown["parties"][0]["guardian"]["name"] == "张大山"
    assert shown["parties"][0]["guardian"]["relation"] == "parent"
    assert shown["parties"][0]["guardian"]["id_number"] == "110101198001010010"
