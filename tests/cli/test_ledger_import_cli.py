"""Issue 14 (a clerk's trial): ``case import 台账.csv`` / ``台账.xlsx`` reads a clerk's ledger,
one case per row, headers by the fields' Chinese names or codes (mediation/ledger.py, through
recordkeys). docs/case-json.md's ledger imports in UTF-8 (with and without a BOM), GB18030 and
as .xlsx alike; a typo in one row refuses the ledger naming the row (第 3 行), nothing written,
personal data masked; headers refused in one line. zh and en, piped and at 80 columns."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import Result

Cli = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "case-json.md").read_text("utf-8")
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
ENV = {"COLUMNS": "80"}


def ledger() -> str:
    found = re.search(r"^```csv ledger\n(.*?)^```", DOC, re.S | re.M)
    assert found, "docs/case-json.md has no ```csv ledger block"
    return found.group(1)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def save(path: Path, text: str) -> Path:
    """The ledger as the clerk's program saves it, by the name's ending."""
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows(text):
            sheet.append([int(c) if c.isdigit() and len(c) < 6 else c or None for c in row])
        book.save(path)
    elif path.name.startswith("gb"):
        path.write_bytes(text.encode("gb18030"))
    elif path.name.startswith("bom"):
        path.write_bytes(text.encode("utf-8-sig"))
    else:
        path.write_text(text, "utf-8")
    return path


@pytest.fixture
def committee(cli: Cli) -> Cli:
    r = cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
            "--director-name", "王芳")
    assert r.code == 0, r.err
    return cli


def cases(cli: Cli) -> list[dict[str, Any]]:
    listed = json.loads(cli("case", "list", "--json").out)
    out = []
    for row in sorted(listed, key=lambda c: c["id"]):
        case = json.loads(cli("case", "show", str(row["id"]), "--json").out)
        for key in ("id", "number", "dates", "version"):
            case.pop(key, None)
        out.append(case)
    return out


@SQLITE
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_docs_ledger_imports_alike_in_every_form(
        committee: Cli, tmp_path: Path, lang: str, terminal: bool) -> None:
    forms = ("台账.csv", "bom台账.csv", "gb台账.csv", "台账.xlsx")
    for name in forms:  # --force: each form imports the same two cases again
        r = committee("--lang", lang, "case", "import", "--force",
                      str(save(tmp_path / name, ledger())), terminal=terminal, env=ENV)
        assert r.code == 0 and "Traceback" not in r.err, (name, r.err)
        assert ("已导入 2 件案件" if lang == "zh" else "Imported 2 cases") in r.out, r.out
        assert ("GB18030" in r.err) == name.startswith("gb"), r.err
    every = cases(committee)
    seen = [every[i:i + 2] for i in range(0, len(every), 2)]
    assert len(seen) == len(forms)
    assert all(s == seen[0] for s in seen), seen
    first, second = seen[0]
    assert [p["name"] for p in first["parties"]] == ["张三", "长沙市某物业服务有限公司"]
    assert first["amount"] in ("500.00", 500, "500")
    assert first["parties"][1]["representative"]["title"] == "总经理"
    assert [p["role"] for p in second["parties"]] == ["applicant", "respondent"]


@SQLITE
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_typo_in_one_row_refuses_the_ledger_naming_the_row(
        committee: Cli, tmp_path: Path, lang: str, suffix: str) -> None:
    typo = ledger().replace("婚姻家庭纠纷", "婚姻加庭纠纷").replace(
        "13900001111,,", "13900001111,430104198003120015,")
    r = committee("--lang", lang, "case", "import", str(save(tmp_path / f"台账{suffix}", typo)),
                  env=ENV)
    assert r.code == 1 and "Traceback" not in r.err, r.err
    assert ("第 3 行：" if lang == "zh" else "line 3: ") in r.err
    assert "第 2 行" not in r.err and "line 2" not in r.err
    assert "婚姻加庭纠纷" in r.err
    assert "430104198003120015" not in r.err and "13900001111" not in r.err  # masked
    assert cases(committee) == []


@SQLITE
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headers_refused_in_one_line(committee: Cli, tmp_path: Path, lang: str) -> None:
    doc = ledger()
    for text, said in [
            (doc.replace("申请人电话", "申请人电邮"),
             ("第 8 列（申请人电邮）", "column 8 (申请人电邮)")),
            (doc.replace("被申请人类型", "applicant_name"),
             ("第 7 列和第 11 列", "columns 7 and 11")),
            (doc.split("\n", 1)[1], ("第一行没有一个字段名", "the first row names no field")),
            ("\n\n", ("没有表头", "no header row"))]:
        r = committee("--lang", lang, "case", "import", str(save(tmp_path / "台账.csv", text)),
                      env=ENV)
        assert r.code == 1 and "Traceback" not in r.err, r.err
        assert len(r.err.strip().splitlines()) == 1, r.err
        assert said[lang == "en"] in r.err, r.err
        assert "430104198003120014" not in r.err and "138 1234 5678" not in r.err
    assert cases(committee) == []


@SQLITE
def test_a_value_without_a_header_refuses_its_row(committee: Cli, tmp_path: Path) -> None:
    text = "\n".join(line + (",多余" if i == 2 else "")
                     for i, line in enumerate(ledger().splitlines())) + "\n"
    r = committee("--lang", "zh", "case", "import", str(save(tmp_path / "台账.csv", text)))
    assert r.code == 1 and "第 3 行：第 14 列有内容但没有表头" in r.err, r.err
    assert cases(committee) == []
    r = committee("--lang", "zh", "case", "import", "--skip-invalid",
                  str(save(tmp_path / "台账.csv", text)))
    assert r.code == 0 and len(cases(committee)) == 1, r.err


@SQLITE
def test_common_column_names_read_as_the_fields(committee: Cli, tmp_path: Path) -> None:
    """A ledger headed as clerks head theirs (申请人身份证号, 手机, 案情, 诉求; the import
    helper's report: 申请人身份证号 was refused) imports the case its program-named ledger gives;
    so does a JSON case file keyed so."""
    from mediation.core.recordkeys import COMMON_NAMES, label

    text = ledger()
    renamed = text
    for code, names in COMMON_NAMES.items():
        renamed = renamed.replace(label(code), names[0])
    assert renamed != text and "身份证号" in renamed
    assert committee("case", "import", str(save(tmp_path / "a.csv", text))).code == 0
    done = committee("case", "import", "--force", str(save(tmp_path / "b.csv", renamed)))
    assert done.code == 0, done.err
    every = cases(committee)
    assert every[:2] == every[2:4]
