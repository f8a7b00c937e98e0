"""Issue 14 (a clerk's trial): a case file may be keyed in Chinese, by the names the program
shows for its fields (``"角色": "申请人"``). docs/case-json.md's example, keyed in Chinese, is
registered by ``case new --file``, by ``case import`` and gives the case its code-keyed twin
gives; ``case amend --edit-party`` takes a Chinese key; a field keyed twice is refused in one
line; the docs name every field as the program does. zh and en, piped and at 80 columns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mediation.cases import CaseIn, GuardianIn, PartyIn, RepresentativeIn
from mediation.core import recordkeys
from tests.conftest import Result

Cli = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "case-json.md").read_text("utf-8")
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def example() -> dict[str, Any]:
    found = re.search(r"^```json zh-keys\n(.*?)^```", DOC, re.S | re.M)
    assert found, "docs/case-json.md has no ```json zh-keys block"
    record: dict[str, Any] = json.loads(found.group(1))
    return record


def coded(record: Any, model: type = CaseIn) -> Any:
    """The record keyed by codes (what the example says, as the English keys say it)."""
    if not isinstance(record, dict):
        return record
    out = {}
    for key, value in record.items():
        code = recordkeys.code_of(model, key)
        inner = recordkeys.nested(model, [code]) if code in ("parties", "guardian",
                                                               "representative") else None
        if isinstance(value, list):
            value = [coded(v, inner or model) for v in value]
        elif inner is not None:
            value = coded(value, inner)
        out[code] = value
    return out


def ok(r: Result) -> Result:
    assert r.code == 0 and "Traceback" not in r.err, r.err
    return r


@pytest.fixture
def committee(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
           "--director-name", "王芳"))
    return cli


def shown(cli: Cli, ref: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(ok(cli("case", "show", ref, "--json")).out)
    for key in ("id", "number", "dates", "version"):
        case.pop(key)
    return case


@SQLITE
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_docs_chinese_keyed_file_gives_the_case_its_codes_give(
        committee: Cli, tmp_path: Path, lang: str, terminal: bool) -> None:
    env = {"COLUMNS": "80"}
    zh = tmp_path / "案件.json"
    zh.write_text(json.dumps(example(), ensure_ascii=False), "utf-8")
    ok(committee("--lang", lang, "case", "new", "--file", str(zh), terminal=terminal, env=env))
    en = tmp_path / "case.json"
    en.write_text(json.dumps(coded(example()), ensure_ascii=False), "utf-8")
    assert "纠纷类别" not in en.read_text("utf-8") and "category" in en.read_text("utf-8")
    ok(committee("--lang", lang, "case", "new", "--file", str(en), "--force", env=env))
    first, second = shown(committee, "1"), shown(committee, "2")
    second.pop("duplicate_of")
    first.pop("duplicate_of")
    assert first == second
    assert first["parties"][1]["representative"]["title"] == "总经理"
    assert first["amount"] == "500.00" and first["parties"][1]["kind"] == "legal_person"
    # a party's key in Chinese in a correction
    ok(committee("--lang", lang, "case", "amend", "1", "--edit-party", '1:{"电话": "13900001111"}',
                 "--reason", "电话写错", env=env))
    revealed = json.loads(ok(committee("case", "show", "1", "--reveal", "--reason", "核对",
                                       "--json")).out)
    assert revealed["parties"][0]["phone"] == "13900001111"


@SQLITE
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_import_reads_chinese_keys(committee: Cli, tmp_path: Path, lang: str) -> None:
    lines = tmp_path / "导入.jsonl"
    other = example()
    other["当事人"][0]["姓名"], other["当事人"][0]["证件号码"] = "赵六", "430104197511200024"
    other["当事人"][0]["性别"] = "女"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        example(), coded(other))) + "\n", "utf-8")
    r = ok(committee("--lang", lang, "case", "import", str(lines), "--json"))
    assert json.loads(r.out)["imported"] == 2, r.out
    assert shown(committee, "1")["parties"][0]["sex"] == "male"
    assert shown(committee, "2")["parties"][0]["sex"] == "female"


@SQLITE
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_field_keyed_twice_is_refused_in_one_line(committee: Cli, tmp_path: Path, lang: str,
                                                    terminal: bool) -> None:
    record = example()
    record["当事人"][0]["name"] = "张三"
    path = tmp_path / "案件.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    r = committee("--lang", lang, "case", "new", "--file", str(path), terminal=terminal,
                  env={"COLUMNS": "80"})
    assert r.code == 1 and r.out == "" and "Traceback" not in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    said = {"zh": "案件.json：第1位当事人：“姓名”和“name”是同一项（姓名），只能写一个",
            "en": "案件.json: party 1: '姓名' and 'name' are the same field (name): give it once"}
    assert said[lang] in r.err, r.err
    assert ok(committee("case", "list", "--json")).out.strip() in ("[]", "")


def test_the_docs_name_every_field_as_the_program_does() -> None:
    for model in (CaseIn, PartyIn):
        for code in model.model_fields:
            assert f"| `{code}` | {recordkeys.label(code)} |" in DOC, code
    for inner in (GuardianIn, RepresentativeIn):
        for code in inner.model_fields:
            assert f"`{code}` {recordkeys.label(code)}" in DOC, code
    assert "mediation/core/recordkeys.py" in DOC


@SQLITE
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lead_is_accepted_with_a_chinese_keyed_file(committee: Cli, tmp_path: Path,
                                                      lang: str) -> None:
    """The lead fills in what the file leaves out (来源, 简要案情 …); a field the file gives in
    Chinese is the file's, not keyed twice beside the lead's."""
    ok(committee("--lang", lang, "lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水"))
    record = example()
    del record["来源"], record["发现纠纷时间"]
    record["简要案情"] = "卫生间漏水，天花板受损。"
    path = tmp_path / "线索案件.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    ok(committee("--lang", lang, "lead", "accept", "1", "-f", str(path)))
    case = shown(committee, "1")
    assert case["source"] == "grid" and case["summary"] == "卫生间漏水，天花板受损。", case
