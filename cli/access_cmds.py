"""`mediation login|logout`, `token ...`, `committee ...` and `retention ...`.

Passwords are never options: they are prompted (hidden) at a terminal or read from standard
input with ``--password-stdin``. Decisions are made in mediation.access.policy and
mediation.access.signin.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from cli import records, render
from cli.context import env
from cli.options import (
    MAX_INT,
    destination_arg,
    force_opt,
    format_opt,
    json_opt,
    out_alias,
    place,
)
from mediation.core.i18n import NONE, _, join, name, or_absent
from mediation.core.labels import staff_label


def read_password(from_stdin: bool, *, confirm: bool = False, prompt: str | None = None,
                  whose: str | None = None) -> str:
    """A password from standard input (its next line) or a hidden prompt at a terminal.

    A new password (``confirm``) is checked against the rules (its length) before it is asked a
    second time, and asked again until both agree; the prompt says whose password it is."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():  # no option was given wrong: a usage error of the command
        from mediation.core.errors import UsageError
        from mediation.core.i18n import msg

        raise UsageError(msg("no terminal to ask for the password; use --password-stdin"))
    label = prompt or (_("New password for {user}", user=whose) if whose and confirm else
                       _("Password for {user}", user=whose) if whose else _("Password"))
    while True:
        value = str(typer.prompt(label, default="", show_default=False, hide_input=True,
                                 err=True))
        if not confirm:
            return value
        from mediation.access.passwords import check_password_rules
        from mediation.core.errors import InvalidInput

        try:
            check_password_rules(value)
        except InvalidInput as exc:
            render.err(exc.render() + "\n")
            continue
        again = str(typer.prompt(_("The same password again"), default="",
                                 show_default=False, hide_input=True, err=True))
        if again == value:
            return value
        render.err(_("The two passwords differ; please type it again.") + "\n")



def _sign_in(e: Any, username: str, from_stdin: bool) -> dict[str, Any]:
    """The password asked and checked: at a terminal up to ``sessions.TRIES`` times after a
    wrong one (each failure recorded in the audit log by ``signin.login``), once from
    ``--password-stdin``; a lock-out or another refusal ends it at once."""
    from mediation.access import sessions, signin
    from mediation.core.errors import PermissionDenied

    tries = 1 if from_stdin else sessions.TRIES
    for attempt in range(1, tries + 1):
        password = read_password(from_stdin, whose=username)
        try:
            with e.uow() as uow:
                result = signin.login(uow, username, password)
                uow.commit()
            return result
        except signin.PasswordChangeRequired as exc:  # a one-time code: a new password now
            render.err(exc.render() + "\n")
            new = read_password(from_stdin, confirm=True, whose=username)
            with e.uow() as uow:
                result = signin.login(uow, username, password, new_password=new)
                uow.commit()
            return result
        except PermissionDenied as exc:
            if attempt == tries or exc.message.id != sessions.WRONG_PASSWORD:
                raise
            render.err(_("{refusal}; try again ({left} left)", refusal=exc.render(),
                         left=tries - attempt) + "\n")
    raise AssertionError("unreachable")


def _end(previous: dict[str, str] | None, token: str) -> dict[str, Any] | None:
    """End the session the session file held before this sign-in (on its own database),
    recorded as a sign-out: the file keeps one session, so the one it held is over. Its owner
    (``open``: whether it had not expired), or None; a database gone since ends nothing."""
    if not previous or previous["token"] == token:
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from mediation.access import signin
    from mediation.core.errors import MediationError
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work

    try:
        with unit_of_work(engine_for(previous["db"])) as uow:
            ended = signin.logout(uow, previous["token"])
            uow.commit()
    except (SQLAlchemyError, MediationError, OSError):
        return None
    return ended


def _whoami_line(who: dict[str, Any]) -> str:
    if who["user"] is None:
        return _("No one is signed in: {why}", why=who["why"].render())
    fields = {"user": who["label"], "role": name("role", who["role"]),
              "committee": or_absent(who["committee"])}
    if who["via"] == "user":
        return _("{user} ({role}), {committee}; sign-in is not enabled: MEDIATION_USER/--user "
                 "names who acts and proves nothing", **fields)
    time = render.local_time(str(who["expires_at"]))
    if who["via"] == "token":
        return _("{user} ({role}), {committee}; by a token valid until {time}", time=time,
                 **fields)
    return _("{user} ({role}), {committee}; signed in until {time}", time=time, **fields)


