"""`report quarterly` (季报) and `report yearly` (年报) on the demo database (a clerk's trial, issue
14): without a period, the last complete quarter or year in the committee's calendar, written to
季报-2026Q3.xlsx / 年报-2025.xlsx (quarterly-… / yearly-… under en), owner-only, the period's name
in the title; every written form of a quarter and a year; and the sheet's figures are those of
`stats` for the same period, row by row."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from mediation.core import categories, periods
from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result

Cli = Callable[..., Result]
KINDS = ("suicide", "civil_to_criminal", "group_petition", "group_fight")


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _today() -> Any:
    return DEFAULT.local_date(utcnow())  # the demo's committee keeps the default calendar


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_period_the_last_complete_quarter_and_year(
        demo: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.chdir(tmp_path)
    today = _today()
    for command, period, name in (
            ("quarterly", periods.last_quarter(today), {"zh": "季报", "en": "quarterly"}),
            ("yearly", periods.last_year(today), {"zh": "年报", "en": "yearly"})):
        assert period.end <= today
        r = demo("--lang", lang, "report", command)
        assert r.code == 0, r.err
        path = tmp_path / f"{name[lang]}-{period.label}.xlsx"
        assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert str(path) in r.out and periods.named(period, lang) in r.out, r.out
        ws: Any = load_workbook(path).active
        assert ws["A1"].value.endswith(f"（{periods.named(period, 'zh')}）"), ws["A1"].value
        assert ws["A2"].value == f"{period.start.isoformat()} – {period.last_day.isoformat()}"
        again = demo("--lang", lang, "report", command)
        assert again.code == 1 and "--force" in again.err and path.name in again.err


@pytest.mark.parametrize(("command", "option", "typed", "label"), [
    ("quarterly", "--quarter", "2026年第3季度", "2026Q3"),
    ("quarterly", "--quarter", "２０２６年第３季度", "2026Q3"),
    ("quarterly", "--quarter", "2026年三季度", "2026Q3"),
    ("quarterly", "--quarter", "2026Q3", "2026Q3"),
    ("yearly", "--year", "2026年", "2026"), ("yearly", "--year", "2025年度", "2025"),
    ("yearly", "--year", "2025", "2025")])
def test_every_written_form_of_a_quarter_and_a_year(
        demo: Cli, tmp_path: Path, command: str, option: str, typed: str, label: str) -> None:
    r = demo("report", command, option, typed, "--json", "--out", str(tmp_path / "r.xlsx"))
    assert r.code == 0, r.err
    assert json.loads(r.out)["period"]["label"] == label


@pytest.mark.parametrize(("command", "option", "word", "last"), [
    ("quarterly", "--quarter", "上季度", periods.last_quarter),
    ("yearly", "--year", "去年", periods.last_year)])
def test_the_word_for_the_last_one_is_the_default(
        demo: Cli, tmp_path: Path, command: str, option: str, word: str,
        last: Callable[[Any], periods.Period]) -> None:
    said = demo("report", command, option, word, "--json", "--out", str(tmp_path / "a.xlsx"))
    default = demo("report", command, "--json", "--out", str(tmp_path / "b.xlsx"))
    assert said.code == default.code == 0, (said.err, default.err)
    assert json.loads(said.out)["period"] == json.loads(default.out)["period"] == \
        last(_today()).view()
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def _row(f: dict[str, Any]) -> list[Any]:
    row = [f["accepted"], f["concluded"], f["succeeded"], f["success_rate"],
           f["agreements"]["written"], f["agreements"]["oral"], f["judicial"]["filed"],
           f["judicial"]["confirmed"], float(f["amount_yuan"])]
    for kind in KINDS:
        row += [f["prevention"][kind]["cases"], f["prevention"][kind]["persons"]]
    return row


@pytest.mark.parametrize(("command", "option", "value"), [
    ("quarterly", "--quarter", None), ("quarterly", "--quarter", "2026Q4"),
    ("yearly", "--year", "2026"), ("monthly", "--month", "2026-11")])
def test_the_sheet_says_what_stats_says(demo: Cli, tmp_path: Path, command: str, option: str,
                                        value: str | None) -> None:
    out = tmp_path / "r.xlsx"
    chosen = (option, value) if value else ()
    r = demo("report", command, *chosen, "--json", "--out", str(out))
    assert r.code == 0, r.err
    label = json.loads(r.out)["period"]["label"]
    total = json.loads(demo("stats", option, label, "--json").out)
    groups = {g["key"]: g for g in json.loads(
        demo("stats", option, label, "--by", "category", "--json").out)["groups"]}
    assert total["period"]["label"] == label
    ws: Any = load_workbook(out).active
    codes = [c.code for c in categories.reporting_categories()]
    rows = [[c.value for c in cells] for cells in
            ws.iter_rows(min_row=5, max_row=20, min_col=3, max_col=19)]
    zero = _row(json.loads(demo("stats", "--from", "1990-01-01", "--to", "1990-01-01",
                                "--json").out))
    for code, row in zip(codes, rows[:15], strict=True):
        assert row == pytest.approx(_row(groups[code]) if code in groups else zero), code
    assert rows[15] == pytest.approx(_row(total))
    if value == "2026Q4":
        assert total["accepted"] > 0  # the demo's cases are in it: a test that can fail
