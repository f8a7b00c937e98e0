"""The monthly report sheet, read back with openpyxl; the worked example of DOMAIN.md §5."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from mediation import intake, steps
from mediation.core import categories, periods
from mediation.reporting import report, stats
from tests.conftest import Room, case_record
from tests.integration.test_export import _histories
from tests.property.stats_history import Built, build

APRIL = periods.month(2026, 4)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("report")
    return build("sqlite:///" + str(folder / "report.db"), _histories(16, seed=3))


def _sheet(built: Built, path: Path, lang: str,
           period: periods.Period = periods.year(2026)) -> tuple[dict[str, Any], Any, Any]:
    with built.uow() as uow:
        summary = report.monthly(uow, built.directors[0], period, path, lang=lang)
        figures = stats.compute(uow, built.directors[0], period)
    return summary, figures, load_workbook(path).active


def test_rows_columns_and_totals(built: Built, tmp_path: Path) -> None:
    summary, figures, ws = _sheet(built, tmp_path / "r.xlsx", "zh")
    codes = [c.code for c in categories.reporting_categories()]
    assert len(codes) == 15 and summary["rows"] == 15
    assert [ws.cell(row=r, column=1).value for r in range(5, 20)] == codes
    assert ws.cell(row=5, column=2).value == "婚姻家庭纠纷"
    assert ws.cell(row=20, column=2).value == "合计"
    assert ws.cell(row=3, column=3).value == "受理数（件）"
    assert ws.cell(row=4, column=12).value == "件" and ws.cell(row=4, column=13).value == "人"
    total = [ws.cell(row=20, column=c).value for c in range(3, 20)]
    assert total[0:3] == [figures.accepted, figures.concluded, figures.succeeded]
    assert total[3] == pytest.approx(figures.success_rate)
    for col in (3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19):
        rows = [ws.cell(row=r, column=col).value or 0 for r in range(5, 20)]
        assert sum(rows) == ws.cell(row=20, column=col).value, col
    # 0101 (a local sub-category) is counted under 01.
    with built.uow() as uow:
        by = stats.compute(uow, built.directors[0], periods.year(2026), "category")
    assert {g.key for g in by.groups or []} <= set(codes)
    # A clean printable sheet.
    assert ws.freeze_panes == "C5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area is not None and "$A$1:$S$" in str(ws.print_area)
    assert ws.cell(row=5, column=3).border.left.style == "thin"


def test_english_headers_and_reproducible(built: Built, tmp_path: Path) -> None:
    _, _, ws = _sheet(built, tmp_path / "en.xlsx", "en", APRIL)
    assert ws.cell(row=3, column=3).value == "Accepted (cases)"
    assert ws.cell(row=20, column=2).value == "Total"
    assert ws.cell(row=5, column=2).value == "Marriage and family"
    _sheet(built, tmp_path / "en2.xlsx", "en", APRIL)
    assert (tmp_path / "en.xlsx").read_bytes() == (tmp_path / "en2.xlsx").read_bytes()


def test_precomputed_figures_give_the_same_file(built: Built, tmp_path: Path) -> None:
    """The export hands over the figures it computed for stats.json: the same sheet results;
    figures of another period or grouping are refused rather than mis-reported."""
    as_of = datetime(2026, 5, 1)
    with built.uow() as uow:
        actor = built.directors[0]
        computed = report.monthly(uow, actor, APRIL, tmp_path / "a.xlsx", as_of=as_of)
        figures = stats.compute(uow, actor, APRIL, "category", as_of=as_of)
        given = report.monthly(uow, actor, APRIL, tmp_path / "b.xlsx", as_of=as_of,
                               stats=figures, committee="龙社区人民调解委员会")
        for wrong in (stats.compute(uow, actor, APRIL, as_of=as_of),
                      stats.compute(uow, actor, periods.month(2026, 3), "category", as_of=as_of)):
            with pytest.raises(ValueError):
                report.monthly(uow, actor, APRIL, tmp_path / "c.xlsx", stats=wrong)
    assert computed == given
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


_OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
# Calc is a package of its own on Debian (libreoffice-calc-nogui, which .ci/run installs).
_CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(_OFFICE is None or not _CALC.exists(),
                    reason="LibreOffice Calc is not installed (Debian: libreoffice-calc-nogui)")
@pytest.mark.parametrize("period", [APRIL, periods.quarter(2026, 2), periods.year(2026)],
                         ids=["月报", "季报", "年报"])
def test_libreoffice_converts_it(built: Built, tmp_path: Path, period: periods.Period) -> None:
    """Each period's sheet (月报, 季报, 年报) opens in LibreOffice Calc and prints."""
    _sheet(built, tmp_path / "lo.xlsx", "zh", period)
    assert _OFFICE is not None
    # A profile of its own, so a LibreOffice already running (another test, the user) is not
    # handed the conversion.
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"
    subprocess.run([_OFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(tmp_path / "lo.xlsx")],
                   check=True, timeout=180, capture_output=True)
    assert (tmp_path / "lo.pdf").stat().st_size > 1000


