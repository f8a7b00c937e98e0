"""`mediation agenda` (待办): what is due for the signed-in user, each with its command."""

from __future__ import annotations

from typing import Any

import typer

from cli import render
from cli.context import env
from cli.options import MAX_INT, format_opt, json_opt
from mediation.core.i18n import _

KIND_NAMES = {
    "overdue": lambda: _("Overdue"),
    "assign": lambda: _("No mediator"),
    "performance": lambda: _("Performance due"),
    "judicial": lambda: _("Judicial window"),
    "due_soon": lambda: _("Period ending"),
    "session": lambda: _("Next session"),
    "follow_up": lambda: _("Follow-up visit"),
    "feedback": lambda: _("Feedback due"),
    "close": lambda: _("Ready to close"),
    "intake": lambda: _("Waiting in intake"),
}


def register(app: typer.Typer) -> None:
    @app.command("agenda", help=_(
        "What is due: overdue cases, performance, visits, feedback, closing, judicial windows, "
        "intake (待办)."))
    def agenda(
        ctx: typer.Context,
        committee: bool = typer.Option(False, "--committee", help=_(
            "The whole committee's agenda: every case of it you may read (a director's "
            "default).")),
        all_: bool = typer.Option(False, "--all", hidden=True, help=_(
            "The old name of --committee.")),
        mine: bool = typer.Option(False, "--mine", help=_(
            "Only the cases assigned to you (a mediator's default adds those waiting in "
            "intake).")),
        days: int = typer.Option(7, "--days", min=0, max=366, help=_(
            "Show periods and judicial-confirmation windows ending within this many days.")),
        intake_days: int = typer.Option(3, "--intake-days", min=0, max=MAX_INT, help=_(
            "Show cases waiting in intake for more than this many days.")),
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """What is due: overdue cases, performance, visits, judicial windows, intake (待办)."""
        from mediation import agenda as svc

        if all_:  # --all lists every row elsewhere (case list, audit log): here it was this
            render.err(_("note: `agenda --all` is now `agenda --committee` (the whole "
                         "committee's agenda); --all lists every row in case list and audit "
                         "log.") + "\n")
        due = env(ctx).act(svc.due, everyone=committee or all_, mine=mine, days=days,
                           intake_days=intake_days, write=False)
        show(due.items, fmt=fmt, as_json=as_json, wider=due.wider)


def show(items: list[Any], *, fmt: str | None = None, as_json: bool = False,
         wider: str = "") -> None:
    """The agenda: JSON, TSV rows (kind, number, date, days, what to do, command), or on a
    terminal each item in three lines: when and which case, what to do, the command. ``wider``:
    the scope ``--committee`` would show (``agenda.Due``); when nothing is due, say so and point to
    it (on standard error unless it is the table, so a pipe's rows stay rows)."""
    from mediation.access.policy import COMMITTEE

    chosen = render.output_format(fmt, as_json)
    own = bool(wider)
    if own and not items:
        hint = (_("Nothing of yours is due. The whole committee's agenda: `mediation agenda "
                  "--committee`.") if wider == COMMITTEE else
                _("Nothing of yours is due. With the cases waiting in intake: `mediation "
                  "agenda`.")) + "\n"
        if chosen == "table":
            render.out(hint)
            return
        render.err(hint)
    if chosen == "json":
        render.emit_json([i.as_dict() for i in items])
        return
    if not items and not own:
        render.nothing(_("Nothing is due."), chosen)
    if chosen in ("tsv", "csv"):
        columns = [render.Column(h) for h in (
            _("Kind"), _("Number"), _("Date"), _("Days"), _("To do"), _("Command"))]
        rows = [[KIND_NAMES[i.kind](), i.number, i.when.isoformat(), str(i.days),
                 i.todo.render(), i.command] for i in items]
        render.emit_rows(columns, rows, chosen)
        return
    from cli.lines import command_lines, emit, keep, keep_each

    if not items:
        return
    for i in items:
        emit(f"{keep(KIND_NAMES[i.kind]())}  {keep(_when(i.days))}  {keep(i.number)}  "
             f"{keep_each(i.parties)}", first_indent="", indent="    ")
        emit(i.todo.render(), indent="    ")
        for line in command_lines(i.command):
            render.out("    " + line + "\n")
    render.out(_("{count} to do.", count=len(items)) + "\n")


def _when(days: int) -> str:
    """THE wording of an item's date relative to today: every item's date is when it falls due
    (a deadline, a performance date, a visit or feedback due), so a past one is overdue."""
    if days < 0:
        return _("overdue by {n} days", n=-days)
    if days == 0:
        return _("today")
    return _("in {n} days", n=days)
