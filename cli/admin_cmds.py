"""`mediation init`, `staff ...`, `workflow ...` and `demo`."""

from __future__ import annotations

from typing import Any

import typer

from cli import output, render
from cli.choices import choice_opt
from cli.context import env
from cli.options import MAX_INT, format_opt
from mediation.core.i18n import N_, _, name
from mediation.core.labels import staff_label

# The guards' names in the transition table (``workflow table``), under ``guard.*`` keys.
GUARD_NAMES = (
    N_("guard.has_category"), N_("guard.has_both_sides"), N_("guard.names_mediator"),
    N_("guard.rights_notified"), N_("guard.minutes_given"), N_("guard.terms_given"),
    N_("guard.decline_reason_allowed"), N_("guard.terminate_reason_allowed"),
    N_("guard.advice_given"), N_("guard.has_agreement"), N_("guard.follow_up_recorded"),
    N_("guard.consent_recorded"), N_("guard.reason_given"), N_("guard.extension_within_limit"),
    N_("guard.judicial_filing_in_time"), N_("guard.prevention_recorded"),
    N_("guard.amount_not_negative"), N_("guard.judicial_result_allowed"),
    N_("guard.session_recorded"), N_("guard.extension_allowed"),
    N_("guard.judicial_written_only"), N_("guard.dates_possible"),
    N_("guard.recusal_recorded"), N_("guard.police_report_recorded"),
    N_("guard.visited_named"), N_("guard.urging_recorded"), N_("guard.fed_back_recorded"),
    N_("guard.visit_before_close"), N_("guard.appointment_given"),
    N_("guard.appointment_ahead"))


def role_value(value: str) -> str:
    """A role typed as its code or its name (主任, 调解员...)."""
    from mediation.core import choices

    try:
        return choices.parse("role", value)
    except choices.ChoiceError as exc:
        raise typer.BadParameter(exc.message.render()) from None


