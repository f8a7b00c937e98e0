"""The committee's monthly (quarterly, yearly) 人民调解工作统计报表 as a clean, printable .xlsx
(openpyxl).

Rows: the 15 national reporting categories (local sub-categories counted under their parent)
and a total. Columns: accepted, mediated (concluded), succeeded, success rate, written and oral
agreements, judicial confirmations (filed, confirmed), amount involved, and each kind of
escalation prevented in cases (件) and persons (人). Headers in Chinese, or English.

The file is byte-for-byte reproducible: the document properties carry the period's end rather
than the time of writing, and every zip entry carries a fixed timestamp.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from mediation.access.policy import Actor, require
from mediation.committee import committee_of
from mediation.core import categories, cells, files
from mediation.core.i18n import N_, gettext_
from mediation.core.periods import Period, named
from mediation.db import settings
from mediation.db.storage import UnitOfWork
from mediation.reporting.figures import Figures, Stats, empty
from mediation.reporting.stats import compute

PREVENTIONS = (
    ("suicide", N_("Suicide prevented")),
    ("civil_to_criminal", N_("Civil-to-criminal prevented")),
    ("group_petition", N_("Group petition prevented")),
    ("group_fight", N_("Group fight prevented")),
)
COLUMNS: tuple[str, ...] = (
    N_("Code"),
    N_("Dispute category"),
    N_("Accepted (cases)"),
    N_("Mediated (cases)"),
    N_("Succeeded (cases)"),
    N_("Success rate"),
    N_("Written agreements"),
    N_("Oral agreements"),
    N_("Judicial confirmation filed"),
    N_("Judicially confirmed"),
    N_("Amount involved (yuan)"),
)
CASES, PERSONS = N_("cases"), N_("persons")
TITLE = N_("{committee} People's Mediation work statistics, {period}")
NOTE = N_("Success rate = succeeded ÷ mediated (agreements + terminations after acceptance), "
          "by conclusion date; declined, withdrawn and open cases are not in the denominator. "
          "Total: {succeeded} of {concluded}, Wilson 95% interval {interval}.")
TOTAL = N_("Total")
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _t(text: str, lang: str) -> str:
    return gettext_(text, lang)


def monthly(uow: UnitOfWork, actor: Actor, period: Period, out: Path | io.BytesIO, *,
            lang: str = "zh", as_of: datetime | None = None, stats: Stats | None = None,
            committee: str | None = None) -> dict[str, Any]:
    """Write the monthly report of ``period`` to ``out``; return a summary.

    ``stats``: the figures of ``period`` by category when the caller has them already (the
    nightly export computes them once for stats.json and the sheet); computed here otherwise.
    ``committee``: the committee's name, likewise.
    """
    stats, committee, rows = _prepared(uow, actor, period, as_of, stats, committee, lang)
    data = _workbook(committee, period, lang, rows, stats)
    if isinstance(out, Path):  # through out.partial, owner-only, never via a link
        files.write_atomically(out, data, parents=False)
    else:
        out.write(data)
    return {"period": period.view(), "rows": len(rows), "bytes": len(data),
            "concluded": stats.concluded, "succeeded": stats.succeeded}


def monthly_bytes(uow: UnitOfWork, actor: Actor, period: Period, *, lang: str = "zh",
                  as_of: datetime | None = None, stats: Stats | None = None,
                  committee: str | None = None) -> Callable[[], bytes]:
    """The monthly report's bytes, made when called: what it reads from the database is read
    now, so the call needs no database (the nightly export makes it in a process of its own,
    beside its CSV streaming). The same bytes as :func:`monthly` writes."""
    stats, committee, rows = _prepared(uow, actor, period, as_of, stats, committee, lang)
    return functools.partial(_workbook, committee, period, lang, rows, stats)


Rows = list[tuple[str, str, Figures]]


def _prepared(uow: UnitOfWork, actor: Actor, period: Period, as_of: datetime | None,
              stats: Stats | None, committee: str | None,
              lang: str) -> tuple[Stats, str, Rows]:
    """The figures, the committee's name and the sheet's rows (what the sheet reads)."""
    require(actor, "report.export")
    if stats is None:
        stats = compute(uow, actor, period, "category", as_of=as_of)
    elif stats.by != "category" or stats.period != period.view():
        raise ValueError("the monthly report needs the figures of its period by category")
    groups = {g.key: g for g in stats.groups or []}
    if committee is None:
        committee = committee_of(uow, actor).name
    rows = []
    # The Code column in the committee's province numbering when it chose one (mediation
    # procedure set --numbering); rows are matched by category, never by code.
    numbering = settings.get(uow, settings.procedure_key("numbering", actor.committee_id))
    for cat in categories.reporting_categories():
        rows.append((categories.local_code(cat.code, numbering), cat.name(lang),
                     groups.get(cat.code) or empty(cat.code)))
    # Codes outside the table (should not happen) still count, in a row of their own.
    known = {c.code for c in categories.reporting_categories()}
    rows.extend((k, k, g) for k, g in sorted(groups.items()) if k not in known and k)
    return stats, committee, rows


def period_label(period: Period, lang: str) -> str:
    """The period as a form's title names it: 2026年11月, 2026年第4季度, 2026年 (or 2026-11,
    2026Q4, 2026); a period to date is named as the whole (its dates are on the next line)."""
    return named(period, lang, to_date=False)


def _workbook(committee: str, period: Period, lang: str,
              rows: Rows, total: Figures) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "统计报表" if lang == "zh" else "Statistics"
    prevention_cols = len(PREVENTIONS) * 2
    width = len(COLUMNS) + prevention_cols
    last = get_column_letter(width)
    label = period_label(period, lang)
    ws["A1"] = _t(TITLE, lang).format(committee=committee, period=label)
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = f"{period.start.isoformat()} – {period.last_day.isoformat()}"
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center")

    # Two header rows: the plain columns span both; each prevention kind spans 件 and 人.
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, text in enumerate(COLUMNS, start=1):
        ws.cell(row=3, column=i, value=_t(text, lang))
        ws.merge_cells(start_row=3, start_column=i, end_row=4, end_column=i)
    for k, (_kind, text) in enumerate(PREVENTIONS):
        col = len(COLUMNS) + 1 + 2 * k
        ws.cell(row=3, column=col, value=_t(text, lang))
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
        ws.cell(row=4, column=col, value=_t(CASES, lang))
        ws.cell(row=4, column=col + 1, value=_t(PERSONS, lang))
    for r in (3, 4):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.fill, cell.alignment = head, fill, centre

    def values(f: Figures) -> list[Any]:
        out: list[Any] = [f.accepted, f.concluded, f.succeeded, f.success_rate,
                          f.agreements["written"], f.agreements["oral"], f.judicial["filed"],
                          f.judicial["confirmed"], float(f.amount_yuan)]
        for kind, _text in PREVENTIONS:
            out += [f.prevention[kind]["cases"], f.prevention[kind]["persons"]]
        return out

    first_data = 5
    r = first_data
    for code, name, f in rows:
        ws.cell(row=r, column=1, value=code)
        ws.cell(row=r, column=2, value=name)
        for c, v in enumerate(values(f), start=3):
            ws.cell(row=r, column=c, value=v)
        r += 1
    ws.cell(row=r, column=1, value="")
    ws.cell(row=r, column=2, value=_t(TOTAL, lang))
    for c, v in enumerate(values(total), start=3):
        ws.cell(row=r, column=c, value=v)
    total_row = r
    for c in range(1, width + 1):
        ws.cell(row=total_row, column=c).font = head

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in ws.iter_rows(min_row=3, max_row=total_row, min_col=1, max_col=width):
        for cell in row:
            cell.border = border
    for rr in range(first_data, total_row + 1):
        ws.cell(row=rr, column=6).number_format = "0.0%"
        ws.cell(row=rr, column=11).number_format = "#,##0.00"
        ws.cell(row=rr, column=1).alignment = Alignment(horizontal="center")

    ci = total.success_rate_ci95
    interval = f"[{ci[0]:.1%}, {ci[1]:.1%}]" if ci else "—"
    note_row = total_row + 2
    ws.cell(row=note_row, column=1, value=_t(NOTE, lang).format(
        succeeded=total.succeeded, concluded=total.concluded, interval=interval))
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    ws.cell(row=note_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 32

    widths = [6, 16 if lang == "zh" else 26, 9, 9, 9, 9, 9, 9, 11, 11, 14]
    widths += [7] * prevention_cols
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[3].height = 36

    return finished_sheet(wb, ws, freeze=f"C{first_data}", print_area=f"A1:{last}{note_row}",
                          title_rows="3:4", period=period)


def finished_sheet(wb: Any, ws: Any, *, freeze: str, print_area: str, title_rows: str,
                   period: Period) -> bytes:
    """The sheet set for printing (A4 landscape, fitted to the width, the title rows repeated),
    every string cell inert text, and the workbook's bytes, reproducible (dated the period's
    last day): the monthly report and the district's share this."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.freeze_panes = freeze
    ws.print_area = print_area
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4

    # Every string cell as text a spreadsheet never runs (cells.inert: a committee named
    # "=..." stays text), stored as a string, never as a formula.
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = cells.inert(cell.value)
                cell.data_type = "s"

    stamp = datetime.combine(period.last_day, datetime.min.time())
    wb.properties.creator = "mediation"
    wb.properties.created = stamp
    wb.properties.title = ws["A1"].value
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible_zip(buf.getvalue(), stamp)


_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def reproducible_zip(data: bytes, stamp: datetime) -> bytes:
    """The same archive with fixed entry times and the document's modified time set to ``stamp``."""
    out = io.BytesIO()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED_RE.sub(rb"\g<1>" + when + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()