def register(app: typer.Typer) -> None:
    @app.command("login", help=_(
        "Sign in: keeps a session token (valid for a working day) in a private file."))
    def login(
        ctx: typer.Context,
        username: str = typer.Argument(..., metavar="USER"),
        password_stdin: bool = typer.Option(False, "--password-stdin", help=_(
            "Read the password from standard input instead of prompting.")),
    ) -> None:
        """Sign in: keeps a session token (valid for a working day) in a private file."""
        from mediation.access import signin

        e = env(ctx)
        previous = signin.read_session()  # one session at a time in the session file
        result = _sign_in(e, username.strip(), password_stdin)
        path = signin.save_session(e.url(), result)
        ended = _end(previous, result["token"])
        who = {"user": staff_label(result["user"], result.get("name")),
               "role": name("role", result["role"]),
               "time": render.local_time(result["expires_at"])}
        # Two lines: the session's path is long (106 columns with the first part at a
        # clerk's trial), and a path split across lines cannot be copied.
        if ended and ended["open"] and ended["user"] != result["user"]:  # said, never silent
            render.out(_("Signed in as {user} ({role}) until {time}; {previous} is signed "
                         "out.", previous=staff_label(ended["user"], ended.get("name")),
                         **who) + "\n")
        else:
            render.out(_("Signed in as {user} ({role}) until {time}.", **who) + "\n")
        render.out(_("Session kept in {path}", path=str(path)) + "\n")
        render.admin_notices(result["notices"])
        if e.user and e.user not in (result["user"], result.get("name")):
            render.err(_("MEDIATION_USER/--user names {user}: unset it, or commands will "
                               "be refused while you are signed in as {signed}.", user=e.user,
                               signed=staff_label(result["user"], result.get("name"))) + "\n")

    @app.command("logout", help=_(
        "Sign out: end the session and delete the session file."))
    def logout() -> None:
        """Sign out: end the session and delete the session file."""
        from mediation.access import signin
        from mediation.db.engines import engine_for
        from mediation.db.storage import unit_of_work

        data = signin.read_session()  # the session's own database, whatever --db says
        ended = None
        if data:
            with unit_of_work(engine_for(data["db"])) as uow:
                ended = signin.logout(uow, data["token"])
                uow.commit()
        signin.forget_session()
        if ended:
            render.out(_("Signed out {user}.", user=staff_label(ended["user"], ended.get("name")))
                       + "\n")
        else:
            render.err(_("No session was open.") + "\n")

    @app.command("whoami", help=_(
        "Who is signed in: name, role and committee (or that no one is, or that the committee "
        "does not require sign-in)."))
    def whoami(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Who is signed in: name, role and committee (or that no one is, or that the committee
        does not require sign-in)."""
        from mediation.access import acting

        e = env(ctx)
        with e.uow(write=False) as uow:
            who = acting.whoami(uow, e.credentials())
        if as_json:
            why = who.pop("why", None)
            who.pop("label", None)
            render.emit_json(who | ({"why": why.render()} if why is not None else {}))
        else:
            render.out(_whoami_line(who) + "\n")

    token = typer.Typer(help=_("Long-lived tokens for scripts and cron (directors)."),
                        no_args_is_help=True)
    app.add_typer(token, name="token")

    @token.command("create", help=_(
        "Create a token for USER (e.g. a clerk's nightly export) and write it to FILE."))
    def token_create(
        ctx: typer.Context,
        username: str = typer.Argument(..., metavar="USER"),
        days: int = typer.Option(..., "--days", max=MAX_INT,
            help=_("How many days it stays valid.")),
        destination: str | None = destination_arg("FILE", _(
            "The file to write the token to (created readable by you only, 0600).")),
        out: str | None = out_alias("FILE"),
        force: bool = force_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Create a token for USER (e.g. a clerk's nightly export) and write it to FILE."""
        from mediation.access import signin
        from mediation.core import files

        path = place(destination, out, folder=False, metavar="FILE")
        assert path is not None
        e = env(ctx)
        with e.uow() as uow:
            result = signin.create_token(uow, e.actor(uow), username, days=days)
            files.refuse_existing(path, force=force)  # before the token is kept
            signin.write_private(path, result["token"] + "\n")
            uow.commit()
        shown = {k: v for k, v in result.items() if k != "token"} | {"file": str(path)}
        if as_json:
            render.emit_json(shown)
        else:
            render.out(_("Token {id} for {user}, valid until {time}, written to {path}. "
                               "Use it with --token-file or MEDIATION_TOKEN_FILE.",
                               id=result["id"],
                               user=staff_label(result["user"], result.get("name")),
                               time=render.local_time(result["expires_at"]),
                               path=str(path)) + "\n")

    @token.command("list", help=_(
        "List tokens and sessions (never the tokens themselves)."))
    def token_list(ctx: typer.Context, fmt: str | None = format_opt(),
                   as_json: bool = json_opt()) -> None:
        """List tokens and sessions (never the tokens themselves)."""
        from mediation.access import signin

        rows = env(ctx).act(signin.list_tokens, write=False)
        columns = [render.Column(_("ID"), right=True), render.Column(_("User")),
                   render.Column(_("Kind")), render.Column(_("Expires")),
                   render.Column(_("Status"))]
        body = [[str(r["id"]), r["user"], name("token_kind", r["kind"]),
                 render.local_time(r["expires_at"]), name("token_status", r["status"])]
                for r in rows]
        render.show(columns, body, fmt=fmt, as_json=as_json, document=rows,
                    empty=_("No tokens."))

    @token.command("revoke", help=_(
        "Revoke a token or session at once."))
    def token_revoke(ctx: typer.Context,
                     token_id: int = typer.Argument(..., metavar="ID", max=MAX_INT)) -> None:
        """Revoke a token or session at once."""
        from mediation.access import signin

        row = env(ctx).act(signin.revoke_token, token_id)
        render.out(_("Token {id} of {user} revoked.", id=row["id"],
                           user=staff_label(row["user"], row.get("name")))
                         + "\n")

    committee = typer.Typer(help=_("Committees on a shared database (district administrator)."),
                            no_args_is_help=True)
    app.add_typer(committee, name="committee")

    @committee.command("add", help=_(
        "Add a committee and its director (who gets a one-time code to sign in with)."))
    def committee_add(
        ctx: typer.Context,
        committee_name: str = typer.Option(..., "--name", help=_("The committee's full name.")),
        prefix: str = typer.Option(..., "--prefix", help=_("Its case-number prefix.")),
        director: str = typer.Option(..., "--director", metavar="USER", help=_(
            "The user name of its director (created now).")),
        director_name: str | None = typer.Option(None, "--director-name", help=_(
            "The director's real name.")),
        no_login: bool = typer.Option(False, "--no-login", help=_(
            "Do not require sign-in in this committee.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Add a committee and its director (who gets a one-time code to sign in with)."""
        from mediation import committee as svc

        result = env(ctx).act(svc.add_committee, name=committee_name, prefix=prefix,
                              director=director, director_name=director_name,
                              login_required=not no_login)
        render.committee_created(result, as_json=as_json)
        if not as_json:
            render.one_time_code(result)

    @committee.command("rename", help=_(
        "Rename your committee (directors; recorded): its full name on reports and exports."))
    def committee_rename(
        ctx: typer.Context,
        committee_name: str = typer.Argument(..., metavar="NAME", help=_(
            "The committee's new full name, e.g. 龙王港社区人民调解委员会.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Rename your committee (directors; recorded): its full name on reports and exports."""
        from mediation import committee as svc

        result = env(ctx).act(svc.rename_committee, committee_name)
        if as_json:
            render.emit_json(result)
        elif result["changed"]:
            render.out(_("Committee {prefix} renamed: {old} → {name}.",
                               prefix=result["prefix"], old=result["old"],
                               name=result["name"]) + "\n")
        else:
            render.out(_("The committee is already named {name}.", name=result["name"])
                             + "\n")

    @committee.command("list", help=_(
        "List the committees: names, prefixes, staff and case counts (no case content)."))
    def committee_list(ctx: typer.Context, fmt: str | None = format_opt(),
                       as_json: bool = json_opt()) -> None:
        """List the committees: names, prefixes, staff and case counts (no case content)."""
        from mediation import committee as svc

        rows = env(ctx).act(svc.list_committees, write=False)
        columns = [render.Column(_("ID"), right=True), render.Column(_("Committee"),
                                                                     flexible=True),
                   render.Column(_("Prefix")), render.Column(_("Sign-in"), 2),
                   render.Column(_("Staff"), right=True), render.Column(_("Cases"), right=True)]
        body = [[str(r["id"]), r["name"], r["prefix"],
                 _("sign-in required") if r["login_required"] else _("not required"),
                 str(r["staff"]), str(r["cases"])] for r in rows]
        render.show(columns, body, fmt=fmt, as_json=as_json, document=rows)

    retention = typer.Typer(help=_(
        "How long personal data is kept: finished cases (closed, withdrawn, declined and never "
        "closed), grid leads, sweep notes (directors)."),
        no_args_is_help=True)
    app.add_typer(retention, name="retention")

    @retention.command("set", help=_(
        "Set the committee's retention period."))
    def retention_set(ctx: typer.Context, days: int = typer.Option(
            ..., "--days", max=MAX_INT, help=_(
                "Days after a case ended (closed, withdrawn, or declined and never closed) "
                "before it is anonymised (and a lead or sweep's note erased)."))) -> None:
        """Set the committee's retention period."""
        from mediation import retention as svc

        result = env(ctx).act(svc.set_days, days)
        if not result["changed"]:
            render.out(_("Nothing changed: the retention period is already {days} days.",
                         days=days) + "\n")
            return
        render.out(_("Finished cases are anonymised {days} days after they ended (closed, "
                     "withdrawn, or declined and never closed).",
                           days=result["days"]) + "\n")

    @retention.command("show", help=_(
        "Show the retention period and how many finished cases, leads and sweeps are due."))
    def retention_show(ctx: typer.Context, as_json: bool = json_opt()) -> None:
        """Show the retention period and how many finished cases, leads and sweeps are due."""
        from mediation import retention as svc

        result = env(ctx).act(svc.show, write=False)

        def say() -> None:
            if result["days"] is None:
                render.out(_("No retention period is set.") + "\n")
                return
            render.out(_("Retention: {days} days; {due} finished cases are due.",
                         days=result["days"], due=result["due"]) + "\n")
            for table, count in result["records"].items():
                render.out("  " + _("{kind}: {count} due.", kind=_(svc.RECORD_NAMES[table]),
                                    count=count) + "\n")

        def rows() -> list[tuple[str, str]]:  # the setting by its name, then what is due
            from mediation.workflow import setting_name

            return [(setting_name("retention_days").render(),
                     str(result["days"]) if result["days"] is not None else _("not set")),
                    (_("finished cases due"), str(result["due"]))] + [
                (_(svc.RECORD_NAMES[table]), str(count))
                for table, count in result["records"].items()]

        records.show(rows, say, as_json=as_json, document=result)

    @retention.command("apply", help=_(
        "Anonymise finished cases older than the period, and erase the text of leads and "
        "sweeps as old (recorded; safe to repeat)."))
    def retention_apply(
        ctx: typer.Context,
        dry_run: bool = typer.Option(False, "--dry-run", help=_(
            "Only list what would be anonymised or erased.")),
        as_json: bool = json_opt(),
    ) -> None:
        """Anonymise finished cases older than the period, and erase the text of leads and
        sweeps as old (recorded; safe to repeat)."""
        from mediation import retention as svc

        result = env(ctx).act(svc.apply, dry_run=dry_run, write=not dry_run)
        if as_json:
            render.emit_json(result)
            return
        if dry_run:
            render.out(_("{count} cases would be anonymised: {numbers}",
                               count=len(result["anonymised"]),
                               numbers=or_absent(join(result["anonymised"]), NONE)) + "\n")
        else:
            render.out(_("{count} cases anonymised.", count=len(result["anonymised"]))
                             + "\n")
        for table, ids in result["erased"].items():
            kind = _(svc.RECORD_NAMES[table])
            render.out("  " + (_("{kind}: {count} would be erased ({ids}).", kind=kind,
                                 count=len(ids), ids=or_absent(join([str(i) for i in ids]), NONE))
                               if dry_run else
                               _("{kind}: {count} erased.", kind=kind, count=len(ids))) + "\n")
