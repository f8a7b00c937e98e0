"""`case feedback --to` takes only those a case's outcome may be fed back to (反馈): its parties
(by name, a part of one name, or 双方当事人/申请人/被申请人), the grid worker of a case from a
grid report, the referring body of a referred case; anyone else is refused in one line naming
who may, exit 1, nothing written. `case show` never prints a label with nothing after it
(a clerk's trial: ``反馈对象 王五：``). Both languages, in a pipe and at 80 columns (issue 14)."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.caseview import TAIL, ending
from cli.lines import width
from tests.conftest import DATA, Build, Result

Copy = Callable[[str, Build], None]


def _ok(cli: Callable[..., Result], *args: str, **kw: object) -> Result:
    r = cli(*args, **kw)
    assert r.code == 0, (args, r.err)
    return r


def _confirmed(cli: Callable[..., Result], copy: Callable[[str, Build], None],
               source: dict[str, str] | None = None,
               guardian: dict[str, str] | None = None) -> None:
    """A confirmed case, visited; ``guardian``: the respondent (李四)'s. Built through the CLI
    once per worker for each ``source`` and ``guardian``, a copy in each test (``cli_copy``)."""

    def build(cli: Callable[..., Result]) -> None:
        _ok(cli, "init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix",
            "龙", "--director-name", "王芳")
        record = json.loads((DATA / "demo" / "case.json").read_text("utf-8"))
        record.update(source or {})
        if guardian:
            record["parties"][1]["guardian"] = guardian
        _ok(cli, "case", "new", "--file", "-", input=json.dumps(record, ensure_ascii=False))
        for step in (("accept", "1"), ("mediate", "1", "--mediator", "wangfang",
                                       "--rights-notified"),
                     ("session", "1", "--minutes", "双方陈述"),
                     ("agree", "1", "--terms", "赔偿500元", "--written"), ("confirm", "1"),
                     ("visit", "1", "--satisfaction", "satisfied", "--performance", "full")):
            _ok(cli, "case", *step)

    made = json.dumps([source, guardian], sort_keys=True).encode()
    copy(f"fb_{zlib.crc32(made):08x}", build)


def _feedbacks(cli: Callable[..., Result]) -> list[dict[str, str]]:
    return list(json.loads(_ok(cli, "case", "show", "1", "--json").out)["feedbacks"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_anyone_else_is_refused_naming_who_may(cli: Callable[..., Result],
                                               cli_copy: Copy, lang: str) -> None:
    _confirmed(cli, cli_copy)
    r = cli("--lang", lang, "case", "feedback", "1", "--channel", "phone", "--to", "王五")
    assert r.code == 1 and r.out == "" and len(r.err.strip().splitlines()) == 1, r
    line = r.err.strip()
    assert "王五" in line and "张三" in line and "李四" in line
    if lang == "zh":
        assert "不是本案可以反馈的对象" in line and "双方当事人" in line
        assert not re.search(r"[A-Za-z]{3,}", line.replace("parties", "").replace(
            "applicants", "").replace("respondents", "")), line
    else:
        assert "may not receive" in line and "parties" in line
    assert _feedbacks(cli) == []  # nothing written
    shown = _ok(cli, "case", "show", "1").out
    assert "反馈对象" not in shown and "Fed back" not in shown


@pytest.mark.parametrize(("typed", "stored_zh"), [
    ("张三", "张三"), ("张", "张三"), ("李四", "李四"), ("双方当事人", "双方当事人"),
    ("当事人", "双方当事人"), ("申请人", "申请人"), ("被申请人", "被申请人"),
    ("parties", "双方当事人"), ("respondents", "被申请人"), (" 张 三 ", "张三")])
def test_the_parties_by_name_part_or_role_word(cli: Callable[..., Result],
                                               cli_copy: Copy, typed: str,
                                               stored_zh: str) -> None:
    _confirmed(cli, cli_copy)
    _ok(cli, "case", "feedback", "1", "--channel", "phone", "--to", typed)
    stored = _feedbacks(cli)[0]["to"]  # a party's name, or a recipient's code
    assert stored == stored_zh or (stored.isascii() and stored_zh != "张三"), stored
    zh = _ok(cli, "--lang", "zh", "case", "show", "1").out
    assert f"反馈对象 {stored_zh}" in zh


@pytest.mark.parametrize("typed", ["网格员", "法院", "公安机关", "wangfang", "王芳"])
def test_a_body_that_did_not_bring_the_dispute_is_refused(cli: Callable[..., Result],
                                                          cli_copy: Copy,
                                                          typed: str) -> None:
    _confirmed(cli, cli_copy)  # a party's application: no grid worker, no referring body
    r = cli("--lang", "zh", "case", "feedback", "1", "--channel", "phone", "--to", typed)
    assert r.code == 1 and "不是本案可以反馈的对象" in r.err, r


def test_a_referred_case_goes_back_to_its_referring_body(cli: Callable[..., Result],
                                                         cli_copy: Copy) -> None:
    _confirmed(cli, cli_copy, {"source": "court", "referral_ref": "(2026)湘0104民诉前调12号"})
    r = cli("--lang", "zh", "case", "feedback", "1", "--channel", "written", "--to", "派出所")
    assert r.code == 1 and "法院" in r.err, r
    _ok(cli, "case", "feedback", "1", "--channel", "written")  # the default: the court
    _ok(cli, "case", "feedback", "1", "--channel", "written", "--to", "法院")
    zh = _ok(cli, "--lang", "zh", "case", "show", "1").out
    assert zh.count("反馈对象 法院") == 2
    en = _ok(cli, "--lang", "en", "case", "show", "1").out
    assert "to the court" in en


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("terminal", [True, False])
def test_case_show_prints_no_label_without_its_value(cli: Callable[..., Result],
                                                     cli_copy: Copy, lang: str,
                                                     terminal: bool) -> None:
    """The clerk's trial: a feedback without a note showed ``反馈对象 王五：``."""
    _confirmed(cli, cli_copy)
    _ok(cli, "case", "feedback", "1", "--channel", "phone", "--to", "张三")
    r = _ok(cli, "--lang", lang, "case", "show", "1", terminal=terminal,
            env={"COLUMNS": "80"})
    for line in r.out.splitlines():
        assert not re.search(r"[:：]\s*$", line), line
        assert not re.search(r"^[^\t]+\t\s*$", line), line
        if terminal:
            assert width(re.sub("\x1b\\[[0-9;]*m", "", line)) <= 80, line
    assert ("反馈对象 张三" if lang == "zh" else "to 张三") in r.out


