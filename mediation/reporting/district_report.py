"""The district's people's mediation statistics form (人民调解工作统计表) as a printable .xlsx:
``report monthly|quarterly|yearly --district`` (issue 17, docs/district.md).

The layout of an official statistical return: the title; above the table the form number
(表号) on the right and the reporting unit (填报单位) and the period on the left; one row per
committee and the district's total; below the table the head of the unit (单位负责人), who
filled it in (填表人) and the date it goes out (报出日期). Columns: sweeps (排查: how many, zero
reports, disputes found), accepted, mediated (concluded), succeeded, success rate, written and
oral agreements, judicial confirmations, amount involved, and each kind of escalation prevented
in cases (件) and persons (人). The figures are those of ``stats --district`` (district.py),
exact: a return filed with the Bureau is not a publication, so nothing is suppressed.

The file is reproducible byte for byte, like the committee's sheet (report.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mediation.access.policy import Actor, require
from mediation.committee import committee_of
from mediation.core import files
from mediation.core.i18n import N_, gettext_
from mediation.core.periods import Period
from mediation.db.storage import UnitOfWork
from mediation.reporting import district
from mediation.reporting.figures import Figures
from mediation.reporting.report import (
    CASES,
    PERSONS,
    PREVENTIONS,
    finished_sheet,
    period_label,
)

TITLE = N_("People's Mediation work statistics of {unit}, {period}")
HEAD_FIELDS = (N_("Form No."), N_("Reporting unit"), N_("Period"))
FOOT_FIELDS = (N_("Head of unit"), N_("Filled in by"), N_("Date reported"))
SWEEP_COLUMNS = (N_("Sweeps"), N_("Zero reports"), N_("Disputes found"))
COLUMNS = (N_("No."), N_("Committee"))
FIGURE_COLUMNS = (
    N_("Accepted (cases)"), N_("Mediated (cases)"), N_("Succeeded (cases)"), N_("Success rate"),
    N_("Written agreements"), N_("Oral agreements"), N_("Judicial confirmation filed"),
    N_("Judicially confirmed"), N_("Amount involved (yuan)"),
)
SWEEPS_HEAD = N_("Dispute sweeps")
TOTAL = N_("District total")
NOTE = N_("Success rate = succeeded ÷ mediated (agreements + terminations after acceptance), "
          "by conclusion date, each committee's and the district's from its own counts (never "
          "an average of rates). District: {succeeded} of {concluded}, Wilson 95% interval "
          "{interval}. Sweeps by the date swept; a zero report is a sweep that found nothing.")


@dataclass(frozen=True)
class Header:
    """The form's header and footer fields; empty ones are left blank to be written by hand."""

    form_no: str = ""
    unit: str = ""
    head: str = ""
    filler: str = ""
    reported_on: date | None = None


def write(uow: UnitOfWork, actor: Actor, period: Period, out: Path | io.BytesIO, *,
          header: Header, lang: str = "zh", as_of: datetime | None = None) -> dict[str, Any]:
    """Write the district's form of ``period`` to ``out``; return a summary. ``header.unit``
    defaults to the name of the actor's own entry (the Bureau), ``header.filler`` to the
    actor's name."""
    require(actor, "district.read")
    figures = district.compute(uow, actor, period, as_of=as_of)
    unit = header.unit or committee_of(uow, actor).name
    filled = Header(form_no=header.form_no, unit=unit, head=header.head,
                    filler=header.filler or actor.name, reported_on=header.reported_on)
    data = _workbook(figures, period, filled, lang)
    if isinstance(out, Path):
        files.write_atomically(out, data, parents=False)
    else:
        out.write(data)
    return {"period": period.view(), "committees": len(figures.committees), "bytes": len(data),
            "concluded": figures.total.concluded, "succeeded": figures.total.succeeded}


def _values(f: Figures, sweeps: dict[str, int]) -> list[Any]:
    out: list[Any] = [sweeps["sweeps"], sweeps["zero_reports"], sweeps["disputes_found"],
                      f.accepted, f.concluded, f.succeeded, f.success_rate,
                      f.agreements["written"], f.agreements["oral"], f.judicial["filed"],
                      f.judicial["confirmed"], float(f.amount_yuan)]
    for kind, _text in PREVENTIONS:
        out += [f.prevention[kind]["cases"], f.prevention[kind]["persons"]]
    return out


