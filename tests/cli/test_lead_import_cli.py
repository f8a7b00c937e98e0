"""`lead import` (issue 17): a grid platform's CSV or JSON export, every line checked as
`lead report` checks it, one line per fault, nothing written on any; both languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

CSV = ("地点,情况,网格,当事人,发现时间,风险\n"
       "桐梓坡路8栋,楼上漏水两户争吵，住户13812345678反映,龙王港-03,张三、李四,"
       "2026-11-29 09:30,中\n"
       "\n"
       "望月湖小区2栋,噪音纠纷 身份证430104198003120014,龙王港-04,,"
       "2026/11/28 20:00,low\n")


def _setup(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix",
               "龙").code == 0
    for user, name, role in (("liming", "李明", "mediator"), ("wangqiang", "王强", "grid_worker"),
                             ("sunli", "孙力", "auditor")):
        assert cli("staff", "add", user, "--name", name, "--role", role).code == 0


def _leads(cli: Callable[..., Result]) -> list[dict[str, object]]:
    r = cli("lead", "list", "--json", env={"MEDIATION_USER": "wangfang"})
    assert r.code == 0, r.err
    rows: list[dict[str, object]] = json.loads(r.out)
    return rows


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_platform_export_in_csv_and_json(cli: Callable[..., Result], tmp_path: Path,
                                           lang: str) -> None:
    _setup(cli)
    path = tmp_path / "网格线索.csv"
    path.write_bytes(CSV.encode("gb18030"))  # a spreadsheet saved in the Chinese encoding
    r = cli("--lang", lang, "lead", "import", str(path), env={"MEDIATION_USER": "wangqiang"})
    assert r.code == 0, r.err
    assert ("已从" if lang == "zh" else "Imported 2 leads") in r.out
    assert "GB18030" in r.err  # said, not guessed silently
    rows = _leads(cli)
    assert [row["place"] for row in rows] == ["望月湖小区2栋", "桐梓坡路8栋"]
    assert {row["reported_by"] for row in rows} == {"wangqiang"}
    assert rows[1]["risk"] == "medium" and rows[1]["found_at"] == "2026-11-29T01:30:00Z"
    text = json.dumps(rows, ensure_ascii=False)
    assert "13812345678" not in text and "430104198003120014" not in text  # scrubbed
    assert "138****5678" in text
    # JSON, with English keys; a director names the grid worker who found it.
    doc = tmp_path / "platform.json"
    doc.write_text(json.dumps([{"place": "岳麓大道1号", "seen": "物业纠纷", "risk": "high",
                                "reporter": "wangqiang", "found": "2026-11-30 08:00"}],
                              ensure_ascii=False), "utf-8")
    r = cli("lead", "import", str(doc), "--json", env={"MEDIATION_USER": "wangfang"})
    assert r.code == 0, r.err
    assert json.loads(r.out)["imported"] == 1
    assert _leads(cli)[0]["reported_by"] == "wangqiang"
    mine = json.loads(cli("lead", "list", "--mine", "--json",
                          env={"MEDIATION_USER": "wangqiang"}).out)
    assert len(mine) == 3
    log = json.loads(cli("audit", "log", "--all", "--json",
                         env={"MEDIATION_USER": "wangfang"}).out)
    assert sum(1 for e in log if e["action"] == "lead_report") == 3


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_fault_one_line_and_nothing_written(cli: Callable[..., Result], tmp_path: Path,
                                                  lang: str) -> None:
    _setup(cli)
    bad = tmp_path / "bad.csv"
    bad.write_text("place,seen,found,risk,reporter\n"
                   ",楼上漏水,2026-11-29 09:30,medium,\n"
                   "桐梓坡路8栋,两户争吵,2026-11-29 09:30,low,\n"
                   "桐梓坡路8栋,,2999-01-01 10:00,extreme,nobody\n", "utf-8")
    events = len(json.loads(cli("audit", "log", "--all", "--json").out))
    r = cli("--lang", lang, "lead", "import", str(bad), env={"MEDIATION_USER": "wangfang"})
    assert r.code == 1, r.out
    lines = r.err.strip().splitlines()
    assert len(lines) == 6  # five faults and the summary
    assert all(line.startswith("bad.csv") for line in lines[:5])
    assert ("第 2 行" if lang == "zh" else "line 2") in lines[0]
    assert sum(("第 4 行" if lang == "zh" else "line 4") in line for line in lines) == 4
    assert "Traceback" not in r.err
    assert _leads(cli) == []
    assert len(json.loads(cli("audit", "log", "--all", "--json",
                              env={"MEDIATION_USER": "wangfang"}).out)) == events
    # A grid worker imports their own reports only.
    mine = tmp_path / "mine.csv"
    mine.write_text("place,seen,reporter\n桐梓坡路8栋,两户争吵,liming\n", "utf-8")
    r = cli("--lang", lang, "lead", "import", str(mine), env={"MEDIATION_USER": "wangqiang"})
    assert r.code == 1 and "liming" in r.err and _leads(cli) == []
    # Files that are not a list of leads: one line, exit 1.
    for name, content in (("unknown.csv", "place,seen,colour\n桐梓坡,争吵,red\n"),
                          ("empty.csv", ""), ("object.json", '{"place": "x"}'),
                          ("broken.json", "[{"), ("twice.csv", "place,地点,seen\na,b,c\n")):
        f = tmp_path / name
        f.write_text(content, "utf-8")
        r = cli("--lang", lang, "lead", "import", str(f), env={"MEDIATION_USER": "wangfang"})
        assert r.code == 1, (name, r.err)
        assert len(r.err.strip().splitlines()) == 1 and name in r.err, (name, r.err)
    assert cli("lead", "import", str(tmp_path / "missing.csv")).code == 1
    # Who may: an auditor may not.
    r = cli("lead", "import", str(bad), env={"MEDIATION_USER": "sunli"})
    assert r.code == 1 and "lead.report" in r.err
