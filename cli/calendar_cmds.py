"""`mediation calendar show|set`: the committee's time zone and public-holiday rule."""

from __future__ import annotations

import typer

from cli import render
from cli.context import env
from cli.options import json_opt
from mediation.core.i18n import _


def _say(result: dict[str, object]) -> None:
    render.out(_("Time zone: {zone}; a period ending on a public holiday: {rule}.",
                       zone=result["zone"],
                       rule=_("runs on to the next working day") if result["holidays_extend"]
                       else _("ends on that day")) + "\n")


def register(app: typer.Typer) -> None:
    cal = typer.Typer(help=_("The committee's calendar: time zone and public holidays "
                             "(see docs/settings.md)."), no_args_is_help=True)
    app.add_typer(cal, name="calendar")

    @cal.command("show", help=_("Show the committee's time zone and public-holiday rule."))
    def calendar_show(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the committee's time zone and public-holiday rule."""
        from mediation import calendars

        result = env(ctx).act(calendars.show, write=False)
        if as_json:
            render.emit_json(result)
        else:
            _say(result)

    @cal.command("set", help=_(
        "Set the committee's time zone and/or public-holiday rule (directors; recorded)."))
    def calendar_set(
        ctx: typer.Context,
        zone: str | None = typer.Option(None, "--zone", metavar="ZONE", help=_(
            "An IANA time zone, e.g. Asia/Shanghai (the default) or Asia/Urumqi.")),
        holidays: bool | None = typer.Option(None, "--holidays/--no-holidays", help=_(
            "Whether a period whose last day is a public holiday runs on to the next working "
            "day (Civil Code art. 203; off by default).")),
        as_json: bool = json_opt(),
    ) -> None:
        """Set the committee's time zone and/or public-holiday rule (directors; recorded)."""
        from mediation import calendars

        if zone is None and holidays is None:
            raise typer.BadParameter(_("give --zone and/or --holidays/--no-holidays"),
                                     param_hint="--zone")
        result = env(ctx).act(calendars.set_calendar, zone=zone, holidays_extend=holidays)
        if as_json:
            render.emit_json(result)
        else:
            _say(result)
