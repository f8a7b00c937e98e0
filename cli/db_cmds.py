"""`mediation db ...`: schema migrations, backup, restore and the integrity check.

These are operator commands: they act on the database itself (whoever can reach the file or the
server can run them), so they need no staff user, except `db check`'s audit hook.
"""

from __future__ import annotations

import sys

import typer

from cli import render
from cli.context import env
from cli.options import json_opt
from mediation.core.i18n import N_, _, gettext_

# What `db check` calls each of mediation.integrity's checks (a new check needs its line here:
# tests/cli/test_edges.py runs the check and looks every name up).
CHECK_LABELS = {
    "integrity": N_("Database integrity"),
    "foreign_keys": N_("Foreign keys"),
    "event_log": N_("Event log numbering and head"),
    "case_states": N_("Case states against their events"),
    "audit_chain": N_("Audit hash chain"),
    "stat_counters": N_("Statistics counters"),
    "search_index": N_("Search index against the cases"),
    "search_grams": N_("Search index"),
}
# How a backup was made (maintenance.backup's "method"), said in the reader's language.
BACKUP_METHODS = (N_("VACUUM INTO"), N_("pg_dump --format=custom"))


def register(app: typer.Typer) -> None:
    db = typer.Typer(help=_("The database: migrations, backup, restore, integrity check."),
                     no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Migrate the schema to the newest revision (creating it if the database is empty)."""
        from mediation.db import migrate
        from mediation.db.engines import engine_for

        before, after = migrate.upgrade(engine_for(env(ctx).url()))
        if as_json:
            render.emit_json({"before": before, "after": after})
        elif before == after:
            render.out(_("The schema is up to date (revision {rev}).", rev=after) + "\n")
        else:
            render.out(_("Schema migrated from {before} to {after}.",
                               before=before or _("(empty)"), after=after) + "\n")

    def _status(ctx: typer.Context, as_json: bool, full: bool) -> None:
        from mediation.db import migrate
        from mediation.db.engines import existing_engine

        engine = existing_engine(env(ctx).url())
        info = migrate.status(engine, with_drift=full)
        if as_json:
            render.emit_json(info)
            return
        out = sys.stdout
        out.write(_("Database: {url}", url=info["url"]) + "\n")
        out.write(_("Revision: {rev} (newest known: {head})",
                    rev=info["current"] or _("(none)"), head=info["head"]) + "\n")
        if full:
            for r in info["revisions"]:
                mark = "*" if r["applied"] else " "
                # a revision's description: from the catalogues (revision.NNNN), else its own
                label = gettext_(f"revision.{r['revision']}")
                if label.startswith("revision."):
                    label = r["message"].splitlines()[0]
                out.write(f"  {mark} {r['revision']}  {label}\n")
        if info["pending"]:
            out.write(_("Pending: {revs}; run `mediation db upgrade`.",
                        revs=", ".join(info["pending"])) + "\n")
        elif full and info["drift"]:
            out.write(_("The schema differs from the models in {count} place(s): {diffs}",
                        count=len(info["drift"]), diffs="; ".join(info["drift"])) + "\n")
        else:
            out.write(_("Up to date.") + "\n")

    @db.command("current")
    def current(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the schema revision of the database."""
        _status(ctx, as_json, full=False)

    @db.command("status")
    def status(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the revision, the known revisions, and any difference from the models."""
        _status(ctx, as_json, full=True)

    @db.command("backup")
    def backup(
        ctx: typer.Context,
        destination: str = typer.Argument(..., metavar="FILE", help=_(
            "The file to write the copy to (its folder must exist).")),
        force: bool = typer.Option(False, "--force", help=_("Overwrite FILE if it exists.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Write a consistent copy of the database while terminals keep working."""
        from cli.options import place
        from mediation.db import maintenance
        from mediation.db.engines import existing_engine, require_schema

        path = place(destination, None, folder=False, metavar="FILE")
        assert path is not None
        engine = existing_engine(env(ctx).url())
        require_schema(engine)
        result = maintenance.backup(engine, path, force=force)
        if as_json:
            render.emit_json(result)
        else:
            render.out(_("Backup written to {file} ({size} bytes, {method}).",
                               file=result["file"], size=result["bytes"],
                               method=gettext_(result["method"])) + "\n")

    @db.command("restore")
    def restore(
        ctx: typer.Context,
        file: str = typer.Argument(..., metavar="FILE"),
        force: bool = typer.Option(False, "--force", help=_(
            "Replace the database even if a terminal has it open (their unsaved work is lost).")),
        as_json: bool = json_opt(),
    ) -> None:
        """Replace the database with a backup, after checking the backup."""
        from pathlib import Path

        from mediation.db import maintenance
        from mediation.db.engines import engine_for

        result = maintenance.restore(engine_for(env(ctx).url()), Path(file), force=force)
        if as_json:
            render.emit_json(result)
            return
        render.out(_("Restored {file} from {source} (schema revision {rev}).",
                           file=result["file"], source=result["from"],
                           rev=result["revision"]) + "\n")
        if result["kept"]:
            render.out(_("The replaced database is kept as {kept}.",
                               kept=result["kept"]) + "\n")
        render.out(_("Run `mediation db upgrade` if the backup is older than this "
                           "program.") + "\n")

    @db.command("reindex")
    def reindex(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Build the search index of every case anew from the case file.

        For when `mediation db check` finds the index differs from the cases. The cases
        themselves are not changed; searches wait for the rebuild, which is one transaction.
        """
        from mediation.db import searchindex

        with env(ctx).uow() as uow:
            count = searchindex.rebuild(uow.session.connection())
            uow.commit()
        if as_json:
            render.emit_json({"indexed": count})
        else:
            render.out(_("Search index rebuilt: {count} cases.", count=count) + "\n")

    @db.command("check")
    def check(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Check integrity, foreign keys, the event log, and every case against its events.

        Exits with 4 if anything fails.
        """
        from mediation import integrity
        from mediation.core.errors import IntegrityFailure
        from mediation.core.i18n import msg
        from mediation.db import maintenance

        with env(ctx).uow(write=False) as uow:
            results = integrity.check(uow)
            warnings = [w.render() for w in maintenance.file_warnings(uow.engine)]
        for warning in warnings:
            render.err(_("warning: {message}", message=warning) + "\n")
        if as_json:
            render.emit_json({"ok": all(c.ok for c in results),
                              "checks": maintenance.as_dicts(results), "warnings": warnings})
        else:
            labels = {name: _(label) for name, label in CHECK_LABELS.items()}
            for c in results:
                verdict = _("ok") if c.ok else _("FAILED")
                render.out(_("{verdict} {check}: {detail}", verdict=verdict,
                                   check=labels.get(c.name, c.name), detail=c.shown()) + "\n")
        failed = [c.name for c in results if not c.ok]
        if failed:
            raise IntegrityFailure(msg("the integrity check failed: {checks}",
                                       checks=", ".join(failed)))
