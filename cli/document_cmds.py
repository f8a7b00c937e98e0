"""`mediation case print|file|archive` and `mediation templates list|export`: the documents."""

from __future__ import annotations

from typing import Any

import typer

from cli import render
from cli.context import env
from cli.options import (
    MAX_INT,
    destination_arg,
    force_opt,
    format_opt,
    json_opt,
    out_alias,
    place,
)
from mediation.core import documentkinds
from mediation.core.i18n import _


def _masked_opt() -> Any:
    return typer.Option(False, "--masked", help=_(
        "Print the masked copy even if you may print the full one (no reveal recorded)."))


def _copy_line(revealed: bool) -> str:
    return (_("full copy; the printing is recorded") if revealed
            else _("masked copy, marked as such on the page"))


def register_case(case: typer.Typer) -> None:
    @case.command("print", help=_(
        "Print one document of a case (Ministry of Justice 2010 formats) as a Word file."))
    def print_(
        ctx: typer.Context,
        kind: str = typer.Argument(..., metavar="KIND", help=_(
            "cover, contents, application, oral_application, registration, decline, rights, "
            "investigation, session, agreement, oral, termination, visit")),
        case_ref: str = typer.Argument(..., metavar="CASE"),
        version: int | None = typer.Option(
            None, "--version", metavar="N", min=1, max=MAX_INT, help=_(
                "Which session, agreement version or visit (default the latest).")),
        destination: str | None = destination_arg("FILE", _(
            "The Word document to write (a name ending in .docx).")),
        out: str | None = out_alias("FILE"),
        force: bool = force_opt(),
        masked: bool = _masked_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Print one document of a case (Ministry of Justice 2010 formats) as a Word file."""
        from mediation.core import files
        from mediation.reporting import documents, printing

        path = place(destination, out, folder=False, metavar="FILE", suffix=".docx")
        assert path is not None

        def printed(uow: Any, actor: Any) -> Any:
            """The document, refused in its transaction (the printing not recorded) when it
            would replace a file without --force; after the usage errors of KIND and CASE."""
            done = documents.print_document(uow, actor, case_ref, kind, version=version,
                                            masked=masked)
            files.refuse_existing(path, force=force)
            return done

        doc, revealed, prefix = env(ctx).act(printed)
        result = printing.print_to(doc, prefix, path, force=force)
        result["revealed"] = revealed
        if as_json:
            render.emit_json(result)
        else:
            render.out(_("Wrote {file}: {title} ({copy}).", file=result["file"],
                         title=documentkinds.shown_key(doc.key),
                         copy=_copy_line(revealed)) + "\n")

    @case.command("file", help=_(
        "Write the whole case file (卷宗): cover, contents and every document in order, and "
        "one PDF of it when LibreOffice is available."))
    def file_(
        ctx: typer.Context,
        case_ref: str = typer.Argument(..., metavar="CASE"),
        destination: str | None = destination_arg("DIR", _(
            "The folder to write the case file into (created owner-only if new).")),
        out: str | None = out_alias("DIR"),
        no_pdf: bool = typer.Option(False, "--no-pdf", help=_(
            "Word documents only, even if LibreOffice is available.")),
        force: bool = force_opt(),
        masked: bool = _masked_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Write the whole case file (卷宗): cover, contents and every document in order, and
        one PDF of it when LibreOffice is available."""
        from mediation.reporting import documents, printing

        dest = place(destination, out, folder=True, metavar="DIR")
        assert dest is not None

        def planned(uow: Any, actor: Any) -> Any:
            """The plan, refused in its transaction (nothing recorded) when it would replace a
            file without --force."""
            plan = documents.case_file(uow, actor, case_ref, masked=masked)
            printing.check_case_file(plan, dest, force=force, pdf=not no_pdf)
            return plan

        plan = env(ctx).act(planned)
        if not no_pdf and printing.soffice() is not None and render.is_terminal(stderr=True):
            render.err(_("Converting to PDF with LibreOffice (this takes a while)...") + "\n")
        result = printing.write_case_file(plan, dest, pdf=not no_pdf, force=force)
        note = result.pop("note")
        result["note"] = note.render() if note is not None else None
        if as_json:
            render.emit_json(result)
        else:
            con = render.console()
            con.print(_("Case file {case} in {folder} ({copy}):", case=result["case"],
                        folder=result["folder"], copy=_copy_line(result["revealed"])))
            for name in result["written"]:
                con.print("  " + _("written: {file}", file=name))
            for name in result["kept"]:
                con.print("  " + _("kept (filed, not overwritten): {file}", file=name))
            if result["pdf"]:
                con.print("  " + _("PDF of the whole file: {file}", file=result["pdf"]))
        if result["note"]:
            render.err(result["note"] + "\n")

    @case.command("archive", help=_(
        "File a closed case (归档) with its retention period; its file is frozen from then on."))
    def archive(
        ctx: typer.Context,
        case_ref: str = typer.Argument(..., metavar="CASE"),
        retention_days: int | None = typer.Option(
            None, "--retention-days", metavar="N", max=MAX_INT, help=_(
                "How long the file is kept (default the committee's retention period).")),
        as_json: bool = json_opt(),
    ) -> None:
        """File a closed case (归档) with its retention period; its file is frozen from then on."""
        from mediation.reporting import documents

        result = env(ctx).act(documents.archive, case_ref, retention_days=retention_days)
        if as_json:
            render.emit_json(result)
        else:
            render.out(_("Filed {case} on {date}; kept for {period}; {count} documents "
                               "frozen.", case=result["case"], date=result["filed_on"],
                               period=result["retention"],
                               count=len(result["documents"])) + "\n")


def _prefix(uow: Any, actor: Any) -> str:
    from mediation.committee import committee_of

    return committee_of(uow, actor).prefix


def register(app: typer.Typer) -> None:
    templates = typer.Typer(help=_(
        "Document templates: the built-in ones and the committee's own."), no_args_is_help=True)
    app.add_typer(templates, name="templates")

    @templates.command("list", help=_(
        "List the templates in effect and where each comes from."))
    def list_(ctx: typer.Context, fmt: str | None = format_opt(),
              as_json: bool = json_opt()) -> None:
        """List the templates in effect and where each comes from."""
        from mediation.reporting import printing

        prefix = env(ctx).act(_prefix, write=False)
        rows = printing.list_templates(prefix)
        folder = str(printing.committee_folder(prefix))
        columns = [render.Column(_("Template")), render.Column(_("Document"), flexible=True),
                   render.Column(_("Template source"))]
        body = [[r["name"], documentkinds.shown(r["name"].removesuffix(".docx")),
                 _("committee") if r["source"] == "committee" else _("built-in")] for r in rows]
        chosen = render.show(columns, body, fmt=fmt, as_json=as_json,
                             document={"committee_folder": folder, "templates": rows})
        if chosen != "json":
            render.err(_("Committee folder: {folder}", folder=folder) + "\n")

    @templates.command("export", help=_(
        "Copy the templates in effect to a folder to edit them; never overwrites a file."))
    def export(
        ctx: typer.Context,
        names: list[str] = typer.Argument(None, metavar="NAME", help=_(
            "Which templates (default all), e.g. agreement; last, if you like, the folder "
            "(DIR) to copy them into, an argument that is not a template's name (default the "
            "committee's template folder).")),
        out: str | None = out_alias("DIR"),
        as_json: bool = json_opt(),
    ) -> None:
        """Copy the templates in effect to a folder to edit them; never overwrites a file."""
        from mediation.reporting import printing

        names = list(names or [])
        destination = names.pop() if names and not printing.is_template(names[-1]) else None
        folder = place(destination, out, folder=True, metavar="DIR", optional=True)
        prefix = env(ctx).act(_prefix, write=False)
        result = printing.export_templates(prefix, folder, names)
        if as_json:
            render.emit_json(result)
            return
        con = render.console()
        con.print(_("Templates in {folder}:", folder=result["folder"]))
        for name in result["written"]:
            con.print("  " + _("written: {file}", file=name))
        for name in result["kept"]:
            con.print("  " + _("kept (exists, not overwritten): {file}", file=name))