def _workbook(d: district.District, period: Period, header: Header, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    def t(text: str) -> str:
        return gettext_(text, lang)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "全区统计" if lang == "zh" else "District"
    first_fig = len(COLUMNS) + len(SWEEP_COLUMNS) + 1  # the column of "accepted"
    first_prev = first_fig + len(FIGURE_COLUMNS)
    width = first_prev - 1 + 2 * len(PREVENTIONS)
    last = get_column_letter(width)
    label = period_label(period, lang)
    colon = "：" if lang == "zh" else ": "

    ws["A1"] = t(TITLE).format(unit=header.unit, period=label)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    half = width // 2
    ws.cell(row=2, column=1, value=t(HEAD_FIELDS[1]) + colon + header.unit)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    ws.cell(row=2, column=half + 1, value=t(HEAD_FIELDS[0]) + colon + header.form_no)
    ws.cell(row=2, column=half + 1).alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    ws.cell(row=3, column=1, value=t(HEAD_FIELDS[2]) + colon + f"{label}（"
            f"{period.start.isoformat()} – {period.last_day.isoformat()}）"
            if lang == "zh" else t(HEAD_FIELDS[2]) + colon + f"{label} ("
            f"{period.start.isoformat()} – {period.last_day.isoformat()})")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)

    # Two header rows (4 and 5): single columns span both; sweeps and each prevention kind
    # have a group heading over their sub-columns.
    top, sub = 4, 5
    head, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, text in enumerate(COLUMNS, start=1):
        ws.cell(row=top, column=i, value=t(text))
        ws.merge_cells(start_row=top, start_column=i, end_row=sub, end_column=i)
    col = len(COLUMNS) + 1
    ws.cell(row=top, column=col, value=t(SWEEPS_HEAD))
    ws.merge_cells(start_row=top, start_column=col, end_row=top,
                   end_column=col + len(SWEEP_COLUMNS) - 1)
    for k, text in enumerate(SWEEP_COLUMNS):
        ws.cell(row=sub, column=col + k, value=t(text))
    for i, text in enumerate(FIGURE_COLUMNS, start=first_fig):
        ws.cell(row=top, column=i, value=t(text))
        ws.merge_cells(start_row=top, start_column=i, end_row=sub, end_column=i)
    for k, (_kind, text) in enumerate(PREVENTIONS):
        c = first_prev + 2 * k
        ws.cell(row=top, column=c, value=t(text))
        ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=c + 1)
        ws.cell(row=sub, column=c, value=t(CASES))
        ws.cell(row=sub, column=c + 1, value=t(PERSONS))
    for r in (top, sub):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.fill, cell.alignment = head, fill, centre

    r = sub + 1
    first_data = r
    for n, row in enumerate(d.committees, start=1):
        ws.cell(row=r, column=1, value=n)
        ws.cell(row=r, column=2, value=row.name)
        for c, v in enumerate(_values(row.figures, row.sweeps), start=len(COLUMNS) + 1):
            ws.cell(row=r, column=c, value=v)
        r += 1
    total_row = r
    ws.cell(row=total_row, column=2, value=t(TOTAL))
    for c, v in enumerate(_values(d.total, d.sweeps), start=len(COLUMNS) + 1):
        ws.cell(row=total_row, column=c, value=v)
    for c in range(1, width + 1):
        ws.cell(row=total_row, column=c).font = head

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cells_row in ws.iter_rows(min_row=top, max_row=total_row, min_col=1, max_col=width):
        for cell in cells_row:
            cell.border = border
    rate_col, amount_col = first_fig + 3, first_fig + 8
    for rr in range(first_data, total_row + 1):
        ws.cell(row=rr, column=rate_col).number_format = "0.0%"
        ws.cell(row=rr, column=amount_col).number_format = "#,##0.00"
        ws.cell(row=rr, column=1).alignment = Alignment(horizontal="center")

    ci = d.total.success_rate_ci95
    interval = f"[{ci[0]:.1%}, {ci[1]:.1%}]" if ci else "—"
    note_row = total_row + 1
    ws.cell(row=note_row, column=1, value=t(NOTE).format(
        succeeded=d.total.succeeded, concluded=d.total.concluded, interval=interval))
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    ws.cell(row=note_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 44

    foot_row = note_row + 2
    reported = header.reported_on.isoformat() if header.reported_on else ""
    third = width // 3
    for k, (text, value) in enumerate(zip(FOOT_FIELDS, (header.head, header.filler, reported),
                                          strict=True)):
        start = 1 + k * third
        end = width if k == 2 else start + third - 1
        ws.cell(row=foot_row, column=start, value=t(text) + colon + value)
        ws.merge_cells(start_row=foot_row, start_column=start, end_row=foot_row,
                       end_column=end)

    widths = [5, 22 if lang == "zh" else 30] + [7] * len(SWEEP_COLUMNS)
    widths += [9, 9, 9, 9, 9, 9, 11, 11, 14] + [7] * (2 * len(PREVENTIONS))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[top].height = 36

    return finished_sheet(wb, ws, freeze=f"C{first_data}", print_area=f"A1:{last}{foot_row}",
                          title_rows=f"{top}:{sub}", period=period)
