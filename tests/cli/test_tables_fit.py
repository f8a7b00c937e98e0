"""Every table the CLI prints fits an 80-column terminal without splitting a cell that is not
prose (a name, a state, a number, a date), and in a pipe is plain tab-separated rows; both
languages (issue 14). Every table goes through cli.tables.emit_rows, which the test watches to
know each table's columns and rows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli import render, tables
from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]
Shown = tuple[list[tables.Column], list[list[str]], str, bool]

# Every command that prints a table, with what it needs in the demo committee.
TABLES: list[tuple[str, ...]] = [
    ("case", "list"), ("case", "list", "--all"), ("staff", "list"), ("token", "list"),
    ("workflow", "table"), ("templates", "list"), ("sweep", "list"), ("lead", "list"),
    ("stats", "--year", "2026", "--by", "category", "--no-chart"),
    ("stats", "--year", "2026", "--by", "mediator", "--no-chart"),
    ("stats", "--year", "2026", "--by", "source", "--no-chart"),
    ("case", "search", "调解"),
]
# Views that are not tables (lines per item) but must fit 80 columns all the same.
LINES: list[tuple[str, ...]] = [("agenda", "--committee", "--format", "table"),
                                ("audit", "log", "--limit", "30"), ("case", "history", "4"),
                                ("case", "show", "4"), ("workflow", "diagram")]
# Tables printed beside other text, on a terminal only (no --format).
TERMINAL_ONLY: list[tuple[str, ...]] = [("case", "show", "3")]


@dataclass
class Watch:
    shown: list[Shown]


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watch]:
    seen = Watch([])
    real = tables.emit_rows

    def spy(columns: list[tables.Column], rows: list[list[str]], fmt: str,
            **kw: Any) -> None:
        seen.shown.append((columns, rows, fmt, bool(kw.get("header"))))
        real(columns, rows, fmt, **kw)

    monkeypatch.setattr(tables, "emit_rows", spy)
    monkeypatch.setattr(render, "emit_rows", spy)
    yield seen


@pytest.fixture
def desk(cli: Cli, demo_of: Callable[..., None], tmp_path: Path) -> Cli:
    demo_of("--cases", "40")
    for found in ("0", "3"):
        assert cli("sweep", "record", "--area", "桐梓坡路社区第三网格（含商铺和沿街门面）",
                   "--by", "李明、网格员王强", "--found", found, "--note",
                   "沿街商铺噪音与占道经营问题较多，已登记并转交有关部门处理").code == 0
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen",
               "楼上漏水，两户因维修费用分担问题多次争吵，已有推搡", "--risk", "medium",
               "--cell", "龙王港-03", "--parties", "张三、李四").code == 0
    made = cli("token", "create", "chenjing", "--days", "9", "--out", str(tmp_path / "t"))
    assert made.code == 0, made.err
    return cli


def _plain(out: str) -> str:
    """Terminal output without its styles (bold)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", out)