def _committee_opt() -> Any:
    return typer.Option(None, "--committee", metavar="PREFIX", help=_(
        "Another committee, by its case-number prefix (district administrator)."))


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        ctx: typer.Context,
        committee: str = typer.Option(..., "--committee", help=_(
            "The committee's full name, e.g. 龙王港社区人民调解委员会.")),
        prefix: str = typer.Option(..., "--prefix", help=_(
            "The case-number prefix, e.g. 龙 gives (2026)龙人调字第1号.")),
        director_name: str | None = typer.Option(None, "--director-name", help=_(
            "The director's real name (default: the user name).")),
        no_login: bool = typer.Option(False, "--no-login", help=_(
            "Do not require sign-in: MEDIATION_USER alone names the actor (a one-person room; "
            "attribution only, not security).")),
        admin: bool = typer.Option(False, "--admin", help=_(
            "Become the district administrator instead of the director (a shared database).")),
        password_stdin: bool = typer.Option(False, "--password-stdin", help=_(
            "Read your password from standard input instead of prompting.")),
        as_json: bool = typer.Option(False, "--json", help=_("Print one JSON document.")),
    ) -> None:
        """Create the database (if needed) and a committee; you become its director."""
        from cli.access_cmds import read_password
        from mediation import committee as svc
        from mediation.core.errors import InvalidInput
        from mediation.core.i18n import msg
        from mediation.db.engines import create_schema, engine_for

        e = env(ctx)
        if not e.user:
            raise InvalidInput(msg("who are you? set MEDIATION_USER or pass --user"))
        password = None if no_login else read_password(password_stdin, confirm=True,
                                                       whose=e.user)
        create_schema(engine_for(e.url()))
        with e.uow(need_schema=False) as uow:
            svc.check_can_init(uow)
            result = svc.init_committee(uow, name=committee, prefix=prefix, director=e.user,
                                        director_name=director_name, login_required=not no_login,
                                        password=password, admin=admin)
            uow.commit()
        render.committee_created(result, as_json=as_json)
        if not as_json and director_name is None:  # documents would print the user name
            text = N_("The district administrator's name is recorded as {user}; give the real "
                      "name with `mediation staff name {user} NAME`.") if admin else N_(
                "The director's name is recorded as {user}; give the real name with "
                "`mediation staff name {user} NAME`.")
            render.out(_(text, user=result["director"]) + "\n")
        if not as_json and result["login_required"]:
            render.out(_("Sign-in is required: run `mediation login {user}`.",
                               user=result["director"]) + "\n")

    staff = typer.Typer(help=_("Staff of the committee (directors manage them)."),
                        no_args_is_help=True)
    app.add_typer(staff, name="staff")

    @staff.command("add")
    def staff_add(
        ctx: typer.Context,
        username: str = typer.Argument(..., metavar="USER"),
        full_name: str = typer.Option(..., "--name", help=_("The person's name.")),
        role: str = choice_opt("role", "mediator", "--role", help=_(
            "The role (administrators may also give admin).")),
        password_stdin: bool = typer.Option(False, "--password-stdin", help=_(
            "Read the new account's password from standard input instead of prompting.")),
        no_password: bool = typer.Option(False, "--no-password", help=_(
            "Set no password (only where sign-in is not required).")),
        committee: str | None = _committee_opt(),
        as_json: bool = typer.Option(False, "--json", help=_("Print one JSON document.")),
    ) -> None:
        """Add a staff member (with a password where sign-in is required)."""
        from cli.access_cmds import read_password
        from mediation import committee as svc
        from mediation.access import signin

        e = env(ctx)
        password = None
        with e.uow(write=False) as uow:  # refused before any password is asked for
            actor = e.actor(uow)
            svc.may_add_staff(actor, role)
            # ask only where the committee requires sign-in, and never the administrator,
            # who gives a one-time code
            needed = (not password_stdin and not no_password
                      and signin.committee_requires_login(
                          uow, svc.committee_by_prefix(uow, actor, committee))
                      and not signin.issues_codes(actor))
        if password_stdin:
            password = read_password(True)
        elif needed:
            password = read_password(False, confirm=True, whose=username)
        row = e.act(svc.add_staff, username=username, name=full_name, role=role,
                    password=password, committee=committee)
        if as_json:
            render.emit_json(row)
        else:
            render.out(_with_namesakes(_("Added {user} ({name}) as {role}.",
                                         user=row["username"], name=row["name"],
                                         role=name("role", row["role"])), row) + "\n")
            render.one_time_code(row)

    @staff.command("list")
    def staff_list(ctx: typer.Context, committee: str | None = _committee_opt(),
                   fmt: str | None = format_opt(),
                   as_json: bool = typer.Option(
                       False, "--json", help=_("Print one JSON document."))) -> None:
        """List the committee's staff."""
        from mediation import committee as svc

        render.staff(env(ctx).act(svc.list_staff, committee=committee, write=False),
                     as_json=as_json, fmt=fmt)

    @staff.command("disable")
    def staff_disable(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                      enable: bool = typer.Option(False, "--enable", help=_(
                          "Enable the account again instead.")),
                      committee: str | None = _committee_opt()) -> None:
        """Disable an account (it can then do nothing), or --enable it again."""
        from mediation import committee as svc

        row = env(ctx).act(svc.set_staff, username, active=enable, committee=committee)
        state = _("active") if row["active"] else _("disabled")
        who = staff_label(row["username"], row.get("name"))
        render.out((_("{user}: {state}.", user=who, state=state) if row["changed"] else
                    _("{user} is already {state}: nothing changed.", user=who, state=state))
                   + "\n")

    @staff.command("role")
    def staff_role(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                   role: str = typer.Argument(..., metavar="ROLE", callback=role_value,
                                              help=_("The new role: a code or its name.")),
                   committee: str | None = _committee_opt()) -> None:
        """Change a staff member's role."""
        from mediation import committee as svc

        row = env(ctx).act(svc.set_staff, username, role=role, committee=committee)
        who, shown = staff_label(row["username"], row.get("name")), name("role", row["role"])
        render.out((_("{user} is now {role}.", user=who, role=shown) if row["changed"] else
                    _("{user} is already {role}: nothing changed.", user=who, role=shown))
                   + "\n")

    @staff.command("name", help=_(
        "Correct a staff member's name, as case files and documents print it (调解员, "
        "回访人)."))
    def staff_name(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                   full_name: str = typer.Argument(..., metavar="NAME", help=_(
                       "The person's real name, e.g. 王芳.")),
                   committee: str | None = _committee_opt()) -> None:
        """Correct a staff member's name, as case files and documents print it (调解员,
        回访人)."""
        from mediation import committee as svc

        row = env(ctx).act(svc.set_staff, username, name=full_name, committee=committee)
        said = (_("{user}'s name is corrected from {was} to {name}.", user=row["username"],
                  was=row["was"], name=row["name"]) if row.get("was") else
                _("{user} is now named {name}.", user=row["username"], name=row["name"]))
        render.out((_with_namesakes(said, row)
                    if row["changed"] else
                    _("{name}'s name is unchanged: nothing was written.", name=row["name"]))
                   + "\n")

    @staff.command("password", help=_(
        "Set a password: your own, or (directors) a staff member's."))
    def staff_password(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                       password_stdin: bool = typer.Option(False, "--password-stdin", help=_(
                           "Read the new password from standard input instead of prompting."))
                       ) -> None:
        """Set a password: your own, or (directors) a staff member's."""
        from cli.access_cmds import read_password
        from mediation.access import passwords, signin

        e = env(ctx)
        with e.uow(write=False) as uow:  # refused before the password is asked for
            passwords.may_set_password(uow, e.actor(uow), username)
        password = read_password(password_stdin, confirm=True, whose=username)
        row = e.act(signin.change_password, username, password)
        render.out(_("Password set for {user}.",
                     user=staff_label(row["username"], row.get("name"))) + "\n")

    @staff.command("reset", help=_(
        "Give USER a one-time code instead of their password and end their sessions; they "
        "choose a new password at their next sign-in (recorded, shown to the director)."))
    def staff_reset(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                    committee: str | None = _committee_opt(),
                    as_json: bool = typer.Option(False, "--json", help=_(
                        "Print one JSON document."))) -> None:
        """Give USER a one-time code instead of their password and end their sessions; they
        choose a new password at their next sign-in (recorded, shown to the director)."""
        from mediation.access import signin

        row = env(ctx).act(signin.reset_password, username, committee=committee)
        if as_json:
            render.emit_json(row)
        else:
            render.one_time_code(row)

    @staff.command("code", help=_(
        "Give the committee's half of the one-time code the district administrator gave USER "
        "(a member of the committee, never the administrator; recorded, shown to the "
        "director)."))
    def staff_code(ctx: typer.Context, username: str = typer.Argument(..., metavar="USER"),
                   as_json: bool = typer.Option(False, "--json", help=_(
                       "Print one JSON document."))) -> None:
        """Give the committee's half of the one-time code the district administrator gave USER
        (a member of the committee, never the administrator; recorded, shown to the
        director)."""
        from mediation.access import signin

        row = env(ctx).act(signin.give_half, username)
        if as_json:
            render.emit_json(row)
        else:
            render.one_time_code(row)

    wf = typer.Typer(help=_("The workflow every case follows."), no_args_is_help=True)
    app.add_typer(wf, name="workflow")

    @wf.command("diagram")
    def diagram() -> None:
        """Print the state diagram (Mermaid), generated from the live machine."""
        from mediation import workflow

        render.out(workflow.mermaid())

    @wf.command("table")
    def table(fmt: str | None = format_opt(), as_json: bool = typer.Option(False, "--json", help=_(
            "Print one JSON document."))) -> None:
        """Print the transition table: trigger, from, to, guards, legal basis."""
        from mediation import workflow

        rows = [{"trigger": t.trigger, "sources": [s.value for s in t.sources],
                 "dest": t.dest.value if t.dest else None,
                 "guards": [g.__name__ for g in t.guards], "basis": t.basis,
                 "summary": t.summary} for t in workflow.TRANSITIONS]
        from cli.tables import Column, show
        from mediation.core.i18n import gettext_

        columns = [Column(_("Step")), Column(_("From")), Column(_("To")), Column(_("Guards"), 3),
                   Column(_("Legal basis"), 2, wrap=True)]
        body = [[f"{t.trigger} ({name('trigger', t.trigger)})",
                 "\n".join(name("state", s) for s in t.sources),
                 name("state", t.dest) if t.dest else _("(stays)"),
                 "\n".join(name("guard", g.__name__) for g in t.guards),
                 gettext_(t.basis)] for t in workflow.TRANSITIONS]
        show(columns, body, fmt=fmt, as_json=as_json, document=rows)

    @app.command("demo")
    def demo(
        ctx: typer.Context,
        cases: int = typer.Option(0, "--cases", min=0, max=MAX_INT, help=_(
            "Also generate this many synthetic cases with realistic histories.")),
        seed: int = typer.Option(2026, "--seed", max=MAX_INT,
            help=_("Random seed for the synthetic cases.")),
        fresh: bool = typer.Option(False, "--fresh", help=_(
            "Delete an earlier demo database at this path first.")),
        quiet: bool = typer.Option(False, "--quiet", help=_("Build it without showing it.")),
    ) -> None:
        """Build a populated example committee and show it."""
        from mediation import demo as svc
        from mediation import queries
        from mediation.committee import resolve_actor

        e = env(ctx)
        summary = svc.build(e.url(), synthetic=cases, seed=seed, fresh=fresh)
        # the command to try on a line of its own, whole (render.notes): a line to copy
        render.err(_("Demo database: {url} ({count} cases). Try:", url=summary["url"],
                     count=summary["cases"]) + "\n")
        output.err(f"  MEDIATION_DB={summary['path']} MEDIATION_USER="
                   f"{summary['director']} mediation case list\n")
        if quiet:
            return
        from cli import agenda_cmds
        from mediation import agenda

        with e.uow(write=False) as uow:
            actor = resolve_actor(uow, summary["director"])
            rows = queries.list_cases(uow, actor, limit=25)
            events = queries.history(uow, actor, summary["showcase"])
            due = agenda.agenda(uow, actor, everyone=True)
        render.console().rule(_("Cases"))
        render.case_list(rows, as_json=False, fmt="table")
        render.console().rule(_("History of {number}", number=summary["showcase_number"]))
        render.history(events, as_json=False, fmt="table")
        render.console().rule(_("What is due (mediation agenda --committee)"))
        agenda_cmds.show(due, fmt="table")
        render.console().rule(_("Workflow"))
        for line in workflow_road():
            render.paragraph(line)
        render.out(_("As a diagram (Mermaid): `mediation workflow diagram`.") + "\n")


