"""`mediation sweep record|list`: dispute sweeps (排查) and their zero reports (docs/grid.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from cli import render
from cli.choices import choice_opt
from cli.context import env
from cli.options import composed, format_opt, hours_help, json_opt, parse_at, parse_date
from mediation.core import jsontext
from mediation.core.files import not_readable
from mediation.core.i18n import _, name


def _sweeps_table(rows: list[dict[str, Any]]) -> tuple[list[render.Column], list[list[str]]]:
    columns = [render.Column(_("No."), right=True), render.Column(_("Date")),
               render.Column(_("Area"), flexible=True), render.Column(_("Swept by"), 2),
               render.Column(_("Disputes found"), right=True), render.Column(_("Note"), 3,
                                                                             flexible=True)]
    body = [[str(r["id"]), r["date"], r["area"], r["by"],
             _("0 (zero report)") if r["zero_report"] else str(r["disputes_found"]),
             r["note"] or ""] for r in rows]
    return columns, body


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
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """List the committee's sweeps, newest first."""
        from mediation import sweeps

        rows = env(ctx).act(sweeps.list_sweeps, first=parse_date(first, "--from"),
                            last=parse_date(last, "--to"), zero_only=zero, write=False)
        chosen = render.show(*_sweeps_table(rows), fmt=fmt, as_json=as_json, document=rows,
                             empty=_("No sweeps recorded."))
        if rows and chosen != "json":
            zeros = sum(1 for r in rows if r["zero_report"])
            say = render.out if chosen == "table" else render.err
            say(_("{n} sweeps, {zero} zero reports, {found} disputes found.", n=len(rows),
                  zero=zeros, found=sum(r["disputes_found"] for r in rows)) + "\n")


def _outcome(r: dict[str, Any]) -> str:
    """What became of a lead, in words: no case content beyond the case's number and state."""
    if r["status"] == "dismissed":
        return _("dismissed: {reason}", reason=name("dismiss", r["dismiss_reason"] or ""))
    if r["status"] == "accepted" and r.get("fed_back_at"):
        return _("taken as case {number} ({state}), fed back {date}",
                 number=r["case_number"] or "", state=name("state", r["case_state"] or ""),
                 date=render.local_time(r["fed_back_at"]))
    if r["status"] == "accepted":
        return _("taken as case {number} ({state})", number=r["case_number"] or "",
                 state=name("state", r["case_state"] or ""))
    return _("in the committee's inbox")


def _leads_table(rows: list[dict[str, Any]], *, mine: bool
                 ) -> tuple[list[render.Column], list[list[str]]]:
    columns = [render.Column(_("No."), right=True), render.Column(_("Found"), 3),
               render.Column(_("Place"), 2), render.Column(_("Grid cell"), 4),
               render.Column(_("What was seen"), flexible=True), render.Column(_("Risk"), 2)]
    if not mine:
        columns += [render.Column(_("Parties"), 5), render.Column(_("Reported by"), 3)]
    columns.append(render.Column(_("Outcome"), 1))
    body = []
    for r in rows:
        cells = [str(r["id"]), render.local_time(r["found_at"]), r["place"], r["cell"] or "",
                 r["seen"], name("risk", r["risk"])]
        if not mine:
            cells += [r["parties"] or "", r.get("reported_by_name") or r["reported_by"]]
        body.append([*cells, _outcome(r)])
    return columns, body


def _read_case_file(file: str) -> tuple[object, str]:
    """The case.json of ``lead accept`` (or '-': standard input), through the one reader."""
    from pathlib import Path

    from cli.options import decoded, read_stdin
    from mediation.core.errors import InvalidInput
    from mediation.core.i18n import msg

    if file == "-":
        data, origin = read_stdin(), _("standard input")
    else:
        path = Path(file)
        if (why := not_readable(path)) is not None:
            raise typer.BadParameter(why.render(), param_hint="--file")
        try:
            data, origin = path.read_bytes(), path.name
        except OSError as exc:
            raise InvalidInput(msg("cannot read {file}: {error}", file=file,
                                   error=exc.strerror or type(exc).__name__)) from None
    return jsontext.loads(decoded(data, origin), origin), origin