def _fits(out: str, shown: list[Shown]) -> None:
    """No line wider than 80; every cell of a kept column that is not elastic appears whole
    on one line (each of its lines, for a cell of several lines)."""
    lines = out.splitlines()
    assert max(width(line) for line in lines) <= 80, out
    for columns, rows, fmt, _header in shown:
        assert fmt == "table"
        kept, cells = tables.fitted(columns, rows, 80)
        assert kept[0] == columns[0]  # the first column (the identifier) is always kept
        for row in cells:
            for column, cell in zip(kept, row, strict=True):
                if column.elastic:
                    continue
                for part in cell.split("\n"):
                    assert any(part.strip() in line for line in lines), (column.header, part)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_fits_80_columns_and_pipes_as_tab_separated_rows(
        desk: Cli, watch: Watch, lang: str) -> None:
    for command in TABLES:
        watch.shown.clear()
        table = desk("--lang", lang, *command, "--format", "table", env={"COLUMNS": "80"})
        assert table.code == 0, (command, table.err)
        assert watch.shown and all(rows for _c, rows, _f, _h in watch.shown), command
        _fits(table.out, watch.shown)

        watch.shown.clear()
        piped = desk("--lang", lang, *command, env={"COLUMNS": "80"})  # not a terminal here
        assert piped.code == 0, (command, piped.err)
        # a table of figures (stats) labels its columns, after its title and the period
        expected = [row for c, rows, _f, header in watch.shown
                    for row in ([[x.header for x in c]] if header else []) + rows]
        got = [line.split("\t") for line in piped.out.splitlines() if "\t" in line]
        assert len(got) == len(expected), command
        assert [len(r) for r in got] == [len(r) for r in expected], command
        assert all(fmt == "tsv" for _c, _r, fmt, _h in watch.shown)

        as_csv = desk("--lang", lang, *command, "--format", "csv")
        assert as_csv.code == 0 and len(as_csv.out.splitlines()) >= len(expected) + 1
        as_json = desk("--lang", lang, *command, "--format", "json")
        assert as_json.code == 0, (command, as_json.err)
        json.loads(as_json.out)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_beside_other_text_fit_80_columns(desk: Cli, watch: Watch, lang: str) -> None:
    for command in TERMINAL_ONLY:
        watch.shown.clear()
        shown = desk("--lang", lang, *command, env={"COLUMNS": "80"}, terminal=True)
        assert shown.code == 0, shown.err
        _fits(_plain(shown.out), watch.shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_other_views_fit_80_columns(desk: Cli, lang: str) -> None:
    for command in LINES:
        shown = desk("--lang", lang, *command, env={"COLUMNS": "80"}, terminal=True)
        assert shown.code == 0, (command, shown.err)
        text = _plain(shown.out)
        assert text.strip(), command
        assert max(width(line) for line in text.splitlines()) <= 80, (command, text)


def test_a_pipe_greps_a_name(desk: Cli) -> None:
    piped = desk("--lang", "zh", "staff", "list")
    assert [line.split("\t")[:2] for line in piped.out.splitlines()
            if "李明" in line] == [["liming", "李明"]]
    assert desk("staff", "list", "--format", "yaml").code == 2


def test_the_committee_list_fits(cli: Cli, watch: Watch, monkeypatch: pytest.MonkeyPatch,
                                 tmp_path: Path) -> None:
    monkeypatch.setenv("MEDIATION_SESSION_FILE", str(tmp_path / "session.json"))
    admin = {"MEDIATION_USER": ""}
    assert cli("init", "--committee", "岳麓区司法局", "--prefix", "岳", "--admin",
               "--password-stdin", env={"MEDIATION_USER": "qu"}, input="district-pw\n").code == 0
    assert cli("login", "qu", "--password-stdin", input="district-pw\n", env=admin).code == 0
    assert cli("committee", "add", "--name", "岳麓区望月湖街道桐梓坡路社区人民调解委员会",
               "--prefix", "龙", "--director", "wangfang", "--director-name", "王芳").code == 0
    for lang in ("zh", "en"):
        watch.shown.clear()
        table = cli("--lang", lang, "committee", "list", "--format", "table",
                    env={"COLUMNS": "80"})
        assert table.code == 0, table.err
        _fits(table.out, watch.shown)
        piped = cli("--lang", lang, "committee", "list")
        assert [len(line.split("\t")) for line in piped.out.splitlines()] == [6, 6]
        watch.shown.clear()
        district = cli("--lang", lang, "stats", "--district", "--format", "table",
                       env={"COLUMNS": "80"})
        assert district.code == 0, district.err
        _fits(district.out, watch.shown)


def test_a_flexible_cell_leaves_a_name_out_whole() -> None:
    assert tables.shorten("陈明 与 龙王港小区物业服务中心", 20) == "陈明 与…"
    assert tables.shorten("张三 与 李四、王五", 16) == "张三 与 李四…"
    assert tables.shorten("张三 与 李四", 40) == "张三 与 李四"
    assert tables.shorten("龙王港小区物业服务中心", 9) == "龙王港小…"  # wider than the column
