"""A file given to a command is refused with ALL its problems at once (issue 14): one line each
(where, in words of the language: 第1位当事人的性别 / party 1's sex; what is wrong; what is
allowed), then the refusal; exit 1, nothing written. ``case new --file``, ``lead accept
--file``, ``case amend --edit-party`` (a party's keys) and ``lead import`` (its form too)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _setup(cli: Cli) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix",
               "龙").code == 0


def _bad_case(tmp_path: Path) -> str:
    record = case_record(amount="-5", colour="red")
    record["parties"][0].update(sex="x", phone="12")
    record["parties"][1].update(role="witness", id_number="123")
    path = tmp_path / "案件.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return str(path)


WHERE = {"zh": ["涉及金额（元）：", "“colour”：", "第1位当事人的性别：", "第1位当事人的电话：",
                "第2位当事人的角色：", "第2位当事人的证件号码："],
         "en": ["amount (yuan): ", "'colour': ", "party 1's sex: ", "party 1's phone: ",
                "party 2's role: ", "party 2's ID number: "]}


def _all_reported(r: Result, lang: str) -> None:
    assert r.code == 1, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 7 and "Traceback" not in r.err, r.err
    for where in WHERE[lang]:
        assert sum(where in line for line in lines[:-1]) == 1, (where, lines)
    assert ("共 6 处问题" if lang == "zh" else "6 problems") in lines[-1], lines[-1]
    # a field is named in words, never by its path (parties[0].sex); the unknown key's line
    # lists the keys allowed, parties among them
    places = "\n".join(line.partition("可用的键")[0].partition("the keys allowed")[0]
                       for line in lines)
    assert "parties" not in places and "[0]" not in r.err, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_new_file_reports_every_problem(cli: Cli, tmp_path: Path, lang: str) -> None:
    _setup(cli)
    _all_reported(cli("--lang", lang, "case", "new", "--file", _bad_case(tmp_path)), lang)
    assert json.loads(cli("case", "list", "--json").out) == []  # nothing written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lead_accept_file_reports_every_problem(cli: Cli, tmp_path: Path, lang: str) -> None:
    _setup(cli)
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水").code == 0
    _all_reported(cli("--lang", lang, "lead", "accept", "1", "--file",
                      _bad_case(tmp_path)), lang)
    assert json.loads(cli("case", "list", "--json").out) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amend_names_a_party_field_in_words(cli: Cli, lang: str) -> None:
    _setup(cli)
    assert cli("case", "new", "--file", "-", input=json.dumps(case_record())).code == 0
    r = cli("--lang", lang, "case", "amend", "1", "--edit-party", '2:{"sex": "x", "phone": "1"}',
            "--reason", "更正")
    assert r.code == 1, r.err
    for where in (("第2位当事人的性别", "第2位当事人的电话") if lang == "zh"
                  else ("party 2's sex", "party 2's phone")):
        assert where in r.err, r.err
    assert "parties" not in r.err and "[1]" not in r.err, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lead_import_reports_every_problem_of_its_form(cli: Cli, tmp_path: Path,
                                                       lang: str) -> None:
    _setup(cli)
    path = tmp_path / "线索.json"
    path.write_text(json.dumps([{"place": "a", "seen": "b", "found": "zz"}, 3,
                                {"place": "x", "sen": "y"}], ensure_ascii=False), "utf-8")
    r = cli("--lang", lang, "lead", "import", str(path))
    assert r.code == 1, r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 4, r.err  # record 2 no object, record 3's column, record 1's date
    assert "sen" in r.err and ("第 2 条记录" if lang == "zh" else "record 2") in r.err, r.err
    assert json.loads(cli("lead", "list", "--json").out) == []