def test_worked_example_85_mediated_85_succeeded(room: Room) -> None:
    """100+ requests, 85 mediated, 85 succeeded: 100% with Wilson about [95.7%, 100%]."""
    d = room.director
    room.clock.now = datetime(2026, 5, 10, 1, 0)
    with room.uow() as uow:  # one transaction: the services never commit on their own
        for i in range(104):
            record = intake.parse_case(case_record(discovered_at=None, parties=[
                {"role": "applicant", "name": f"甲{i}"},
                {"role": "respondent", "name": f"乙{i}"}]), origin="test")
            cid = int(intake.new_case(uow, d, record, force=True)["id"])
            room.clock.advance(minutes=5)
            if i < 85:
                steps.accept(uow, d, cid)
                steps.mediate(uow, d, cid, mediator="liming", rights_notified=True)
                steps.session(uow, d, cid, minutes="双方陈述。")
                steps.agree(uow, d, cid, terms="赔偿500元。", written=i % 3 != 0)
            elif i < 95:
                steps.decline(uow, d, cid, reason="already_in_court", advice="向法院起诉")
            elif i < 100:
                steps.accept(uow, d, cid)  # accepted, still open
        uow.commit()
    with room.uow(write=False) as uow:
        s = stats.compute(uow, d, periods.month(2026, 5))
    assert (s.intake, s.accepted, s.declined) == (104, 90, 10)
    assert (s.concluded, s.succeeded, s.success_rate) == (85, 85, 1.0)
    assert s.success_rate_ci95 is not None
    low, high = s.success_rate_ci95
    assert round(low, 3) == 0.957 and high == 1.0


def test_a_province_numbering_changes_the_code_column_only(room: Room, tmp_path: Path) -> None:
    """Issue 15: the codes are the program's; a committee's province numbering (a file in
    data/numbering/, matched by category name) shows in the report, the rows stay the same."""
    from mediation import procedure

    with room.uow(write=False) as uow:
        report.monthly(uow, room.director, APRIL, tmp_path / "ours.xlsx")
    room.run(procedure.set_procedure, None, numbering="example")
    with room.uow(write=False) as uow:
        report.monthly(uow, room.director, APRIL, tmp_path / "province.xlsx")
    ours: Any = load_workbook(tmp_path / "ours.xlsx").active
    province: Any = load_workbook(tmp_path / "province.xlsx").active
    mapped = categories.numbering("example")
    for r in range(5, 20):
        code, name = str(ours.cell(row=r, column=1).value), ours.cell(row=r, column=2).value
        assert province.cell(row=r, column=2).value == name
        assert province.cell(row=r, column=1).value == mapped.get(code, code)
    assert province.cell(row=6, column=1).value == "2"  # 邻里纠纷: ours 02
    assert [[c.value for c in row[1:]] for row in ours.iter_rows(min_row=5, max_row=20)] == \
        [[c.value for c in row[1:]] for row in province.iter_rows(min_row=5, max_row=20)]


def test_categories_are_matched_by_name_and_a_bad_numbering_file_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediation.core import choices, paths
    from mediation.core.errors import InvalidInput

    assert choices.category("邻里纠纷") == "02" == choices.category("Neighbour")
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    (data / "numbering" / "bad.json").write_text(
        '{"numbering": {"邻里纠纷": "2", "宠物纠纷": "16"}}', encoding="utf-8")
    monkeypatch.setattr(categories, "data_dir", lambda: data)
    categories.numbering.cache_clear()
    with pytest.raises(InvalidInput, match="宠物纠纷"):
        categories.numbering("bad")
    categories.numbering.cache_clear()
