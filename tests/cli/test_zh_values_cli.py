"""Chinese values inside files (the clerk trial of issue 14): case.json, case import and case amend
JSON take every vocabulary value as its code or its Chinese name, as the options do; a value that
is neither is one line naming the allowed codes and names (exit 1, nothing written)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


WOMAN = "430104198003120022"  # born 1980-03-12, the 17th digit even: a woman


@pytest.fixture
def room(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    return cli


def chinese_record() -> dict[str, Any]:
    record = case_record(category="邻里纠纷", source="网格员排查", risk_level="中")
    p0, p1 = record["parties"]
    p0.update(role="申请人", kind="自然人", sex="男", id_type="居民身份证")
    p1.update(role="被申请人", sex="女")  # as her ID number says (issue 14: else refused)
    return record


def stored(cli: Cli, ref: str = "1") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(cli("case", "show", ref, "--reveal", "--reason",
                                             "test", "--json")).out)
    return data


def _in_codes(view: dict[str, Any]) -> None:
    assert (view["category"], view["source"], view["risk_level"]) == ("02", "grid", "medium")
    assert [(p["role"], p["kind"], p["sex"]) for p in view["parties"]] == [
        ("applicant", "person", "male"), ("respondent", "person", "female")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_case_new_and_import_take_chinese_values(room: Cli, tmp_path: Path, lang: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(chinese_record(), ensure_ascii=False), "utf-8")
    ok(room("--lang", lang, "case", "new", "--file", str(path)))
    _in_codes(stored(room, "1"))
    lines = tmp_path / "cases.jsonl"
    record = chinese_record()
    record["category"] = "2"  # a code without its leading zero, as --category takes it
    lines.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    ok(room("--lang", lang, "case", "import", str(lines), "--force"))
    _in_codes(stored(room, "2"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_amend_json_takes_chinese_values(room: Cli, lang: str) -> None:
    ok(room("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(room("--lang", lang, "case", "amend", "1", "--reason", "登记有误",
            # a sex with the ID number that says it (issue 14: a contradiction is refused)
            "--edit-party", "1:" + json.dumps({"sex": "女", "kind": "自然人", "id_number": WOMAN}),
            "--add-party", '{"role": "被申请人", "name": "王五", "sex": "男"}',
            "--risk", "高", "--category", "婚姻家庭纠纷"))
    view = stored(room)
    assert view["parties"][0]["sex"] == "female"
    assert (view["parties"][2]["role"], view["parties"][2]["sex"]) == ("respondent", "male")
    assert (view["risk_level"], view["category"]) == ("high", "01")


def test_amend_prevention_json_takes_the_chinese_kind(room: Cli) -> None:
    ok(room("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(room("case", "accept", "1"))
    ok(room("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified"))
    ok(room("case", "prevent", "1", "--kind", "suicide", "--persons", "1"))
    ok(room("case", "amend", "1", "--reason", "类型记错", "--prevention",
            '1:{"kind": "防止民转刑"}'))
    r = room("--lang", "zh", "case", "amend", "1", "--reason", "类型记错", "--prevention",
             '1:{"kind": "洪水"}')
    assert r.code == 2 and r.err.count("\n") == 1, r.err  # not one of a list: a usage error
    assert "防止自杀" in r.err and "suicide" not in r.err


@pytest.mark.parametrize(("lang", "shown"),
                         [("en", "male, female"), ("zh", "男、女")])
@pytest.mark.parametrize("via", ["new", "import", "amend"])
def test_an_unknown_value_is_one_line_naming_codes_and_names(room: Cli, tmp_path: Path,
                                                             lang: str, shown: str,
                                                             via: str) -> None:
    record = chinese_record()
    record["parties"][0]["sex"] = "男性人"
    path = tmp_path / "case.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    if via == "new":
        r = room("--lang", lang, "case", "new", "--file", str(path))
    elif via == "import":
        r = room("--lang", lang, "case", "import", str(path))
    else:
        ok(room("case", "new", "--file", "-", input=json.dumps(case_record())))
        r = room("--lang", lang, "case", "amend", "1", "--reason", "更正",
                 "--edit-party", '1:{"sex": "男性人"}')
    assert r.code == 1, r.err
    assert shown in r.err and "Traceback" not in r.err
    if via != "import":
        assert r.err.count("\n") == 1
    listed = json.loads(ok(room("case", "list", "--json")).out)
    assert len(listed) == (1 if via == "amend" else 0)