def _guided_accept(ctx: typer.Context, lead_id: int, force: bool, at: date | None
                   ) -> dict[str, Any]:
    """``lead accept LEAD`` at a terminal: the guided intake (cli/prompts.py) starting from
    what the lead says (source, when found, risk, what was seen, its reference), asking when
    the case was registered unless ``--at`` said it (default now; never before the lead was
    found), then the intake; a probable duplicate is shown and the clerk decides, as in
    ``case new``. Interrupted, what was typed is kept in the lead's own draft
    (cli/intake_draft.py), which the next ``lead accept LEAD`` offers to continue; exit 130."""
    from cli.intake_draft import Draft
    from cli.prompts import guided_intake, guided_registration, yes
    from mediation import calendars, leads
    from mediation.core.errors import DuplicateSuspected

    e = env(ctx)
    with e.uow(write=False) as uow:
        actor = e.actor(uow)
        calendar = calendars.of(uow, actor.committee_id)
        e.use_calendar(uow, actor)  # the guided intake shows times in it (output.local_time)
        start = leads.intake_prefill(uow, actor, lead_id)
    draft = Draft(e.url(), actor, lead=lead_id)

    def accept(record: Any, when: date | None) -> dict[str, Any]:
        try:
            done: dict[str, Any] = e.act(leads.accept, lead_id, record, force=force, at=when)
            return done
        except DuplicateSuspected as exc:
            if exc.matches:
                render.duplicates(exc.matches, exc.record)
            else:
                render.err(exc.render() + "\n")
            if not yes(_("Register it anyway? (recorded, as --force is)")):
                draft.discard()
                render.err(_("Not registered; nothing was written.") + "\n")
                raise typer.Exit(exc.exit_code) from None
            again: dict[str, Any] = e.act(leads.accept, lead_id, record, force=True, at=when)
            return again

    with draft.kept():  # Ctrl-C: what was typed kept, offered by the next lead accept LEAD
        if at is not None:  # --at: when it was registered is given
            result = accept(guided_intake(calendar, prefill=start, draft=draft), at)
        else:  # asked as case new asks it (default now), shown in the summary; a refusal of
            # the registration (beyond the late-entry days) back to the summary
            result = guided_registration(calendar, draft, accept, prefill=start)
    draft.discard()  # the case is written
    return result


