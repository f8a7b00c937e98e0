"""`mediation case import FILE`: many cases at once (JSON Lines, or a ledger: .csv, .xlsx),
validated like case.json."""

from __future__ import annotations

import sys

import typer

from cli import render
from cli.context import env
from cli.options import MAX_INT
from mediation.core.i18n import _


def register(app: typer.Typer) -> None:
    case = next(g.typer_instance for g in app.registered_groups if g.name == "case")
    assert case is not None

    @case.command("import")
    def import_(
        ctx: typer.Context,
        file: str = typer.Argument(..., metavar="FILE", help=_(
            "A .jsonl file, one case.json object per line, or a ledger (.csv or .xlsx: a header "
            "row, then one case per row); see docs/case-json.md.")),
        force: bool = typer.Option(False, "--force", help=_(
            "Do not check for probable duplicates (same ID number, or same names and "
            "category).")),
        skip_invalid: bool = typer.Option(False, "--skip-invalid", help=_(
            "Import the valid records even if some are rejected.")),
        batch: int = typer.Option(5000, "--batch", min=1, max=MAX_INT, help=_(
            "Cases per transaction.")),
        as_json: bool = typer.Option(False, "--json", help=_(
            "Print one JSON document on stdout.")),
    ) -> None:
        """Register many cases from JSON Lines or a ledger; nothing is written if any is bad."""
        from pathlib import Path

        from mediation import bulk
        from mediation.db.engines import existing_engine, require_schema

        e = env(ctx)
        engine = existing_engine(e.url())
        require_schema(engine)
        tty = sys.stderr.isatty()

        from cli.options import note
        from mediation.core.i18n import msg

        def progress(done: int) -> None:
            if tty:
                render.err("\r" + _("{count} cases imported", count=done))
                sys.stderr.flush()

        try:
            result = bulk.import_cases(engine, e.credentials(), Path(file), force=force,
                                       skip_invalid=skip_invalid, batch_size=batch,
                                       progress=progress)
        except bulk.ImportRejected as exc:
            for r in exc.rejected:
                render.err(r.message + "\n")
            raise
        if tty:
            render.err("\n")
        if result.encoding:
            note(msg("{origin}: read as {encoding} (not UTF-8)", origin=Path(file).name,
                     encoding=result.encoding))
        for r in result.rejected:
            render.err(_("skipped: {message}", message=r.message) + "\n")
        for seen in result.elsewhere:
            render.err(_("line {line} ({number}): ", line=seen["line"], number=seen["number"]))
            render.elsewhere(seen)
        for noted in result.notes:  # an organisation without its representative: per line
            render.notes([_("line {line} ({number}): ", line=noted["line"],
                            number=noted["number"]) + said for said in noted["notes"]])
        if as_json:
            render.emit_json(result.as_dict())
        elif result.imported:
            render.out(_("Imported {count} cases: {first} to {last}.",
                               count=result.imported, first=result.first,
                               last=result.last) + "\n")
        else:
            render.out(_("No case was imported.") + "\n")
