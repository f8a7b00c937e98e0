"""The district's view end to end (issue 17): `stats --district` for the district
administrator and the Bureau of Justice's viewer, in both languages, at 80 columns and piped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.lines import width
from tests.conftest import Result, case_record

BUREAU = {"MEDIATION_USER": "zhaoju"}


def district(cli: Callable[..., Result], tmp_path: Path) -> None:
    """The Bureau (administrator qu, viewer zhaoju) and two committees: 龙 with three cases (one
    accepted, then agreed) and a zero report, 望 with one case."""
    def ok(*args: str, user: str = "qu") -> Result:
        r = cli(*args, env={"MEDIATION_USER": user})
        assert r.code == 0, (args, r.err)
        return r

    ok("init", "--no-login", "--committee", "岳麓区司法局", "--prefix", "岳", "--admin")
    ok("committee", "add", "--name", "龙王港社区人民调解委员会", "--prefix", "龙",
       "--director", "wangfang", "--no-login")
    ok("committee", "add", "--name", "望月湖社区人民调解委员会", "--prefix", "望",
       "--director", "zhouli", "--no-login")
    ok("staff", "add", "zhaoju", "--name", "赵局", "--role", "district_viewer",
       "--no-password")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record(), ensure_ascii=False), "utf-8")
    for user in ("wangfang", "wangfang", "wangfang", "zhouli"):
        ok("case", "new", "-f", str(path), "--force", user=user)
    ok("case", "accept", "1", user="wangfang")
    ok("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified", user="wangfang")
    ok("case", "session", "1", "--minutes", "双方陈述", user="wangfang")
    ok("case", "agree", "1", "--terms", "赔偿500元", user="wangfang")
    ok("sweep", "record", "--area", "桐梓坡小区", "--by", "李明", "--found", "0", user="wangfang")


def _year() -> str:
    from mediation.core.clock import local_date, utcnow

    return str(local_date(utcnow()).year)


def _no_personal_data(text: str) -> None:
    record = case_record()
    for p in record["parties"]:
        for field in ("name", "id_number", "phone", "address"):
            assert p[field] not in text, field
    assert record["summary"] not in text and "赔偿500元" not in text and "李明" not in text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_district_figures_in_json(cli: Callable[..., Result], tmp_path: Path) -> None:
    district(cli, tmp_path)
    r = cli("stats", "--district", "--year", _year(), "--json", env=BUREAU)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["suppressed"] is True
    assert [c["prefix"] for c in doc["committees"]] == ["龙", "望"]  # not the Bureau's entry
    assert doc["committees"][0]["intake"] == "<5" and doc["total"]["intake"] == "<5"
    assert doc["committees"][0]["sweeps"] == {"sweeps": 1, "zero_reports": 1,
                                              "disputes_found": 0}
    _no_personal_data(r.out)
    r = cli("stats", "--district", "--year", _year(), "--json", "--no-suppress-small",
            env={"MEDIATION_USER": "qu"})
    doc = json.loads(r.out)
    assert doc["suppressed"] is False
    assert [c["intake"] for c in doc["committees"]] == [3, 1]
    assert doc["total"]["intake"] == 4 and doc["total"]["succeeded"] == 1
    assert doc["total"]["concluded"] == 1 and doc["total"]["success_rate"] == 1.0
    assert doc["committees"][1]["success_rate"] is None
    _no_personal_data(r.out)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_piped_rows_and_refusals(cli: Callable[..., Result], tmp_path: Path) -> None:
    district(cli, tmp_path)
    r = cli("stats", "--district", "--year", _year(), "--no-suppress-small", env=BUREAU)
    assert r.code == 0, r.err
    period, labels, *lines = r.out.splitlines()  # the period and the columns' labels first
    assert _year() in period and "\t" not in period
    assert labels.split("\t")[:3] == ["Committee", "Intake", "Accepted"]
    rows = [line.split("\t") for line in lines]
    assert [row[0] for row in rows] == ["龙", "望", "*"]
    assert [row[1] for row in rows] == ["3", "1", "4"]
    assert all(len(row) == 9 for row in rows)
    # The committees' own staff see their own statistics, never the district's.
    refused = cli("stats", "--district", env={"MEDIATION_USER": "wangfang"})
    assert refused.code == 1
    assert "(director) may not " in refused.err
    assert "(permission: district.read)" in refused.err
    # And the Bureau's viewer nothing of a committee's own.
    assert cli("stats", env=BUREAU).code == 1
    assert cli("case", "list", env=BUREAU).code == 1
    usage = cli("stats", "--district", "--by", "category", env=BUREAU)
    assert usage.code == 2 and "--by" in usage.err


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_fits_80_columns(cli: Callable[..., Result], tmp_path: Path,
                                   lang: str) -> None:
    district(cli, tmp_path)
    r = cli("--lang", lang, "stats", "--district", "--year", _year(), "--format", "table",
            env={**BUREAU, "COLUMNS": "80"})
    assert r.code == 0, r.err
    assert all(width(line) <= 80 for line in r.out.splitlines()), r.out
    assert "龙王港社区调委会" in r.out and "望月湖社区调委会" in r.out
    assert ("全区合计" if lang == "zh" else "District total") in r.out
    assert ("调解成功率" if lang == "zh" else "Success rate") in r.out
    assert "<5" in r.out
    _no_personal_data(r.out)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_by_quarter_and_year(cli: Callable[..., Result], tmp_path: Path,
                                     lang: str) -> None:
    from openpyxl import load_workbook

    district(cli, tmp_path)
    year = _year()
    out = tmp_path / "d.xlsx"
    r = cli("--lang", lang, "report", "yearly", "--year", year, "--district", "--out", str(out),
            "--head", "张局长", "--form-no", "司调统1表", "--reported", "2026-12-31", env=BUREAU)
    assert r.code == 0, r.err
    ws: Any = load_workbook(out).active
    assert [ws.cell(row=r, column=2).value for r in (6, 7)] == [
        "龙王港社区人民调解委员会", "望月湖社区人民调解委员会"]
    assert ws.cell(row=8, column=3).value == 1  # the zero report's sweep
    assert ws.cell(row=8, column=8).value == 1  # one succeeded in the district
    _no_personal_data("\n".join(str(c.value) for row in ws.iter_rows() for c in row))
    # Quarterly and yearly for a committee's own report too.
    for command, option, value in (("quarterly", "--quarter", f"{year}Q4"),
                                   ("yearly", "--year", year)):
        own = tmp_path / f"{command}.xlsx"
        r = cli("--lang", lang, "report", command, option, value, "--out", str(own), "--json",
                env={"MEDIATION_USER": "wangfang"})
        assert r.code == 0, r.err
        ws = load_workbook(own).active
        assert ws is not None
        title = ws["A1"].value
        # The sheet's own language is Chinese unless its --lang says otherwise.
        assert title.endswith(f"（{year}年第4季度）" if command == "quarterly"
                              else f"（{year}年）"), title
    r = cli("report", "yearly", "--out", str(tmp_path / "x.xlsx"), "--head", "张局长",
            env={"MEDIATION_USER": "wangfang"})
    assert r.code == 2 and "--head" in r.err and not (tmp_path / "x.xlsx").exists()
    r = cli("report", "yearly", "--district", "--out", str(tmp_path / "x.xlsx"),
            env={"MEDIATION_USER": "wangfang"})
    assert r.code == 1 and "district.read" in r.err and not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_same_party_open_in_another_committee(cli: Callable[..., Result],
                                                  tmp_path: Path) -> None:
    """Cross-committee duplicates (issue 17): found by the ID numbers' keyed hashes among the
    other committees' open cases; the director sees committee and number only, a mediator only
    that one exists; never a refusal; the committee's log holds the count, not the numbers."""
    district(cli, tmp_path)  # 龙 holds cases 1-3 (open), 望 case 4, all with the same parties
    path = tmp_path / "case.json"
    r = cli("case", "new", "-f", str(path), "--force", "--json", env={"MEDIATION_USER": "zhouli"})
    assert r.code == 0, r.err
    seen = json.loads(r.out)["elsewhere"]
    assert seen["count"] == 3
    assert [c["number"][-5:] for c in seen["cases"]] == ["调字第1号", "调字第2号", "调字第3号"]
    assert {c["committee"] for c in seen["cases"]} == {"龙王港社区人民调解委员会"}
    assert set(seen["cases"][0]) == {"committee", "number"}  # nothing of the case itself
    # A mediator of 望 is told that one exists, not where.
    assert cli("staff", "add", "zhoum", "--name", "周明", "--role", "mediator",
               "--no-password", env={"MEDIATION_USER": "zhouli"}).code == 0
    for lang, notice in (("zh", "主任可在 case show 中查看"), ("en", "the director can see")):
        r = cli("--lang", lang, "case", "new", "-f", str(path), "--force",
                env={"MEDIATION_USER": "zhoum"})
        assert r.code == 0, r.err
        assert notice in r.err and "龙人调字" not in r.out + r.err
    # A party without an ID number matches nobody elsewhere; a declined case no longer counts.
    record = case_record()
    for p in record["parties"]:
        p.pop("id_number")
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    r = cli("case", "new", "-f", str(path), "--force", "--json", env={"MEDIATION_USER": "zhouli"})
    assert json.loads(r.out)["elsewhere"] is None
    assert cli("case", "decline", "2", "--reason", "party_refuses", "--advice", "去法院",
               env={"MEDIATION_USER": "wangfang"}).code == 0
    # case show: 龙's director sees 望's open cases with the same party, 龙's mediator nothing.
    shown = json.loads(cli("case", "show", "1", "--json", env={"MEDIATION_USER": "wangfang"}).out)
    assert {c["committee"] for c in shown["elsewhere"]} == {"望月湖社区人民调解委员会"}
    assert len(shown["elsewhere"]) == 4  # 望's cases with ID numbers
    text = cli("--lang", "zh", "case", "show", "1", env={"MEDIATION_USER": "wangfang"}).out
    assert "其他调委会" in text and "望人调字第1号" in text
    shown = json.loads(cli("case", "show", "5", "--json", env={"MEDIATION_USER": "zhouli"}).out)
    assert [c["number"][-5:] for c in shown["elsewhere"]] == ["调字第1号", "调字第3号"]
    assert cli("staff", "add", "xiaoli", "--name", "小李", "--role", "mediator",
               "--no-password", env={"MEDIATION_USER": "wangfang"}).code == 0
    assert cli("case", "assign", "1", "--mediator", "xiaoli",
               env={"MEDIATION_USER": "wangfang"}).code == 0
    shown = json.loads(cli("case", "show", "1", "--json", env={"MEDIATION_USER": "xiaoli"}).out)
    assert shown["elsewhere"] is None
    # 望's log: a duplicate_elsewhere event with the count, never 龙's numbers.
    log = cli("audit", "log", "--all", "--json", env={"MEDIATION_USER": "zhouli"}).out
    events = [e for e in json.loads(log) if e["action"] == "duplicate_elsewhere"]
    assert len(events) == 4  # 望's first case in the setup, then three here
    assert {e["changes"]["count"][1] for e in events} == {3}
    assert "龙人调字" not in log