def register_leads(app: typer.Typer) -> None:
    lead = typer.Typer(help=_("Grid leads (网格线索): disputes reported by grid workers, and "
                              "what became of them (see docs/grid.md)."), no_args_is_help=True)
    app.add_typer(lead, name="lead")

    @lead.command("report", help=_(
        "Report a dispute found in the grid (grid workers, directors, mediators; recorded). ID "
        "and phone numbers written in the text are masked."))
    def lead_report(
        ctx: typer.Context,
        place: str = typer.Option(..., "--place", metavar="PLACE", help=_(
            "Where, e.g. 桐梓坡路8栋.")),
        seen: str = typer.Option(..., "--seen", metavar="TEXT", help=_(
            "What was seen: the dispute in a few sentences.")),
        cell: str | None = typer.Option(None, "--cell", metavar="CELL", help=_(
            "The grid cell, e.g. 龙王港-03.")),
        parties: str | None = typer.Option(None, "--parties", metavar="NAMES", help=_(
            "The parties, if known.")),
        found: str | None = typer.Option(None, "--found", metavar="WHEN", help=_(
            "When it was found, e.g. 2026-11-30 09:30 (default: now).")),
        risk: str = choice_opt("risk", "low", "--risk", help=_(
            "Risk of escalation (default: low).")),
        as_json: bool = json_opt(),
    ) -> None:
        """Report a dispute found in the grid."""
        from mediation import leads

        result = env(ctx).act(leads.report, place=place, seen=seen, cell=cell, parties=parties,
                              found=found, risk=risk)
        if as_json:
            render.emit_json(result)
        else:
            render.out(_("Lead {id} reported: {place}.", id=result["id"],
                               place=result["place"]) + "\n")

    @lead.command("list", help=_(
        "The committee's inbox of leads (directors, mediators); --mine: your own reports and "
        "what became of each (grid workers see only these)."))
    def lead_list(
        ctx: typer.Context,
        mine: bool = typer.Option(False, "--mine", help=_("Only your own reports.")),
        status: str | None = choice_opt("lead_status", None, "--status", help=_(
            "Only the leads in this state.")),
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """The committee's inbox of leads, or your own reports."""
        from mediation import leads

        rows = env(ctx).act(leads.list_leads, mine=mine, status=status, write=False)
        render.show(*_leads_table(rows, mine=bool(rows) and "reported_by" not in rows[0]),
                    fmt=fmt, as_json=as_json, document=rows, empty=_("No leads."))

    @lead.command("dismiss", help=_(
        "Dismiss a lead: not a dispute, resolved on the spot, or a duplicate of a case. "
        "Directors and mediators; recorded."))
    def lead_dismiss(
        ctx: typer.Context,
        lead_id: int = typer.Argument(..., metavar="LEAD", help=_(
            "The lead's number (see lead list).")),
        reason: str = choice_opt("dismiss", ..., "--reason", help=_(
            "Why it is not taken as a case.")),
        note: str | None = typer.Option(None, "--note", metavar="TEXT", help=_(
            "A short note, e.g. the case number it duplicates.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Dismiss a lead."""
        from mediation import leads

        result = env(ctx).act(leads.dismiss, lead_id, reason=reason, note=note)
        if as_json:
            render.emit_json(result)
        else:
            render.out(_("Lead {id} dismissed: {reason}.", id=lead_id,
                               reason=name("dismiss", result["dismiss_reason"])) + "\n")

    @lead.command("accept", help=_(
        "Take a lead as a case: registers the case.json given, with source grid, when found, "
        "the risk and the lead's reference filled in where the file is silent (directors, "
        "mediators; recorded)."))
    def lead_accept(
        ctx: typer.Context,
        lead_id: int = typer.Argument(..., metavar="LEAD", help=_(
            "The lead's number (see lead list).")),
        file: str | None = typer.Option(None, "--file", "-f", metavar="FILE", help=_(
            "The case as JSON (see docs/case-json.md); '-' reads standard input. Without "
            "it, the guided intake asks at the terminal, starting from what the lead says; "
            "interrupted, it keeps what was typed in a private draft, which the next "
            "`lead accept LEAD` offers to continue.")),
        force: bool = typer.Option(False, "--force", help=_(
            "Register even if it looks like a duplicate (recorded).")),
        at: str | None = typer.Option(None, "--at", metavar="WHEN", help=composed(_(
            "When the case was registered, if not now (补录, a late entry): a date "
            "(2026-11-28) or a date and time (2026-11-28 15:00) in the committee's time zone; "
            "not in the future, not before the lead was found, at most the committee's "
            "late-entry days ago. {hours}", hours=hours_help()))),
        as_json: bool = json_opt(),
    ) -> None:
        """Take a lead as a case."""
        import sys

        from mediation import leads

        when = parse_at(at)  # before the guided intake asks anything
        if file is not None:
            data, origin = _read_case_file(file)
            result = env(ctx).act(leads.accept, lead_id, data, origin=origin, force=force,
                                  at=when)
        elif not sys.stdin.isatty():
            raise typer.BadParameter(
                _("give --file FILE (or '-' for standard input); the guided intake needs "
                  "a terminal"), param_hint="--file")
        else:
            result = _guided_accept(ctx, lead_id, force, when)
        if as_json:
            render.emit_json(render.json_read_as(result))
        else:
            render.out(render.with_read_as(_("Lead {lead} taken as {number} (id {id}).",
                                             lead=lead_id, number=result["number"],
                                             id=result["id"])) + "\n")
            render.elsewhere(result.get("elsewhere"))
            render.notes(result.get("notes"))

    @lead.command("import", help=_(
        "Import the leads a grid management platform or a spreadsheet exports (CSV with a "
        "header row, or a JSON array): every line checked as lead report checks it, one line "
        "per fault, nothing written if any (columns: docs/grid.md)."))
    def lead_import(
        ctx: typer.Context,
        file: str = typer.Argument(..., metavar="FILE", help=_(
            "The .csv or .json file; '-' reads standard input.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Import leads from a file."""
        from pathlib import Path

        from cli.options import decoded, read_stdin
        from mediation import lead_import
        from mediation.core.errors import InvalidInput
        from mediation.core.i18n import msg

        if file == "-":
            data, origin = read_stdin(), _("standard input")
        else:
            path = Path(file)
            if (why := not_readable(path)) is not None:
                raise InvalidInput(why)
            try:
                data, origin = path.read_bytes(), path.name
            except OSError as exc:
                raise InvalidInput(msg("cannot read {file}: {error}", file=file,
                                       error=exc.strerror or type(exc).__name__)) from None
        text = decoded(data, origin)
        result = env(ctx).act(lead_import.import_leads, text, origin=origin)
        if as_json:
            render.emit_json(result)
        else:
            ids = result["ids"]
            render.out(_("Imported {n} leads from {file} (numbers {first} to {last}).",
                         n=result["imported"], file=origin, first=ids[0],
                         last=ids[-1]) + "\n")
