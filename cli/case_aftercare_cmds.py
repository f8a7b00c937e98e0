"""`mediation case visit|urge|feedback|close|recuse|police|schedule`: the steps after mediation
and beside a case's course (issue 15), and the next session agreed (issue 14)."""

from __future__ import annotations

import typer

from cli import render
from cli.choices import choice_opt
from cli.context import env
from cli.options import at_opt, composed, hours_help, json_opt, parse_at, version_opt
from mediation.core.i18n import _


def register(app: typer.Typer) -> None:
    case = next(g.typer_instance for g in app.registered_groups if g.name == "case")
    assert case is not None

    @case.command("visit", help=_(
        "Record a follow-up visit (回访); a case may have several."))
    def visit(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        visited: str = typer.Option("当事人", "--visited", metavar="NAME", help=_(
            "Who was visited (default: the parties, 当事人).")),
        satisfaction: str = choice_opt("satisfaction", ..., "--satisfaction", help=_(
            "How satisfied the parties are.")),
        performance: str | None = choice_opt("performance", None, "--performance", help=_(
            "How the agreement is performed.")),
        visitor: str | None = typer.Option(None, "--visitor", metavar="NAME", help=_(
            "Who visited (default: you).")),
        measures: str | None = typer.Option(None, "--measures", metavar="TEXT", help=_(
            "Measures taken.")),
        escalation: str | None = typer.Option(None, "--escalation", metavar="TEXT", help=_(
            "Signs of escalation seen, if any.")),
        lawsuit: bool = typer.Option(False, "--lawsuit", help=_("A party has gone to court.")),
        note: str | None = typer.Option(None, "--note", help=_("What the visit found.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record a follow-up visit (回访); a case may have several."""
        from mediation import steps

        render.step_done(env(ctx).act(
            steps.visit, case_ref, visited=visited, satisfaction=satisfaction,
            performance=performance, visitor=visitor, measures=measures,
            escalation=escalation, lawsuit=lawsuit, note=note,
            expected_version=expect_version, at=parse_at(at)), as_json)

    @case.command("urge", help=_("Record that a party was urged to perform (督促履行)."))
    def urge(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        note: str = typer.Option(..., "--note", help=_("Whom you urged, and how.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record that a party was urged to perform (督促履行)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.urge, case_ref, note=note,
                                      expected_version=expect_version, at=parse_at(at)),
                         as_json)

    @case.command("feedback", help=_(
        "Record that the outcome was reported back (反馈) to whoever brought the dispute."))
    def feedback(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        channel: str = choice_opt("channel", ..., "--channel", help=_(
            "How the outcome was reported.")),
        to: str | None = typer.Option(None, "--to", metavar="WHOM", help=_(
            "To whom: a party, by name or a part of one name, or 双方当事人, 申请人, 被申请人; "
            "the grid worker (网格员) of a case from a grid report; the referring body of a "
            "referred case (法院, 公安机关, 信访部门, 政府部门). Anyone else is refused. "
            "Default: whoever brought the dispute (a lead's grid worker, the referring body, "
            "the applicants).")),
        note: str | None = typer.Option(None, "--note", help=_("What was said.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record that the outcome was reported back (反馈) to whoever brought the dispute."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.feedback, case_ref, channel=channel, to=to,
                                      note=note, expected_version=expect_version,
                                      at=parse_at(at)), as_json)

    @case.command("close", help=_(
        "Close and file the case (结案归档), after its follow-up visit and its feedback."))
    def close(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str | None = typer.Option(None, "--reason", help=_(
            "Directors: close an agreement found partly or not performed, after urging, "
            "and say why (the parties were told they may sue).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Close and file the case (结案归档), after its follow-up visit and its feedback."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.close, case_ref, reason=reason,
                                      expected_version=expect_version, at=parse_at(at)),
                         as_json)

    @case.command("recuse", help=_(
        "A party asked for another mediator (回避): record it and replace the lead mediator "
        "(directors; recorded)."))
    def recuse(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        party: str = typer.Option(..., "--party", metavar="NAME", help=_(
            "The party who asked.")),
        reason: str = typer.Option(..., "--reason", help=_("Why they asked.")),
        mediator: str = typer.Option(..., "--mediator", help=_(
            "The lead mediator who takes over: a user name, a name (李明), or a part of only "
            "one name (李).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """A party asked for another mediator (回避): record it and replace the lead mediator
        (directors; recorded)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.recuse, case_ref, party=party, reason=reason,
                                      mediator=mediator, expected_version=expect_version,
                                      at=parse_at(at)), as_json)

    @case.command("police", help=_(
        "Record that a dispute likely to turn criminal was reported to the police "
        "(Law art. 25)."))
    def report_police(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        to: str = typer.Option(..., "--to", metavar="TEXT", help=_(
            "Which police station or department was told.")),
        note: str | None = typer.Option(None, "--note", help=_("What was reported.")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record that a dispute likely to turn criminal was reported to the police
        (Law art. 25)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.report_police, case_ref, to=to, note=note,
                                      expected_version=expect_version, at=parse_at(at)),
                         as_json)

    @case.command("schedule", help=_(
        "Record the next mediation session agreed with the parties (约定下次调解): when and "
        "where; the agenda reminds of it. A later one replaces it."))
    def schedule(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        when: str | None = typer.Option(None, "--at", metavar="WHEN", help=composed(_(
            "When, a date and time of the committee's calendar later than now: "
            "2026-12-05 09:30, 12月5日 上午9点半, 明天 下午3点, 周五 9点, 下午三点 (today); a "
            "date without its year or a day of the week alone the next such day. {hours}",
            hours=hours_help()))),
        place: str | None = typer.Option(None, "--place", metavar="TEXT", help=_(
            "Where (村委会调解室).")),
        note: str | None = typer.Option(None, "--note", help=_("Who is to come, what to bring.")),
        cancel: bool = typer.Option(False, "--cancel", help=_(
            "Cancel the next session agreed.")),
        expect_version: int | None = version_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Record the next mediation session agreed with the parties (约定下次调解): when and
        where; the agenda reminds of it. A later one replaces it."""
        from mediation import steps
        from mediation.core.errors import Unchanged

        try:
            done = env(ctx).act(steps.schedule, case_ref, when=parse_at(when, toward="ahead"),
                                place=place, note=note, cancel=cancel,
                                expected_version=expect_version)
        except Unchanged as same:  # booked already so: nothing written (exit 0)
            if as_json:
                render.emit_json({"changed": [], "message": same.render()})
            else:
                render.out(same.render() + "\n")
            return
        render.step_done(done, as_json)
