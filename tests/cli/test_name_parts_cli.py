"""A clerk's second trial at 80 columns in Chinese (issue 14): every value typed on the command line
may be the code, its Chinese name, or a part of exactly one Chinese name (mediation.core.choices):
``--format 表格``, ``--state 结案``, ``--channel 微信``; a part of several names is a usage error
naming each of them (``--state 调解``). A case by its sequence number alone (``第9号``, ``9号``:
this year's, of the reader's committee); a reference in no form is refused listing every form.
Both languages, piped and at 80 columns."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def width(line: str) -> int:
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_format_by_its_chinese_name(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    table = demo(*L, "case", "list", "--format", "表格", "--limit", "3", env={"COLUMNS": "80"})
    assert table.code == 0, table.err
    assert ("案号" if lang == "zh" else "Number") in table.out  # a table, though piped
    assert all(width(line) <= 80 for line in table.out.splitlines())
    shown = demo(*L, "case", "list", "--format", "表格", "--limit", "3", terminal=True,
                 env={"COLUMNS": "80"})
    assert shown.code == 0 and all(width(line) <= 80 for line in shown.out.splitlines())
    tsv = demo(*L, "case", "list", "--format", "制表符", "--limit", "3")
    assert tsv.code == 0 and len(tsv.out.splitlines()) == 3 and "\t" in tsv.out
    csv = demo(*L, "case", "list", "--format", "逗号分隔", "--limit", "3")
    assert csv.code == 0 and "," in csv.out.splitlines()[0] and "\t" not in csv.out
    assert demo(*L, "stats", "--format", "ＪＳＯＮ").out.lstrip().startswith("{")
    both = demo(*L, "case", "list", "--format", "分隔")
    assert both.code == 2 and both.err.count("\n") == 1, both.err
    if lang == "zh":  # by name alone
        assert "制表符分隔、逗号分隔" in both.err and "tsv" not in both.err, both.err
    else:  # by name, code after
        assert re.search("制表符分隔 ?[（(]tsv[）)]", both.err), both.err
        assert re.search("逗号分隔 ?[（(]csv[）)]", both.err), both.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_state_by_a_part_of_exactly_one_name(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    closed = json.loads(demo(*L, "case", "list", "--state", "结案", "--json").out)
    assert closed and {c["state"] for c in closed} == {"closed"}
    r = demo(*L, "case", "list", "--state", "调解", env={"COLUMNS": "80"})
    assert r.code == 2 and r.err.count("\n") == 1 and "Traceback" not in r.err
    mediating, terminated = (("调解中、终止调解", "") if lang == "zh"
                             else ("调解中 (mediating)", "终止调解 (terminated)"))
    assert mediating in r.err and terminated in r.err, r.err
    assert lang == "en" or "mediating" not in r.err, r.err  # the names alone under zh
    assert ("请给出其中一个" if lang == "zh" else "give one of them") in r.err
    assert json.loads(demo(*L, "case", "list", "--state", "调解中", "--json").out) == \
        json.loads(demo(*L, "case", "list", "--state", "mediating", "--json").out)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("typed", "channel"), [("微信", "message"), ("短信", "message"),
                                                ("电话", "phone"), ("当面", "in_person")])
def test_a_feedback_channel_as_the_clerk_says_it(cli: Cli, lang: str, typed: str,
                                                 channel: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", "-", input=json.dumps(case_record())).code == 0
    assert cli("case", "decline", "1", "--reason", "party_refuses",
               "--advice", "告知向法院起诉").code == 0
    r = cli("--lang", lang, "case", "feedback", "1", "--to", "张三", "--channel", typed)
    assert r.code == 0, r.err
    history = json.loads(cli("case", "history", "1", "--json").out)
    assert history[-1]["changes"]["feedback"][1]["channel"] == channel
    wrong = cli("--lang", lang, "case", "feedback", "1", "--channel", "飞鸽传书")
    assert wrong.code == 2 and wrong.err.count("\n") == 1, wrong.err
    assert ("短信微信、" if lang == "zh" else "message, written") in wrong.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_by_its_sequence_number_alone(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    listed = json.loads(demo(*L, "case", "list", "--all", "--json").out)
    number = {c["id"]: c["number"] for c in listed}[3]
    seq = number.rsplit("第", 1)[1].rstrip("号")
    for typed in (f"第{seq}号", f"{seq}号", f"第{seq}", f"第{seq}号".translate(WIDE)):
        r = demo(*L, "case", "show", typed, "--json")
        assert r.code == 0, (typed, r.err)
        assert json.loads(r.out)["number"] == number
    missing = demo(*L, "case", "show", "第999号")
    assert missing.code == 1 and "第999号" in missing.err and "第人调字" not in missing.err


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("typed", ["abc", "龙", "第号"])
def test_a_reference_in_no_form_lists_the_forms(demo: Cli, lang: str, typed: str) -> None:
    r = demo("--lang", lang, "case", "show", typed, env={"COLUMNS": "80"})
    assert r.code == 2 and r.err.count("\n") == 1 and "Traceback" not in r.err, r.err
    year = json.loads(demo("case", "list", "--all", "--json").out)[0]["number"][1:5]
    for form in (f"({year})龙人调字第12号", f"〔{year}〕龙人调字第12号", "龙12", "第12号", "12号"):
        assert form in r.err, r.err
    assert ("简称" if lang == "zh" else "short form") in r.err
    step = demo("--lang", lang, "case", "accept", typed)  # a step finds its case alike
    assert step.code == 2 and "第12号" in step.err


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_stats_of_a_relative_period_from_the_committees_today(demo: Cli, lang: str,
                                                              zone: str, tmp_path: Path) -> None:
    """stats 本月, 上月, 本季度, 今年, 去年 (a clerk's trial: refused), and report's --month 上月
    ..., counted from today in the committee's calendar (its zone, 25 hours apart here), never
    the machine's date."""
    from mediation.core.calendar import Calendar
    from mediation.core.clock import utcnow

    assert demo("calendar", "set", "--zone", zone).code == 0
    today = Calendar(zone=zone).local_date(utcnow())
    q = (today.month - 1) // 3 + 1
    before = today.replace(day=1) - timedelta(days=1)
    for word, label in (("本月", f"{today:%Y-%m}"), ("上月", f"{before:%Y-%m}"),
                        ("本季度", f"{today.year}Q{q}"), ("今年", f"{today.year}"),
                        ("本年", f"{today.year}"), ("去年", f"{today.year - 1}"),
                        ("上年", f"{today.year - 1}")):
        r = demo("--lang", lang, "stats", word, "--json")
        assert r.code == 0, (word, r.err)
        assert json.loads(r.out)["period"]["label"] == label, word
    assert json.loads(demo("stats", "--month", "上月", "--json").out)["period"]["label"] == \
        f"{before:%Y-%m}"
    for command, option, word, label in (
            ("monthly", "--month", "上月", f"{before:%Y-%m}"),
            ("quarterly", "--quarter", "本季度", f"{today.year}Q{q}"),
            ("yearly", "--year", "去年", f"{today.year - 1}")):
        r = demo("--lang", lang, "report", command, option, word, "--out",
                 str(tmp_path / f"{command}.xlsx"), "--json")
        assert r.code == 0, r.err
        assert json.loads(r.out)["period"]["label"] == label
    r = demo("--lang", lang, "stats", "本周")
    assert r.code == 2 and r.err.count("\n") == 1
    assert ("本月、上月、本季度" if lang == "zh" else "this month, last month") in r.err
    r = demo("--lang", lang, "stats", "--month", "今年")
    assert r.code == 2 and ("本月或上月" if lang == "zh" else "this month or last") in r.err


@pytest.mark.parametrize(("lang", "named"), [
    ("zh", "此状态下只能更正纠纷类别、来源、移送文号"),
    ("en", "in this state only category, source, referral reference may be")])
def test_a_closed_case_refuses_a_correction_naming_what_may_be_corrected(
        demo: Cli, lang: str, named: str) -> None:
    closed = json.loads(demo("case", "list", "--state", "closed", "--json").out)[0]["id"]
    r = demo("--lang", lang, "case", "amend", str(closed), "--reason", "更正", "--summary", "改",
             env={"COLUMNS": "80"})
    assert r.code == 1 and r.err.count("\n") == 1 and named in r.err, r.err
    ok = demo("--lang", lang, "case", "amend", str(closed), "--reason", "更正", "--source",
              "网格员")
    assert ok.code == 0, ok.err
