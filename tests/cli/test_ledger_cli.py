"""Issue 14 (a clerk's trial): ``case import 台账.csv`` printed one JSON error per row, then a
refusal. A spreadsheet or a document given where JSON is asked for is told so in one line,
before any line is read as JSON, by the one rule of mediation/core/filekinds.py; nothing is
written. zh and en, piped and at 80 columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import filekinds
from tests.conftest import Result

Cli = Callable[..., Result]
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LEDGER = ("案件编号,申请人姓名,被申请人姓名,纠纷类别\n1,张三,李四,邻里纠纷\n"
          "2,王五,赵六,婚姻家庭纠纷\n")


@pytest.fixture
def committee(cli: Cli) -> Cli:
    r = cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
            "--director-name", "王芳")
    assert r.code == 0, r.err
    return cli


def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, data in {"台账.csv": LEDGER.encode("gb18030"), "台账.tsv": LEDGER.replace(
            ",", "\t").encode(), "台账.txt": LEDGER.encode(), "台账.jsonl": LEDGER.encode(),
            "台账.xlsx": b"PK\x03\x04" + bytes(60), "台账.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "记录.docx": b"PK\x03\x04word/document.xml"}.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    return out


KIND = {"台账.csv": "CSV", "台账.tsv": "TSV", "台账.txt": "CSV", "台账.jsonl": "CSV",
        "台账.xlsx": "Excel", "台账.xls": "Excel", "记录.docx": "Word"}


@SQLITE
@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_table_is_told_so_in_one_line(committee: Cli, tmp_path: Path, lang: str,
                                        terminal: bool) -> None:
    """case new --file refuses every table; case import reads a CSV or .xlsx ledger and
    refuses the rest (.xls, .docx, a broken .xlsx) in one line."""
    given = files(tmp_path)
    runs: list[tuple[tuple[str, ...], str]] = [
        (("case", "new", "--file"), name) for name in given]
    runs += [(("case", "import"), name) for name in ("台账.xls", "记录.docx", "台账.xlsx")]
    for command, name in runs:
        r = committee("--lang", lang, *command, str(given[name]), terminal=terminal,
                      env={"COLUMNS": "80"})
        assert r.code == 1 and "Traceback" not in r.err, (name, r.err)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1, (name, r.err)
        if name == "台账.xlsx" and command[1] == "import":  # a ZIP signature, not a workbook
            said = "无法按 .xlsx 工作簿读取" if lang == "zh" else "cannot be read as an .xlsx"
        else:
            said = (f"{name} 是 {KIND[name]} 文件；" if lang == "zh"
                    else f"{name}: a {KIND[name]} file, not JSON")
        assert said in lines[0], lines
        assert "JSON 格式错误" not in r.err and "第 1 行" not in r.err
        if lang == "zh" and command[1] == "new":
            assert "台账请用 case import 导入" in lines[0]
        elif lang == "zh" and name != "台账.xlsx":
            assert "请另存为 .xlsx 或 CSV" in lines[0]
    listed = committee("case", "list", "--json")
    assert listed.code == 0 and listed.out.strip() == "[]", listed.out


def test_json_is_never_taken_for_a_table() -> None:
    for text in ('{"纠纷类别": "邻里纠纷", "当事人": [{"姓名": "张三"}]}\n',
                 '\n  {\n  "category": "neighbour",\n', "[1, 2]\n", ""):
        for codec in ("utf-8", "utf-8-sig", "gb18030"):
            assert filekinds.kind_of("cases.jsonl", text.encode(codec)) is None


@given(st.lists(st.text(st.characters(blacklist_characters="\r\n,\t{[\x1c\x1d\x1e\x85"
                                       "\u2028\u2029\x0b\x0c，"),
                        min_size=1, max_size=8), min_size=2, max_size=6),
       st.sampled_from([",", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_every_header_line_is_a_table(cells: list[str], sep: str, codec: str) -> None:
    """Any header of two or more cells, in any of the encodings a clerk's file comes in."""
    head = (sep.join(cells) + "\n").encode(codec, "replace")
    assert filekinds.kind_of("cases.jsonl", head) == ("TSV" if sep == "\t" else "CSV")