def workflow_road() -> list[str]:
    """The workflow in words, a line a state (the demo's last section; ``workflow diagram`` is
    the Mermaid source): the steps that lead on and where, then those recorded in the state."""
    from cli.lines import keep
    from mediation import workflow
    from mediation.core.i18n import NONE, join, or_absent
    from mediation.core.vocab import State

    said = []
    for state in State:
        here = [t for t in workflow.TRANSITIONS if state in t.sources]
        moves = join([keep(_("{step} → {state}", step=name("trigger", t.trigger),
                             state=name("state", t.dest))) for t in here
                      if t.dest is not None and t.dest != state])
        stays = join([keep(name("trigger", t.trigger)) for t in here
                      if t.dest is None or t.dest == state])
        shown = keep(name("state", state))
        if moves and stays:
            said.append(_("{state}: {moves}; recorded in it: {stays}.", state=shown,
                          moves=moves, stays=stays))
        elif moves:
            said.append(_("{state}: {moves}.", state=shown, moves=moves))
        else:
            said.append(_("{state}: the end; recorded in it: {stays}.", state=shown,
                          stays=or_absent(stays, NONE)))
    return said


def _with_namesakes(said: str, row: dict[str, Any]) -> str:
    """``said`` (a staff member added or renamed), and when others of the committee have the
    same name, a note saying so: homonyms are allowed, but a command given the name will ask
    which user name is meant (issue 14: 李明 given to a second person said nothing)."""
    if not row.get("namesakes"):
        return said
    from mediation.core.i18n import join

    note = _("(note: {others} is also named {name}; where the name is given, you will be "
             "asked to choose a user name)", others=join(row["namesakes"]), name=row["name"])
    return _("{said} {note}", said=said.rstrip("。"), note=note)