labels = st.sampled_from([
    "反馈 2026-12-01（王芳），电话，反馈对象 张三：", "督促履行 2026-12-01（王芳）：",
    "回访 2026-12-01：履行情况 全部履行，满意。", "Urged to perform 2026-12-01 (王芳): ",
    "    measures taken: ", "Follow-up 2026-12-01: performance full, satisfied. "])
values = st.one_of(st.none(), st.just(""), st.just("  "), st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20))


@given(label=labels, value=values)
def test_ending_never_leaves_a_label_with_nothing_after_it(label: str, value: str | None
                                                           ) -> None:
    """Every line of case show that ends with a value goes through caseview.ending."""
    line = ending(label + TAIL, value)
    assert TAIL not in line
    if value is not None and value.strip():
        assert line == label + value
    else:
        assert not re.search(r"[:：.。,，;；\s]$", line), line
        assert line and label.startswith(line)


@pytest.mark.parametrize("typed", ["李四", "李", "李大伟"])
def test_a_party_with_a_guardian_is_told_through_the_guardian(cli: Callable[..., Result],
                                                              cli_copy: Copy,
                                                              typed: str) -> None:
    """A clerk's trial: `--to 周小宝` fed the outcome back to a minor. A party with a guardian
    (法定代理人) is told through the guardian, named by the party or by the guardian; shown
    masked to a reader without the right to names, like a party."""
    _confirmed(cli, cli_copy, guardian={"name": "李大伟", "relation": "spouse"})
    _ok(cli, "--lang", "zh", "case", "feedback", "1", "--channel", "phone", "--to", typed)
    assert [f["to"] for f in _feedbacks(cli)] == ["李大伟"]
    _ok(cli, "staff", "add", "sunli", "--role", "auditor", "--name", "孙丽",
        "--password-stdin", input="pw-auditor-123\npw-auditor-123\n")
    masked = _ok(cli, "case", "show", "1", "--json", env={"MEDIATION_USER": "sunli"}).out
    assert "李大伟" not in masked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feedback_through_a_guardian_says_so_and_a_refusal_names_the_guardians(
        cli: Callable[..., Result], cli_copy: Copy, lang: str) -> None:
    """A clerk's trial: `--to 周子涵` (a minor) went to the guardian 周敏 and nothing said so;
    a refusal listed the parties without their guardians."""
    _confirmed(cli, cli_copy, guardian={"name": "李大伟", "relation": "spouse"})
    zh = lang == "zh"
    r = cli("--lang", lang, "case", "feedback", "1", "--channel", "phone", "--to", "王五")
    assert r.code == 1
    assert ("李四（法定代理人 李大伟）" if zh else "李四 (legal representative 李大伟)") in r.err
    r = _ok(cli, "--lang", lang, "case", "feedback", "1", "--channel", "phone", "--to", "李四")
    assert ("已向 李大伟（李四的法定代理人）反馈" if zh
            else "fed back to 李大伟 (李四's legal representative)") in r.err + r.out
    r = _ok(cli, "--lang", lang, "case", "feedback", "1", "--channel", "phone", "--to", "张三")
    assert ("法定代理人" if zh else "legal representative") not in r.err + r.out
