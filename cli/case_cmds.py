"""`mediation case ...`: intake, every workflow step, show, list, history."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli import render
from cli.choices import category_opt, choice_opt
from cli.context import env
from cli.options import (
    MAX_INT,
    at_opt,
    decoded,
    format_opt,
    json_opt,
    parse_amount,
    parse_at,
    parse_date,
    read_stdin,
    registered_from_opt,
    registered_to_opt,
    reveal_opt,
    reveal_reason_opt,
    version_opt,
)
from mediation.core.errors import DuplicateSuspected, InvalidInput
from mediation.core.files import not_readable
from mediation.core.i18n import _, msg
from mediation.core.periods import AHEAD

if TYPE_CHECKING:
    from cli.context import Env
    from cli.intake_draft import Draft
    from mediation.cases import CaseIn


def register(app: typer.Typer) -> None:
    case = typer.Typer(help=_("Cases: intake, each workflow step, and reading them."),
                       no_args_is_help=True)
    app.add_typer(case, name="case")

    @case.command("new")
    def new(
        ctx: typer.Context,
        file: str | None = typer.Option(
            None, "--file", "-f", metavar="FILE",
            help=_("The case as JSON (see docs/case-json.md); '-' reads standard input. "
                   "Without it, a guided intake asks at the terminal; interrupted, it keeps "
                   "what was typed in a private draft, which the next `case new` offers to "
                   "continue."),
        ),
        force: bool = typer.Option(
            False, "--force", help=_("Register even if it looks like a duplicate (recorded).")),
        at: str | None = at_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Register a new dispute (登记)."""
        from mediation import intake

        e = env(ctx)
        when = parse_at(at)  # before the guided intake asks anything
        if file is None and not sys.stdin.isatty():
            raise typer.BadParameter(
                _("give --file FILE (or '-' for standard input); the guided intake needs "
                  "a terminal"), param_hint="--file")
        from mediation import calendars

        with e.uow(write=False) as uow:  # who acts, and the calendar the record is read on
            actor = e.actor(uow)
            calendar = calendars.of(uow, actor.committee_id)
        from mediation.core import clock

        clock.use(calendar)  # the guided intake shows times in it (output.local_time)
        draft = None
        if file is None:
            from cli.intake_draft import Draft
            from cli.prompts import guided_intake, guided_registration

            draft = Draft(e.url(), actor)  # theirs alone: another member never sees it
            with draft.kept():  # Ctrl-C: what was typed kept, offered next time
                if when is not None:  # --at: when it was registered is given
                    record = guided_intake(calendar, draft=draft)
                else:  # asked, and a refusal of the registration back to the summary
                    result = guided_registration(calendar, draft, lambda rec, at: _register(
                        e, rec, force=force, at=at, draft=draft))
                    return _registered(result, as_json, draft)
        else:
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
            _refuse_a_table(data, origin)
            record = intake.load_case_file(decoded(data, origin), origin=origin,
                                           calendar=calendar)
        with draft.kept() if draft is not None else nullcontext():
            result = _register(e, record, force=force, at=when, draft=draft)
        _registered(result, as_json, draft)

    @case.command("accept")
    def accept(ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
               expect_version: int | None = version_opt(),
               at: str | None = at_opt(), as_json: bool = json_opt()) -> None:
        """Accept the dispute (受理); the 30-day clock starts."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.accept, case_ref, expected_version=expect_version,
                                      at=parse_at(at)),
                         as_json)

    @case.command("decline")
    def decline(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str = choice_opt("decline", ..., "--reason", help=_("Why it is declined.")),
        advice: str = typer.Option(..., "--advice", help=_(
            "The advice given: which court or authority to go to.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Decline the dispute (不予受理), recording the reason and the advice given."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.decline, case_ref, reason=reason, advice=advice,
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("mediate")
    def mediate(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        mediator: str | None = typer.Option(None, "--mediator", help=_(
            "The lead mediator (主持人): a user name, a name (李明), or a part of only one "
            "name (李).")),
        co: list[str] = typer.Option([], "--co", help=_(
            "A co-mediator: a user name, a name, or a part of only one name (repeatable).")),
        rights_notified: bool = typer.Option(False, "--rights-notified", help=_(
            "The parties have been told their rights and duties (权利义务告知).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Start mediating: appoint mediators and record the rights notice."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.mediate, case_ref, mediator=mediator,
                                      co_mediators=co, rights_notified=rights_notified,
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("session")
    def session(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        minutes: str = typer.Option(..., "--minutes", help=_("The minutes (调解笔录).")),
        place: str | None = typer.Option(None, "--place", help=_("Where it was held.")),
        attendees: str | None = typer.Option(None, "--attendees", help=_("Who attended.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record a mediation session and its minutes."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.session, case_ref, minutes=minutes, place=place,
                                      attendees=attendees, expected_version=expect_version,
                                      at=parse_at(at)),
                         as_json)

    @case.command("extend")
    def extend(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        days: int = typer.Option(..., "--days", max=MAX_INT,
            help=_("How many more days (1-30).")),
        reason: str = typer.Option(..., "--reason", help=_("Why more time is needed.")),
        consent: bool = typer.Option(False, "--consent", help=_(
            "Both parties consented (recorded).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Extend the one-month mediation period with the parties' consent."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.extend, case_ref, days=days, reason=reason,
                                      consent=consent, expected_version=expect_version,
                                      at=parse_at(at)),
                         as_json)

    @case.command("agree")
    def agree(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        terms: str = typer.Option(..., "--terms", help=_(
            "The terms: obligations, manner, place, deadline.")),
        written: bool = typer.Option(True, "--written/--oral", help=_(
            "A written agreement (调解协议书) or an oral one (口头协议).")),
        amount: str | None = typer.Option(None, "--amount", help=_(
            "Amount in yuan: 1500, 1,500, 1500.00, 500元 or 1.5万; at most two decimals, "
            "at most 1,000,000,000.00.")),
        due: str | None = typer.Option(None, "--due", metavar="DATE", help=_(
            "Performance deadline: 2026-12-31, or 12月31日 for the next one to come.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record the agreement reached (a new version after re-mediation)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.agree, case_ref, terms=terms, written=written,
                                      amount=parse_amount(amount),
                                      due=parse_date(due, "--due", AHEAD),
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("terminate")
    def terminate(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str = choice_opt("terminate", ..., "--reason", help=_(
            "Why mediation ends.")),
        advice: str = typer.Option(..., "--advice", help=_(
            "The advice given: court, arbitration or administrative route.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """End mediation without agreement (终止调解)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.terminate, case_ref, reason=reason, advice=advice,
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("confirm")
    def confirm(ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
                expect_version: int | None = version_opt(), at: str | None = at_opt(),
                as_json: bool = json_opt()) -> None:
        """The agreement takes effect (signed and sealed, or oral) (确认)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.confirm, case_ref,
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("judicial")
    def judicial(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        court: str | None = typer.Option(None, "--court", help=_("The court applied to.")),
        filed: str | None = typer.Option(None, "--filed", metavar="DATE", help=_(
            "Filing date, YYYY-MM-DD (default today).")),
        result: str | None = choice_opt("judicial", None, "--result", help=_(
            "The court's decision."), codes=("confirmed", "rejected")),
        decided: str | None = typer.Option(None, "--decided", metavar="DATE", help=_(
            "Decision date, YYYY-MM-DD (default today).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Judicial confirmation (司法确认): file it, or record the court's result."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.judicial, case_ref, court=court,
                                      filed_on=parse_date(filed, "--filed"), result=result,
                                      decided_on=parse_date(decided, "--decided"),
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("remediate")
    def remediate(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str = typer.Option(..., "--reason", help=_(
            "Why: unlawful or plainly unfair, or judicial confirmation rejected.")),
        consent: bool = typer.Option(False, "--consent", help=_(
            "Both parties consented (recorded).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Mediate again (重新调解); the old agreement stays, a new version follows."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.remediate, case_ref, reason=reason,
                                      consent=consent, expected_version=expect_version,
                                      at=parse_at(at)),
                         as_json)

    @case.command("prevent")
    def prevent(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        kind: str = choice_opt("prevention", ..., "--kind", help=_(
            "What was prevented.")),
        persons: int = typer.Option(..., "--persons", max=MAX_INT,
                                    help=_("Persons involved.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record an escalation prevented (防止激化), counted in cases and persons."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.prevent, case_ref, kind=kind, persons=persons,
                                      expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("assign", help=_(
        "Appoint or replace the case's mediators (directors; recorded)."))
    def assign(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        mediator: str = typer.Option(..., "--mediator", help=_(
            "The lead mediator (主持人): a user name, a name (李明), or a part of only one "
            "name (李).")),
        co: list[str] = typer.Option([], "--co", help=_(
            "A co-mediator: a user name, a name, or a part of only one name (repeatable).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Appoint or replace the case's mediators (directors; recorded)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.assign, case_ref, mediator=mediator,
                                      co_mediators=co, expected_version=expect_version,
                                      at=parse_at(at)),
                         as_json)

    @case.command("show")
    def show(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reveal: bool = reveal_opt(), reason: str | None = reveal_reason_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Show one case file (parties, guardians, representatives); masked unless revealed."""
        from mediation import queries

        view = env(ctx).act(queries.case_view, case_ref, reveal=reveal, reason=reason,
                            write=reveal)
        render.case_view(view, as_json=as_json)

    @case.command("list")
    def list_(
        ctx: typer.Context,
        state: str | None = choice_opt("state", None, "--state", help=_(
            "Only cases in this state.")),
        overdue: bool = typer.Option(False, "--overdue", help=_(
            "Only cases past the 30-day period without a consented extension.")),
        mine: bool = typer.Option(False, "--mine", help=_("Only cases assigned to me.")),
        mediator: str | None = typer.Option(None, "--mediator", metavar="USER", help=_(
            "Only cases this mediator handles (a user name or name).")),
        category: str | None = category_opt("--category", help=_(
            "Only this category: a code, a name, or a parent code (with its sub-categories).")),
        from_: str | None = registered_from_opt(),
        to: str | None = registered_to_opt(),
        limit: int = typer.Option(50, "--limit", min=1, max=MAX_INT, help=_(
            "Show at most this many cases, newest first.")),
        page: int = typer.Option(1, "--page", min=1, max=MAX_INT, help=_(
            "Which page of --limit cases (1 is the newest).")),
        all_: bool = typer.Option(False, "--all", help=_("Show every case (no --limit).")),
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """List cases, newest first, with the total: by state, category, overdue, mine."""
        from mediation import caselist  # no stored tables' classes, no ORM (issue 18)
        from mediation.core.choices import category_family

        families = category_family(category) if category else None
        first, last = parse_date(from_, "--from"), parse_date(to, "--to")
        rows, total = env(ctx).act(caselist.case_page, state=state, overdue=overdue, mine=mine,
                                   categories=families, limit=None if all_ else limit,
                                   page=1 if all_ else page, mediator=mediator,
                                   registered=(first, last), write=False)
        render.case_list(rows, as_json=as_json, fmt=fmt, total=total,
                         page=1 if all_ else page, view="overdue" if overdue else "list")

    @case.command("history")
    def history(ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
                since: str | None = typer.Option(None, "--since", metavar="DATE", help=_(
                    "Only the steps recorded from this day on (2026-11-30, 11月28日, 昨天, "
                    "周日), in the committee's time zone.")),
                reveal: bool = reveal_opt(), reason: str | None = reveal_reason_opt(),
                fmt: str | None = format_opt(), as_json: bool = json_opt()) -> None:
        """Every step of one case from the event log, guardians too; masked unless revealed."""
        from mediation import queries

        day = parse_date(since, "--since")  # a usage error before the case is read
        render.history(env(ctx).act(queries.history, case_ref, reveal=reveal, reason=reason,
                                    write=reveal), as_json=as_json, fmt=fmt, since=day)

    from cli import correction_cmds, document_cmds, search_cmds

    document_cmds.register_case(case)
    search_cmds.register_case(case)
    correction_cmds.register(case)


def _registered(result: dict[str, Any], as_json: bool, draft: Draft | None) -> None:
    if draft is not None:
        draft.discard()  # the case is written
    if as_json:
        render.emit_json(render.json_read_as(result))
    else:
        render.out(render.with_read_as(_("Registered {number} (id {id}).",
                                         number=result["number"], id=result["id"])) + "\n")
        render.elsewhere(result.get("elsewhere"))
        render.notes(result.get("notes"))


def _register(e: Env, record: CaseIn, *, force: bool, at: date | None,
              draft: Draft | None) -> dict[str, Any]:
    """Register the case; after a guided intake (``draft``), a probable duplicate is shown
    side by side and the clerk decides (registered anyway as --force is, or nothing written
    and the draft deleted) instead of losing what was typed."""
    from mediation import intake

    try:
        return e.act(intake.new_case, record, force=force, at=at)
    except DuplicateSuspected as exc:
        if draft is None:
            raise
        from cli.prompts import yes

        if exc.matches:  # masked for this reader by the service
            render.duplicates(exc.matches, exc.record)
        else:  # only a duplicate the director can see: the notice says so
            render.err(exc.render() + "\n")
        if not yes(_("Register it anyway? (recorded, as --force is)")):
            draft.discard()
            render.err(_("Not registered; nothing was written.") + "\n")
            raise typer.Exit(exc.exit_code) from None
        return e.act(intake.new_case, record, force=True, at=at)


def _refuse_a_table(data: bytes | str, origin: str) -> None:
    """A spreadsheet or a document given as the case's JSON (filekinds.kind_of): one line."""
    from mediation.core import filekinds

    head = data[:filekinds.HEAD]
    kind = filekinds.kind_of(origin, head.encode() if isinstance(head, str) else head)
    if kind is not None:
        raise InvalidInput(msg("{origin}: a {kind} file, not JSON; case new --file takes one "
                               "case as JSON (see docs/case-json.md); a ledger of cases goes "
                               "through case import", origin=origin, kind=kind))
