"""`mediation calendar show|set`: the committee's time zone and public-holiday rule."""

from __future__ import annotations

import typer

from cli import records, render
from cli.context import env
from cli.options import json_opt
from mediation.core.i18n import _


def _say(result: dict[str, object]) -> None:
    if not result.get("changed", True):
        render.out(_("Nothing changed: the calendar already has these settings.") + "\n")
    render.out(_("Time zone: {zone}; a period ending on a public holiday: {rule}.",
                       zone=result["zone"],
                       rule=_("runs on to the next working day") if result["holidays_extend"]
                       else _("ends on that day")) + "\n")
    render.out(_("A step may be entered up to {days} days after it happened (--at).",
                 days=result["late_entry_days"]) + "\n")


def _rows(result: dict[str, object]) -> list[tuple[str, str]]:
    """The calendar's settings, each by its name (workflow.setting_name), for a pipe."""
    from mediation.workflow import setting_name

    return [(setting_name("zone").render(), str(result["zone"])),
            (setting_name("holidays").render(), _("yes") if result["holidays_extend"]
             else _("no")),
            (setting_name("late_entry_days").render(), str(result["late_entry_days"]))]


def register(app: typer.Typer) -> None:
    cal = typer.Typer(help=_("The committee's calendar: time zone, public holidays and late "
                             "entries (see docs/settings.md)."), no_args_is_help=True)
    app.add_typer(cal, name="calendar")

    @cal.command("show", help=_("Show the committee's time zone and public-holiday rule."))
    def calendar_show(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the committee's time zone and public-holiday rule."""
        from mediation import calendars

        result = env(ctx).act(calendars.show, write=False)
        records.show(lambda: _rows(result), lambda: _say(result), as_json=as_json,
                     document=result)

    @cal.command("set", help=_(
        "Set the committee's time zone, public-holiday rule and/or late-entry days "
        "(directors; recorded)."))
    def calendar_set(
        ctx: typer.Context,
        zone: str | None = typer.Option(None, "--zone", metavar="ZONE", help=_(
            "An IANA time zone, e.g. Asia/Shanghai (the default) or Asia/Urumqi.")),
        holidays: bool | None = typer.Option(None, "--holidays/--no-holidays", help=_(
            "Whether a period whose last day is a public holiday runs on to the next working "
            "day (Civil Code art. 203; off by default).")),
        late_entry_days: int | None = typer.Option(
            None, "--late-entry-days", metavar="N", min=0, max=366, help=_(
                "How many days after it happened a step may still be entered with --at "
                "(补录; default 30).")),
        as_json: bool = json_opt(),
    ) -> None:
        """Set the committee's time zone and/or public-holiday rule (directors; recorded)."""
        from mediation import calendars

        if zone is None and holidays is None and late_entry_days is None:
            raise typer.BadParameter(_("give --zone, --holidays/--no-holidays and/or "
                                       "--late-entry-days"), param_hint="--zone")
        result = env(ctx).act(calendars.set_calendar, zone=zone, holidays_extend=holidays,
                              late_entry_days=late_entry_days)
        if as_json:
            render.emit_json(result)
        else:
            _say(result)
