"""`mediation procedure show|set`: the rules of the procedure a committee may adjust and its
province's numbering of the dispute categories (docs/settings.md)."""

from __future__ import annotations

from typing import Any

import typer

from cli import records, render
from cli.context import env
from cli.options import json_opt
from mediation.core.i18n import _


def _say(result: dict[str, Any]) -> None:
    if not result.get("changed", True):
        render.out(_("Nothing changed: the rules already have these settings.") + "\n")
    on, off = _("on"), _("off")
    lines = [
        _("One consented extension adds at most {days} days; extensions per case: {n}.",
          days=result["extension_days"], n=result["extensions"]),
        _("An agreement needs a recorded session: {value}.",
          value=on if result["agree_needs_session"] else off),
        _("A case is closed only after a follow-up visit: {value}.",
          value=on if result["close_needs_visit"] else off),
        _("Category numbering in reports: {value}.",
          value=result["numbering"] or _("the program's own codes")),
    ]
    render.out("\n".join(lines) + "\n")


def _rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules, each by its name (workflow.setting_name), for a pipe."""
    from mediation.workflow import SETTINGS, setting_name

    def value(v: object) -> str:
        return (_("yes") if v else _("no")) if isinstance(v, bool) else str(v)

    return [(setting_name(st.name).render(), value(result[st.name])) for st in SETTINGS] + [
        (setting_name("numbering").render(),
         result["numbering"] or _("the program's own codes"))]


def register(app: typer.Typer) -> None:
    proc = typer.Typer(help=_("The rules of the procedure a committee may adjust, and its "
                              "province's category numbering (see docs/settings.md)."),
                       no_args_is_help=True)
    app.add_typer(proc, name="procedure")

    @proc.command("show", help=_("Show the committee's adjustable rules of the procedure."))
    def procedure_show(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the committee's adjustable rules of the procedure."""
        from mediation import procedure

        result = env(ctx).act(procedure.show, write=False)
        records.show(lambda: _rows(result), lambda: _say(result), as_json=as_json,
                     document=result)

    @proc.command("set", help=_(
        "Change the committee's adjustable rules of the procedure (directors; recorded)."))
    def procedure_set(
        ctx: typer.Context,
        extension_days: int | None = typer.Option(None, "--extension-days", metavar="DAYS",
                                                  help=_("How many days one consented "
                                                         "extension may add at most (1-90).")),
        extensions: int | None = typer.Option(None, "--extensions", metavar="N", help=_(
            "How many consented extensions a case may have (0-3; local practice: 1).")),
        agree_needs_session: bool | None = typer.Option(
            None, "--agree-needs-session/--agree-without-session",
            help=_("Whether an agreement needs at least one recorded session (default on).")),
        close_needs_visit: bool | None = typer.Option(
            None, "--close-needs-visit/--close-without-visit",
            help=_("Whether a case is closed only after at least one follow-up visit "
                   "(default on).")),
        numbering: str | None = typer.Option(None, "--numbering", metavar="NAME", help=_(
            "The province's category numbering in reports: a file data/numbering/NAME.json; "
            "an empty value goes back to the program's codes.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Change the committee's adjustable rules of the procedure (directors; recorded)."""
        from mediation import procedure

        values: dict[str, Any] = {"extension_days": extension_days, "extensions": extensions,
                  "agree_needs_session": agree_needs_session,
                  "close_needs_visit": close_needs_visit}
        if numbering is None and all(v is None for v in values.values()):
            raise typer.BadParameter(_("give at least one setting to change"),
                                     param_hint="--extension-days")
        result = env(ctx).act(procedure.set_procedure, numbering=numbering,
                              extension_days=extension_days, extensions=extensions,
                              agree_needs_session=agree_needs_session,
                              close_needs_visit=close_needs_visit)
        if as_json:
            render.emit_json(result)
        else:
            _say(result)
