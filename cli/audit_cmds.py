"""`mediation audit ...`: verify the event log, sign checkpoints, and read timelines."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

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
    parse_date,
    place,
    reveal_opt,
    reveal_reason_opt,
)
from mediation.core.i18n import _, name

if TYPE_CHECKING:
    from mediation.audit import VerifyResult


def register(app: typer.Typer) -> None:
    audit = typer.Typer(help=_("Audit: verify the tamper-evident event log and review it."),
                        no_args_is_help=True)
    app.add_typer(audit, name="audit")

    @audit.command("verify")
    def verify(
        ctx: typer.Context,
        anchor: list[str] = typer.Option([], "--anchor", metavar="FILE", help=_(
            "A published head to check: a nightly manifest.json or a checkpoint (repeatable).")),
        key: str | None = typer.Option(None, "--key", metavar="FILE", help=_(
            "The checkpoint key file: check the checkpoints' signatures.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Recompute the whole hash chain and check sequence, head, case replay and anchors.

        Exit 0 when all holds; exit 4 with the first bad sequence number and what is wrong.
        The format and what is checked: docs/audit.md.
        """
        from mediation import audit as svc

        anchors = [svc.anchor_from_file(a) for a in anchor]
        key_bytes = svc.read_key(key) if key else None
        result = env(ctx).act(svc.run_verify, anchors, key=key_bytes, write=False)
        if as_json:
            render.emit_json(result.to_dict())
        else:
            _verify_report(result)
        svc.require_ok(result)

    @audit.command("checkpoint")
    def checkpoint(
        ctx: typer.Context,
        key: str = typer.Option(..., "--key", metavar="FILE", help=_(
            "The secret key file (at least 16 bytes; keep it away from the database host).")),
        destination: str | None = destination_arg("FILE", _(
            "The file to write the signed statement to (default: standard output).")),
        out: str | None = out_alias("FILE"),
        force: bool = force_opt(),
    ) -> None:
        """Write a signed (HMAC-SHA256) statement of the current head of the log.

        The checkpoint is recorded as an event first; the statement covers the head including it.
        Keep the key away from the database host; `audit verify --anchor FILE --key KEY` checks it.
        """
        from mediation import audit as svc
        from mediation.core import files

        key_bytes = svc.read_key(key)
        path = place(destination, out, folder=False, metavar="FILE", optional=True)
        if path is not None:  # before the checkpoint is recorded
            files.refuse_existing(path, force=force)
        statement = env(ctx).act(svc.checkpoint, key_bytes)
        text = json.dumps(statement, ensure_ascii=False, indent=2) + "\n"
        if path is None:
            render.out(text)
        else:
            files.write_atomically(path, text.encode("utf-8"), replace=force, parents=False)
        render.err(_("Checkpoint of event {seq} ({hash}) signed by {user}.",
                           seq=statement["log_head"]["seq"],
                           hash=statement["log_head"]["hash"][:16],
                           user=statement["signer"]["username"]) + "\n")

    @audit.command("log")
    def log(
        ctx: typer.Context,
        case: str | None = typer.Option(None, "--case", metavar="CASE", help=_(
            "Only the events of this case (id or number).")),
        actor: str | None = typer.Option(None, "--actor", metavar="USER", help=_(
            "Only the events of this staff member (user name or name).")),
        since: str | None = typer.Option(None, "--since", metavar="DATE", help=_(
            "From this day on (YYYY-MM-DD, China Standard Time).")),
        until: str | None = typer.Option(None, "--until", metavar="DATE", help=_(
            "Up to and including this day (YYYY-MM-DD, China Standard Time).")),
        action: str | None = typer.Option(None, "--action", help=_(
            "Only this action, e.g. accept, reveal, checkpoint.")),
        limit: int = typer.Option(50, "--limit", min=1, max=MAX_INT, help=_(
            "Show at most this many events, newest first.")),
        page: int = typer.Option(1, "--page", min=1, max=MAX_INT, help=_(
            "Which page of --limit events (1 is the newest).")),
        all_: bool = typer.Option(False, "--all", help=_("Show every event (no --limit).")),
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """The committee's event log as a readable timeline, newest first, with the total.

        On a terminal a timeline; in a pipe (or `--format tsv`) one tab-separated row per
        event: number, time, time it happened (if entered late), user, role, action, state,
        case, reason, changes.
        """
        from mediation import audit as svc

        page = 1 if all_ else page
        rows, total = env(ctx).act(svc.log_page, case=case, actor_name=actor,
                                   since=parse_date(since, "--since"),
                                   until=parse_date(until, "--until"), action=action,
                                   limit=None if all_ else limit, page=page, write=False)
        from cli.timeline import events

        chosen = events(rows, fmt=fmt, as_json=as_json, with_case=True, empty=_("No events."))
        if total and chosen != "json":
            line = render.list_summary(total, len(rows), page, unit="events")
            (sys.stdout if chosen == "table" and render.is_terminal() else sys.stderr).write(
                line + "\n")

    @audit.command("case")
    def case_(ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
              reveal: bool = reveal_opt(), reason: str | None = reveal_reason_opt(),
              as_json: bool = json_opt()) -> None:
        """One case's whole record for a reviewer: who did what, when, why, before and after;
        personal data masked unless revealed."""
        from mediation import audit as svc
        from mediation.tables import EventView

        view = env(ctx).act(svc.case_timeline, case_ref, reveal=reveal, reason=reason,
                            write=reveal)
        names = view.pop("names", [])
        if as_json:
            render.emit_json(view)
            return
        from cli.lines import emit, keep

        emit(_("{number}: now {state}, version {version}, {count} events",
               number=keep(view["number"]), state=keep(name("state", view["state"])),
               version=keep(view["version"]), count=keep(len(view["events"]))), bold=True)
        render.timeline([EventView(**e).naming(names) for e in view["events"]],
                        with_case=False)


# Fields whose values are enumerated names, and the kind of name they are.
def _verify_report(result: VerifyResult) -> None:
    err = sys.stderr
    seq, value = result.head
    if result.ok:
        render.out(_("The event log holds: {events} events, head {seq} ({hash}), {cases} "
                           "cases replayed.", events=result.events, seq=seq, hash=value[:16],
                           cases=result.cases) + "\n")
        if result.whole_files < result.cases:
            render.out(_("{n} of them registered before events recorded the whole case "
                               "file: their state and version were checked, not their fields.",
                               n=result.cases - result.whole_files) + "\n")
    for a in result.anchors:
        status = {
            "none": _("unsigned"), "unchecked": _("signature not checked (no --key)"),
            "valid": _("signature valid"), "invalid": _("signature INVALID"),
            "unsigned": _("NOT SIGNED (refused with --key)"),
        }[a.signature]
        found = _("present") if a.found else _("NOT present")
        line = _("anchor {file}: event {seq} {found}, {status}", file=a.source, seq=a.seq,
                 found=found, status=status)
        (sys.stdout if result.ok else err).write(line + "\n")
    if result.unchecked:
        (sys.stdout if result.ok else err).write(_(
            "Unchecked anchors (no signature checked; pass --key to require signed "
            "checkpoints): {files}", files=", ".join(a.source for a in result.unchecked)) + "\n")
    if not result.ok:
        for f in sorted(result.findings, key=lambda f: (f.seq is None, f.seq or 0)):
            where = _("event {seq}", seq=f.seq) if f.seq is not None else _("the chain")
            err.write(_("{where}: [{kind}] {detail}", where=where, kind=f.kind.value,
                        detail=f.detail.render()) + "\n")
        if result.more_findings:
            err.write(_("... and {n} more problems", n=result.more_findings) + "\n")
