"""`mediation stats`, `report monthly` and `export nightly` end to end, in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

CONTRACT = ["period", "intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
            "succeeded", "success_rate", "success_rate_ci95", "intervals", "overdue", "groups"]
ALL_TIME = ("--from", "2020-01-01")


@pytest.fixture
def demo(cli: Callable[..., Any], demo_of: Callable[..., None]) -> Callable[..., Any]:
    demo_of()
    return cli


def test_json_contract(demo: Callable[..., Any]) -> None:
    r = demo("stats", *ALL_TIME, "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert list(doc)[:len(CONTRACT)] == CONTRACT
    assert doc["groups"] is None
    assert doc["concluded"] == doc["succeeded"] + doc["terminated"] > 0
    low, high = doc["success_rate_ci95"]
    assert low <= doc["success_rate"] <= high
    assert set(doc["intervals"]) == {"discovered_to_accepted", "accepted_to_concluded",
                                     "concluded_to_confirmed", "confirmed_to_feedback", "whole"}
    assert set(doc["intervals"]["whole"]) == {"n", "median_days", "p90_days"}
    r = demo("stats", *ALL_TIME, "--by", "category", "--json")
    groups = json.loads(r.out)["groups"]
    assert groups and all(set(CONTRACT[1:-1]) <= set(g) and "key" in g for g in groups)
    assert sum(g["intake"] for g in groups) == doc["intake"]


def test_empty_period_has_a_null_rate(demo: Callable[..., Any]) -> None:
    doc = json.loads(demo("stats", "--year", "2021", "--json").out)
    assert doc["concluded"] == 0
    assert doc["success_rate"] is None and doc["success_rate_ci95"] is None
    r = demo("stats", "2021", "--format", "table")
    assert r.code == 0 and "denominator is 0" in r.out


def test_suppress_small(demo: Callable[..., Any]) -> None:
    doc = json.loads(demo("stats", *ALL_TIME, "--json", "--suppress-small").out)
    plain = json.loads(demo("stats", *ALL_TIME, "--json").out)
    for key in ("intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
                "succeeded"):
        want = "<5" if 0 < plain[key] < 5 else plain[key]
        assert doc[key] == want, key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_human_view_names_the_denominator(demo: Callable[..., Any], lang: str) -> None:
    r = demo("--lang", lang, "stats", *ALL_TIME, "--by", "month", "--format", "table")
    assert r.code == 0, r.err
    if lang == "en":
        assert "concluded (agreements + terminations after acceptance" in r.out
        assert "95% Wilson interval" in r.out and "Last 12 months" in r.out
    else:
        assert "调解结案" in r.out and "95% 置信区间（威尔逊法）" in r.out and "近12个月" in r.out


def test_errors_are_one_clean_line(demo: Callable[..., Any]) -> None:
    r = demo("stats", "--month", "2026-13")
    assert r.code == 2 and "2026-13" in r.err and "Traceback" not in r.err
    r = demo("stats", "--month", "2026-11", "--year", "2026")
    assert r.code == 2 and "one period" in r.err
    r = demo("--lang", "zh", "stats", "--by", "street")
    assert r.code == 2 and "--by" in r.err and "调解员" in r.err  # a usage error, named values
    r = demo("stats", "--json", env={"MEDIATION_USER": "liming"})
    assert r.code == 1 and "stats.read" in r.err
    r = demo("stats", "--json", env={"MEDIATION_USER": "chenjing"})  # a clerk may
    assert r.code == 0


def test_report_monthly(demo: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    r = demo("report", "monthly", "--month", "2026-11", "--out", str(out))
    assert r.code == 0, r.err
    ws = load_workbook(out).active
    assert ws is not None
    assert ws.cell(row=3, column=3).value == "受理数（件）"
    r = demo("report", "monthly", "--month", "2026-11", "--out", str(out), "--lang", "en",
             "--json", "--force")
    assert r.code == 0, r.err
    assert json.loads(r.out)["rows"] == 15
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.cell(row=20, column=2).value == "Total"
    r = demo("report", "monthly", "--out", str(tmp_path / "m.csv"))
    assert r.code == 2 and ".xlsx" in r.err
    r = demo("report", "monthly", "--out", str(out), "--force",
             env={"MEDIATION_USER": "liming"})
    assert r.code == 1 and "report.export" in r.err


def test_export_nightly(demo: Callable[..., Any], tmp_path: Path) -> None:
    r = demo("export", "nightly", "--out", str(tmp_path), "--date", "2026-11-20", "--json")
    assert r.code == 0, r.err
    manifest = json.loads(r.out)
    assert manifest["rows"]["cases.csv"] >= 1
    assert (tmp_path / "2026-11-20" / "manifest.json").exists()
    assert "export: cases.csv: done" in r.err  # plain log lines when not on a terminal
    r = demo("--lang", "zh", "export", "nightly", "--out", str(tmp_path), "--date", "2026-11-20")
    assert r.code == 1 and "已存在；如要覆盖请加 --force" in r.err  # the day exported already
    r = demo("--lang", "zh", "export", "nightly", "--out", str(tmp_path), "--date", "2026-11-20",
             "--force")
    assert r.code == 0 and "已导出" in r.out and "导出：" in r.err


def test_every_command_is_in_docs_cli() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text("utf-8")
    for heading in ("## mediation stats", "## mediation report monthly",
                    "## mediation export nightly"):
        assert heading + "\n" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_piped_stats_say_the_period_and_label_their_columns(demo: Callable[..., Any],
                                                            lang: str) -> None:
    """A clerk's `stats | cat` (issue 14): the period first, each table's column labels (and
    the title of the ones after the first) before its rows; the sentences on standard error."""
    zh = lang == "zh"
    r = demo("--lang", lang, "stats", "--year", "2026", "--by", "category",
             env={"COLUMNS": "80"})
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == ("统计 2026年（2026-01-01 至 2026-12-31）" if zh else
                        "Statistics 2026 (2026-01-01 – 2026-12-31)")
    assert lines[1] == ("指标\t数值" if zh else "Figure\tValue")
    assert ("环节\t案件\t中位数\t90百分位" if zh else
            "Step\tCases\tMedian\t90th percentile") in lines
    by = lines.index("按类别分组" if zh else "By category")
    assert lines[by + 1].startswith("分组\t登记" if zh else "Group\tIntake")
    assert ("调解成功率" if zh else "Success rate") in r.err
    figures = dict(line.split("\t") for line in lines[2:by] if line.count("\t") == 1)
    assert figures["登记数" if zh else "Intake (registered)"] == "9"
    as_csv = demo("--lang", lang, "stats", "--year", "2026", "--format", "csv").out.splitlines()
    assert as_csv[0] == lines[0] and as_csv[1] == lines[1].replace("\t", ",")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_nightly_help_names_exactly_the_files_written(demo: Callable[..., Any], tmp_path: Path,
                                                      lang: str) -> None:
    """Issue 14: the help listed 月报.xlsx (the file is monthly-YYYY-MM.xlsx) and not
    corrections.csv; --force spoke of a file where the day's folder is overwritten. The help
    (piped and at 80 columns) now lists the files from the one place that names them."""
    import re

    for columns in ("80", "200"):
        r = demo("--lang", lang, "export", "nightly", "--help", env={"COLUMNS": columns})
        assert r.code == 0, r.err
        text = " ".join(r.out.split())
        listed = set(re.findall(r"[\w-]+\.(?:csv|json|xlsx|png)", text))
        # the column dictionary is named in the export's language: 字段说明.csv under zh
        assert ("字段说明.csv" if lang == "zh" else "columns.csv") in listed, text
        r = demo("--lang", lang, "export", "nightly", "--out", str(tmp_path), "--date",
                 "2026-11-20", "--force")
        assert r.code == 0, r.err
        written = {p.name for p in (tmp_path / "2026-11-20").iterdir()}
        assert {n.replace("YYYY-MM", "2026-11") for n in listed} == written, (listed, written)
        assert "monthly-YYYY-MM.xlsx" in listed and "月报" not in text
        force = text[text.index("--force "):]
        assert ("文件夹" in force.split("--json")[0] and "文件，" not in force.split("--json")[0]
                if lang == "zh" else "folder" in force.split("--json")[0])
