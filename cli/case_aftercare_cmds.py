"""`mediation case recuse|police`: the steps beside a case's course (issue 15)."""

from __future__ import annotations

import typer

from cli import render
from cli.context import env
from cli.options import at_opt, json_opt, parse_at, version_opt
from mediation.core.i18n import _


def register(app: typer.Typer) -> None:
    case = next(g.typer_instance for g in app.registered_groups if g.name == "case")
    assert case is not None

    @case.command("recuse", help=_(
        "A party asked for another mediator (回避): record it and replace the lead mediator "
        "(directors; recorded)."))
    def recuse(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        party: str = typer.Option(..., "--party", metavar="NAME", help=_(
            "The party who asked.")),
        reason: str = typer.Option(..., "--reason", help=_("Why they asked.")),
        mediator: str = typer.Option(..., "--mediator", help=_(
            "The lead mediator who takes over, a staff user name.")),
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
