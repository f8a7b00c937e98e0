"""`mediation sweep record|list`: dispute sweeps (排查) and their zero reports (docs/grid.md)."""

from __future__ import annotations

from typing import Any

import typer

from cli import render
from cli.context import env
from cli.options import json_opt, parse_date
from mediation.core.i18n import _


def _sweeps_table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table()
    for header in (_("No."), _("Date"), _("Area"), _("Swept by"), _("Disputes found"),
                   _("Note")):
        table.add_column(header)
    for r in rows:
        found = (_("0 (zero report)") if r["zero_report"] else str(r["disputes_found"]))
        table.add_row(str(r["id"]), r["date"], r["area"], r["by"], found, r["note"] or "")
    render.console().print(table)


def register(app: typer.Typer) -> None:
    sweep = typer.Typer(help=_("Dispute sweeps (排查) of the committee's area, zero reports "
                               "included (see docs/grid.md)."), no_args_is_help=True)
    app.add_typer(sweep, name="sweep")

    @sweep.command("record", help=_(
        "Record a sweep: the day, the area, who swept and how many disputes were found (0 is a "
        "zero report, which must be filed too). Directors and mediators; recorded."))
    def sweep_record(
        ctx: typer.Context,
        area: str = typer.Option(..., "--area", metavar="AREA", help=_(
            "The area swept, e.g. a residential compound or grid cell.")),
        swept_by: str = typer.Option(..., "--by", metavar="NAMES", help=_(
            "Who swept, e.g. 李明、网格员王强.")),
        found: int = typer.Option(..., "--found", min=0, metavar="N", help=_(
            "Disputes found (0: a zero report).")),
        on: str | None = typer.Option(None, "--date", metavar="DATE", help=_(
            "The day of the sweep, YYYY-MM-DD (default: today).")),
        note: str | None = typer.Option(None, "--note", metavar="TEXT", help=_(
            "A short note (ID and phone numbers are masked).")),
        as_json: bool = json_opt(),
    ) -> None:
        """Record a sweep (0 disputes found: a zero report)."""
        from mediation import sweeps

        day = parse_date(on, "--date")
        result = env(ctx).act(sweeps.record, area=area, by=swept_by, found=found, on=day,
                              note=note)
        if as_json:
            render.emit_json(result)
        elif result["zero_report"]:
            render.out(_("Sweep {id} recorded: {area} on {date}, a zero report (no "
                               "disputes found).", id=result["id"], area=result["area"],
                               date=result["date"]) + "\n")
        else:
            render.out(_("Sweep {id} recorded: {area} on {date}, {n} disputes found.",
                               id=result["id"], area=result["area"], date=result["date"],
                               n=result["disputes_found"]) + "\n")

    @sweep.command("list", help=_("List the committee's sweeps, newest first."))
    def sweep_list(
        ctx: typer.Context,
        first: str | None = typer.Option(None, "--from", metavar="DATE", help=_(
            "First day, YYYY-MM-DD.")),
        last: str | None = typer.Option(None, "--to", metavar="DATE", help=_(
            "Last day, YYYY-MM-DD.")),
        zero: bool = typer.Option(False, "--zero", help=_("Only the zero reports.")),
        as_json: bool = json_opt(),
    ) -> None:
        """List the committee's sweeps, newest first."""
        from mediation import sweeps

        rows = env(ctx).act(sweeps.list_sweeps, first=parse_date(first, "--from"),
                            last=parse_date(last, "--to"), zero_only=zero, write=False)
        if as_json:
            render.emit_json(rows)
        elif not rows:
            render.out(_("No sweeps recorded.") + "\n")
        else:
            _sweeps_table(rows)
            zeros = sum(1 for r in rows if r["zero_report"])
            render.out(_("{n} sweeps, {zero} zero reports, {found} disputes found.",
                               n=len(rows), zero=zeros,
                               found=sum(r["disputes_found"] for r in rows)) + "\n")
