"""Help pages wrap only where a line may break (issue 14, a clerk's trial at 80 columns found
``[必`` / ``填]`` and ``调解`` / ``协议书``): every command's ``--help`` under zh and en, at 60, 80
and 100 columns, never splits a bracketed marker the framework adds (``[必填]``, ``[最大 …]``),
the name of a state, a category, a document or any other vocabulary, nor an article of a law;
no line is wider than the page (an example command too wide is broken with a ``\\``), and an
opening bracket never ends a line.

The words are taken from the live command tree and the vocabularies, so a new option or a new
name is checked without naming it here; the detector is test_no_split's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cli.lines import help_wrap, width
from tests.cli.test_chinese_throughout import command_tree
from tests.cli.test_no_split import splits
from tests.conftest import Result

WIDTHS = (60, 80, 100)
_MARKER = re.compile(r"\[[^\[\]]+\]")
# the issue's own examples, and names that are no vocabulary's but are terms all the same
TERMS = {"[必填]", "调解协议书", "第二十五条", "1.5万"}
KINDS = ("state.", "role.", "party.", "source.", "document.", "decline.", "terminate.",
         "satisfaction.", "performance.", "risk.", "metavar.", "prevention.", "channel.")


@cache
def protected(lang: str) -> frozenset[str]:
    """What no help page may split in ``lang``: every marker the framework adds to an option
    (through the formatter's own ``definition``, unwrapped), the names of the vocabularies and
    categories, and the terms above."""
    from cli.framework import TranslatingContext, definition
    from mediation.core import categories
    from mediation.core.i18n import names, set_language

    set_language(lang)
    try:
        found = set(TERMS)
        for path, cmd in command_tree():
            ctx = TranslatingContext(cmd, info_name=path.split()[-1])
            for param in cmd.get_params(ctx):
                record = param.get_help_record(ctx)
                if record:
                    found |= set(_MARKER.findall(definition(record[0], record[1])))
        found |= {text for key, text in names(lang).items() if key.startswith(KINDS)
                  and not re.search(r"[，。、；：,;.]", text) and (" " in text or
                                                                not text.isascii())}
        found |= {c.name(lang) for c in categories.all_categories()}
    finally:
        set_language("en")
    return frozenset(f for f in found if len(f) >= 2)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_never_splits_a_marker_or_a_name(cli: Callable[..., Result], lang: str) -> None:
    words = protected(lang)
    assert {"[必填]", "调解协议书"} <= words or lang == "en"
    assert "[required]" in words or lang == "zh"
    for cells in WIDTHS:
        text_width = min(cells, 80) - 2  # Click's help is at most 78 columns wide
        for path, _cmd in command_tree():
            shown = cli("--lang", lang, *path.split()[1:], "--help",
                        env={"COLUMNS": str(cells)}, terminal=True)
            assert shown.code == 0, (path, shown.err)
            assert "\ue000" not in shown.out and "\ue001" not in shown.out
            lines = shown.out.splitlines()
            for line in lines:
                # only one word wider than the room itself (a path at 60 columns) may stick out
                assert width(line) <= text_width or len(line.split()) == 1, (path, cells, line)
                assert not line.rstrip().endswith(("（", "《", "(")), (path, cells, line)
            broken = splits(shown.out, set(words), text_width)
            assert not broken, (path, cells, broken)


def test_the_detector_sees_the_trial_s_splits() -> None:
    words = {"[必填]", "调解协议书"}
    assert splits("  主持调解员：工作人员的用户名或姓名（如 李明）。 [必\n  填]", words, 24)
    assert splits("  --written / --oral  书面协议（调解\n  协议书）或口头协议。", words, 30)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_prefers_a_break_at_punctuation(lang: str) -> None:
    from mediation.core.i18n import set_language

    set_language(lang)
    text = ("发生时间（补录时填写，默认为现在）：日期（2026-11-28）或日期和时间"
            "（2026-11-28 15:00），按委员会所在时区；不得是将来的时间。 [最大 2147483647]")
    lines = help_wrap(text, 53)
    assert lines[0].endswith("：")  # not 日期（ at the end of the line
    assert "[最大 2147483647]" in "\n".join(lines)
    assert all(width(line) <= 53 for line in lines)


CJK = st.sampled_from(list("调解员案件当事人申请登记纠纷邻里家庭协议书履行期限的了和在"))
PUNCT = st.sampled_from(["，", "。", "、", "；", "：", "（", "）", " "])
WORDS = ["[必填]", "调解协议书", "第二十五条", "已达成协议", "[默认：50；1 至 100]", "1.5万"]


@given(st.lists(st.one_of(CJK, PUNCT, st.sampled_from(WORDS)), min_size=1, max_size=80),
       st.integers(min_value=24, max_value=78))
@example(["调"] * 9 + ["调解协议书", "的了和在"], 24)  # a document's name after a run of CJK
@example(["调解协议书", "[默认：50；1 至 100]", " ", "，"], 30)  # a space, then closing punctuation
def test_help_wrap_keeps_words_whole(pieces: list[str], columns: int) -> None:
    """Any text of Chinese, punctuation and protected words, at any width: no line wider than
    the width, no protected word split, nothing lost but spaces."""
    from mediation.core.i18n import set_language

    set_language("zh")
    text = "".join(pieces)
    lines = help_wrap(text, columns)
    assert all(width(line) <= columns for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    joined = "\n".join(lines)
    for word in WORDS:
        assert joined.count(word) == "".join(lines).count(word), (word, lines)


# --- prose at 60 to 120 columns: messages, refusals, help texts ----------------------------

HAN = st.sampled_from(list("调解员案件当事人申请登记纠纷邻里家庭协议书履行期限不含已受理撤回电话"))
CLAUSE_END = st.sampled_from(["，", "。", "；", "：", "、", "）"])
DIGITS = st.integers(min_value=0, max_value=99999).map(str)
PHONE = st.one_of(
    st.tuples(st.sampled_from(["138", "159", "186"]), st.integers(1000, 9999),
              st.integers(1000, 9999)).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    st.tuples(st.sampled_from(["+86 ", "0086 "]), st.integers(13000000000, 19999999999)
              ).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.sampled_from(["0731", "010"]), st.integers(1000, 9999),
              st.integers(1000, 9999)).map(lambda t: f"{t[0]} {t[1]} {t[2]}"))
OPTION = st.from_regex(r"--[a-z]{2,10}(-[a-z]{2,8})?", fullmatch=True)
CODE = st.one_of(st.from_regex(r"[a-z]{3,12}(_[a-z]{2,8})?", fullmatch=True),
                 st.from_regex(r"[0-9]{2}(\.[0-9]{2})?", fullmatch=True),
                 st.from_regex(r"[A-Za-z]{1,10}[0-9]{0,4}", fullmatch=True))
COMMAND = st.lists(st.sampled_from(["case", "list", "agenda", "show", "--state", "--committee",
                                    "--days", "7", "龙12", "--json"]), min_size=1, max_size=4
                   ).map(lambda words: "`mediation " + " ".join(words) + "`")
UNBREAKABLE = st.one_of(PHONE, OPTION, CODE, COMMAND, DIGITS)


def _message(pieces: list[tuple[str, str]]) -> str:
    """Pieces as a message reads: a Latin token set off by a space from what is beside it, two
    typed values apart by a 、 (``138 1234 5678 0731 8888 6666`` would be one value: digits
    apart by a space are taken for one), no space before closing punctuation nor after an
    opening one."""
    text, last = "", ""
    for kind, piece in pieces:
        text += ("、" if kind == last == "token" else "") + (
            f" {piece} " if kind == "token" else piece)
        last = kind
    text = re.sub(" +", " ", text).strip()
    return re.sub(" (?=[，。；：、）])|(?<=[（]) ", "", text)


def rejoined(lines: list[str], text: str) -> bool:
    """Whether the lines, read in order, are ``text`` with only spaces at the breaks left out."""
    pos = 0
    for line in lines:
        if not text.startswith(line, pos):
            return False
        pos += len(line)
        if text[pos:pos + 1] == " ":
            pos += 1
    return pos == len(text)


@given(st.lists(st.one_of(st.tuples(st.just("han"), HAN), st.tuples(st.just("han"), CLAUSE_END),
                          st.tuples(st.just("token"), UNBREAKABLE)), min_size=1, max_size=120),
       st.integers(min_value=60, max_value=120), st.sampled_from(["zh", "en"]))
@example([("han", "不"), ("han", "含")] * 3 + [("token", "138 1234 5678")] * 6, 60, "zh")
@example([("token", "`mediation --state --committee --committee`"),
          ("token", "`mediation case`")], 60, "zh")  # a command of 41 cells, then one
def test_prose_wraps_only_where_a_line_may_break(pieces: list[tuple[str, str]], columns: int,
                                                 lang: str) -> None:
    """Any message or help text of Chinese, punctuation and typed values (a phone number with
    spaces, an option, a code, a command, a number), at any width from 60 to 120: no line is
    wider than the width (in terminal cells, as Rich counts them), no typed value is split,
    and the lines read in order give back the text."""
    from rich.cells import cell_len

    from mediation.core.i18n import set_language

    set_language(lang)
    try:
        text = _message(pieces)
        lines = help_wrap(text, columns)
    finally:
        set_language("en")
    assert all(cell_len(line) <= columns for line in lines), lines
    assert rejoined(lines, text), (text, lines)
    for kind, token in pieces:
        if kind == "token":
            assert sum(line.count(token) for line in lines) == text.count(token), (token, lines)


def test_the_trial_s_refusal_keeps_a_phone_number_whole() -> None:
    """The clerk's trial: a refusal of a phone number at 80 columns split ``138 1234`` from
    ``5678``; at every width each example of the forms is on one line."""
    from mediation.core.i18n import _, set_language
    from mediation.core.normalise import PHONE_FORMS

    set_language("zh")
    try:
        text = _(PHONE_FORMS)
        for columns in range(60, 121):
            lines = help_wrap(text, columns)
            assert rejoined(lines, text)
            for example_ in ("138 1234 5678", "+86 138 1234 5678", "0731 8888 6666",
                             "0086 13812345678"):
                assert sum(line.count(example_) for line in lines) == text.count(example_)
    finally:
        set_language("en")


def test_prose_breaks_after_punctuation_near_the_line_end(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A paragraph of a report (stats' success rate) breaks after Chinese punctuation (or
    before 不, 和) within the last third of the line rather than between two characters of a
    word (不|含), as help and messages do: render.paragraph wrapped it anywhere."""
    from cli.render import paragraph
    from mediation.core.i18n import set_language

    set_language("zh")
    try:
        text = ("调解成功率 96.4% = 调解成功 54 件 ÷ 调解结案 56 件（达成协议 + 受理后终止调解；"
                "不含不予受理、受理前撤回申请和未办结案件）；"
                "95% 置信区间（威尔逊法）87.9% 至 99.0%。")
        for columns in range(60, 121):
            monkeypatch.setenv("COLUMNS", str(columns))
            paragraph(text)
            lines = capsys.readouterr().out.splitlines()
            assert rejoined(lines, text), (columns, lines)
            for line, after in pairwise(lines):
                assert not (line.endswith("不") and after.startswith("含")), (columns, lines)
                hard = re.match(r"[\u4e00-\u9fff]", line[-1]) and re.match(
                    r"[\u4e00-\u9fff]", after[0]) and after[0] not in "不和"
                assert not hard, (columns, lines)
    finally:
        set_language("en")
