"""The district's view on the terminal: `stats --district` (docs/district.md)."""

from __future__ import annotations

from typing import Any

from cli import render
from mediation.core.i18n import _


def _pct(value: Any) -> str:
    return "—" if value is None or isinstance(value, str) else f"{value:.1%}"


def _interval(ci: list[float] | None) -> str:
    return "—" if ci is None else f"{ci[0] * 100:.1f}–{ci[1] * 100:.1f}%"


def short(committee: str) -> str:
    """A committee's name as a table row shows it: 人民调解委员会 written 调委会, as people do."""
    return committee.replace("人民调解委员会", "调委会")


def _row(label: str, f: dict[str, Any]) -> list[str]:
    sweeps = f["sweeps"]
    return [label, str(f["intake"]), str(f["accepted"]), str(f["concluded"]),
            str(f["succeeded"]), _pct(f["success_rate"]), _interval(f["success_rate_ci95"]),
            str(f["overdue"]), f"{sweeps['sweeps']} ({sweeps['zero_reports']})"]


def show_stats(doc: dict[str, Any], label: str, fmt: str) -> None:
    """The district's figures in ``fmt`` (render.output_format): a table on a terminal (one row
    per committee and the total), TSV (or CSV) rows in a pipe after the period and the column
    labels (the committee's prefix first; the total last, as ``*``), or JSON."""
    if fmt == "json":
        render.emit_json(doc)
        return
    columns = [render.Column(_("Committee"), 1, flexible=True),
               render.Column(_("Intake"), 1, right=True),
               render.Column(_("Accepted"), 2, right=True),
               render.Column(_("Concluded"), 1, right=True),
               render.Column(_("Succeeded"), 1, right=True),
               render.Column(_("Success rate"), 1, right=True),
               render.Column(_("95% interval"), 3, right=True),
               render.Column(_("Overdue"), 4, right=True),
               render.Column(_("Sweeps (zero)"), 5, right=True)]
    if fmt in ("tsv", "csv"):
        rows = [[r["prefix"], *_row(r["name"], r)[1:]] for r in doc["committees"]]
        rows.append(["*", *_row(_("District total"), doc["total"])[1:]])
        render.period_line(_("District statistics {period}: {n} committees", period=label,
                             n=len(doc["committees"])), fmt)
        render.emit_rows(columns, rows, fmt, header=True)
        return
    rows = [_row(short(r["name"]), r) for r in doc["committees"]]
    rows.append(_row(_("District total"), doc["total"]))
    render.paragraph(_("District statistics {period}: {n} committees", period=label,
                n=len(doc["committees"])))
    render.emit_rows(columns, rows, fmt)
    total = doc["total"]
    render.paragraph(_("Success rate = succeeded ÷ concluded (agreements + terminations after "
                 "acceptance), each committee's and the district's own: the total is "
                "recomputed from the summed counts, never an average of the rates."))
    if doc["suppressed"]:
        render.paragraph(_("Counts from 1 to 4 are shown as <5 (--no-suppress-small shows them)."))
    if total["concluded"] == 0:
        render.paragraph(_("No case concluded in this period in the district."))
