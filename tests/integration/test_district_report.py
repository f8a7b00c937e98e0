"""The district's statistics form (issue 17), read back with openpyxl: header fields, a row per
committee equal to that committee's figures, the total equal to their sum; reproducible; opens
in LibreOffice where it is installed."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from mediation.committee import add_staff, init_committee, resolve_actor
from mediation.core import periods
from mediation.reporting import district_report, stats
from mediation.reporting.district_report import Header
from tests.integration.test_export import _histories
from tests.property.stats_history import PEOPLE, Built, build

YEAR = periods.year(2026)
AS_OF = datetime(2026, 12, 31)
FIRST_ROW = 6  # title, unit and form number, period, two header rows


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("district-report")
    hs = _histories(24, seed=5)
    for i, h in enumerate(hs):
        h.committee = i % 3
    b = build("sqlite:///" + str(folder / "d.db"), hs, committees=3)
    with b.uow(write=True) as uow:
        init_committee(uow, name="岳麓区司法局", prefix="岳", director="qu", admin=True)
        add_staff(uow, resolve_actor(uow, "qu"), username="zhaoju", name="赵局",
                  role="district_viewer")
        uow.commit()
    return b


def _write(built: Built, path: Path, lang: str = "zh") -> tuple[dict[str, Any], Any]:
    with built.uow() as uow:
        viewer = resolve_actor(uow, "zhaoju")
        summary = district_report.write(
            uow, viewer, YEAR, path, lang=lang, as_of=AS_OF,
            header=Header(form_no="司调统1表", head="张局长", reported_on=date(2027, 1, 5)))
    return summary, load_workbook(path).active


def test_header_rows_and_totals(built: Built, tmp_path: Path) -> None:
    summary, ws = _write(built, tmp_path / "d.xlsx")
    assert summary["committees"] == 3
    assert ws["A1"].value == "岳麓区司法局人民调解工作统计表（2026年）"
    assert ws["A2"].value == "填报单位：岳麓区司法局"
    assert "表号：司调统1表" in [c.value for c in ws[2]]
    names = [ws.cell(row=r, column=2).value for r in range(FIRST_ROW, FIRST_ROW + 3)]
    assert names == [f"{p[2]}社区人民调解委员会" for p in PEOPLE[:3]]
    total_row = FIRST_ROW + 3
    assert ws.cell(row=total_row, column=2).value == "全区合计"
    assert ws.cell(row=FIRST_ROW - 1, column=3).value == "排查次数"
    assert ws.cell(row=FIRST_ROW - 2, column=6).value == "受理数（件）"
    width = ws.max_column
    for col in range(3, width + 1):
        if col == 9:  # the success rate: recomputed, not summed
            continue
        rows = [ws.cell(row=r, column=col).value or 0 for r in range(FIRST_ROW, total_row)]
        assert sum(rows) == pytest.approx(ws.cell(row=total_row, column=col).value), col
    with built.uow() as uow:
        for i, director in enumerate(built.directors):
            own = stats.compute(uow, director, YEAR, as_of=AS_OF)
            r = FIRST_ROW + i
            assert [ws.cell(row=r, column=c).value for c in (6, 7, 8)] == [
                own.accepted, own.concluded, own.succeeded]
            assert ws.cell(row=r, column=9).value == (
                pytest.approx(own.success_rate) if own.success_rate is not None else None)
    succeeded = ws.cell(row=total_row, column=8).value
    concluded = ws.cell(row=total_row, column=7).value
    assert ws.cell(row=total_row, column=9).value == pytest.approx(succeeded / concluded)
    foot = [c.value for c in ws[total_row + 3] if c.value]
    assert foot == ["单位负责人：张局长", "填表人：赵局", "报出日期：2027-01-05"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == f"C{FIRST_ROW}"


def test_english_and_reproducible(built: Built, tmp_path: Path) -> None:
    _, ws = _write(built, tmp_path / "en.xlsx", "en")
    assert ws["A2"].value == "Reporting unit: 岳麓区司法局"
    assert ws.cell(row=FIRST_ROW + 3, column=2).value == "District total"
    _write(built, tmp_path / "en2.xlsx", "en")
    assert (tmp_path / "en.xlsx").read_bytes() == (tmp_path / "en2.xlsx").read_bytes()


def test_a_director_may_not(built: Built, tmp_path: Path) -> None:
    from mediation.core.errors import PermissionDenied

    with built.uow() as uow, pytest.raises(PermissionDenied, match=r"district\.read"):
        district_report.write(uow, built.directors[0], YEAR, tmp_path / "x.xlsx",
                              header=Header())
    assert not (tmp_path / "x.xlsx").exists()


_OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
_CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(_OFFICE is None or not _CALC.exists(),
                    reason="LibreOffice Calc is not installed (Debian: libreoffice-calc-nogui)")
def test_libreoffice_converts_it(built: Built, tmp_path: Path) -> None:
    _write(built, tmp_path / "lo.xlsx")
    assert _OFFICE is not None
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"
    subprocess.run([_OFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(tmp_path / "lo.xlsx")],
                   check=True, timeout=180, capture_output=True)
    assert (tmp_path / "lo.pdf").stat().st_size > 1000
