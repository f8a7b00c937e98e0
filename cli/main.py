"""Entry point: global options, language, and turning typed errors into one clean line.

The Typer app is built after the language is known (``--lang``, ``MEDIATION_LANG`` or ``LANG``) so
that help texts come out in that language too. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.exceptions import TyperException

from cli import render
from mediation.core.errors import DuplicateSuspected, Exit, MediationError
from mediation.core.i18n import (
    _,
    get_language,
    language_from_env,
    normalise_language,
    set_language,
    shown_as,
)
from mediation.core.normalise import Unreadable

# The exit codes (mediation.core.errors.Exit: the one list, and the rule between 1 and 2).
USAGE_EXIT = Exit.USAGE
INTERNAL_EXIT = Exit.INTERNAL
INTERRUPTED_EXIT = Exit.INTERRUPTED


def _language_from_argv(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def choose_language(argv: Sequence[str]) -> None:
    wanted = _language_from_argv(argv)
    try:
        set_language(normalise_language(wanted) if wanted else language_from_env())
    except ValueError:  # a wrong --lang is refused in the language the environment chose
        try:
            set_language(language_from_env())
        except ValueError:
            set_language("en")


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("mediation")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            number = "0+unknown"
        sys.stdout.write(_("mediation {version}", version=number) + "\n")
        raise typer.Exit(Exit.OK)


# Which module builds each top-level name (a command or a group), in the order of the full
# app's help: a command needs only its own built (`case --help` does not build the other 50
# commands nor translate their help). A name not listed builds the whole app.
GROUPS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("case",), "cli.case_cmds", "register"),
    (("case",), "cli.import_cmds", "register"),
    (("case",), "cli.case_aftercare_cmds", "register"),
    (("init", "staff", "workflow", "demo"), "cli.admin_cmds", "register"),
    (("db",), "cli.db_cmds", "register"),
    (("audit",), "cli.audit_cmds", "register"),
    (("stats", "export"), "cli.stats_cmds", "register"),
    (("report",), "cli.report_cmds", "register"),
    (("login", "logout", "whoami", "token", "committee", "retention"), "cli.access_cmds",
     "register"),
    (("calendar",), "cli.calendar_cmds", "register"),
    (("procedure",), "cli.procedure_cmds", "register"),
    (("templates",), "cli.document_cmds", "register"),
    (("sweep",), "cli.grid_cmds", "register"),
    (("lead",), "cli.grid_cmds", "register_leads"),
    (("agenda",), "cli.agenda_cmds", "register"),
)
# The root's options that take a value (skipped to find the command named).
_VALUE_OPTIONS = frozenset({"--db", "--user", "--token-file", "--lang"})


def lift_globals(argv: Sequence[str], root: Any) -> list[str]:
    """``argv`` with the root's options (``--lang``, ``--user``, ``--db``, ``--token-file``)
    given after the command (``case list --lang zh``) moved to just before the command's first
    word, where the parser takes them (docs/cli.md, "Global options"). A command with an option
    of that name of its own keeps it (``report monthly --lang``: the report's language); after
    ``--`` nothing is moved."""
    args = list(argv)
    cmd, first, i = root, None, 0
    lifted: list[str] = []
    kept: list[str] = []
    while i < len(args):
        arg = args[i]
        if arg == "--":
            kept += args[i:]
            break
        option = arg.split("=", 1)[0]
        if option in _VALUE_OPTIONS and cmd is not root and option not in _own_options(cmd):
            take = 1 if "=" in arg else 2
            if i + take > len(args):  # no value: left where it is, for its error
                kept.append(arg)
                break
            lifted += args[i:i + take]
            i += take
            continue
        sub = (getattr(cmd, "commands", None) or {}).get(arg)
        if not arg.startswith("-") and sub is not None:
            first = len(kept) if first is None else first
            cmd = sub
        elif arg.startswith("-") and "=" not in arg and _takes_value(cmd, arg):
            kept.append(arg)
            i += 1
            if i >= len(args):
                break
            arg = args[i]
        kept.append(arg)
        i += 1
    if not lifted or first is None:
        return args
    return kept[:first] + lifted + kept[first:]


def _own_options(cmd: Any) -> set[str]:
    return {o for p in getattr(cmd, "params", []) for o in (*p.opts, *p.secondary_opts)}


def _takes_value(cmd: Any, option: str) -> bool:
    for p in getattr(cmd, "params", []):
        if option in p.opts or option in p.secondary_opts:
            return not getattr(p, "is_flag", False) and not getattr(p, "count", False)
    return False


def command_words(argv: Sequence[str]) -> list[str]:
    """``argv`` with the command's words as typed through a Chinese input method made plain:
    full-width letters (``ｃａｓｅ``) and a full-width space inside a word (``case　show``, one
    argument) become ``case`` and ``case``, ``show``. Only the first two words that are not
    options are looked at (the command and its subcommand), and only when they fold (NFKC) to
    Latin letters and hyphens; anything else, and every later argument (the user's data), is
    left exactly as typed. ``login``'s user name is folded but keeps its case."""
    import re
    import unicodedata

    out: list[str] = []
    words = 0
    skip = False
    for i, arg in enumerate(argv):
        if skip or words >= 2 or arg.startswith(("-", "－")) or arg == "":
            skip = not skip and arg in _VALUE_OPTIONS
            out.append(arg)
            if arg == "--":
                return out + list(argv[i + 1:])
            continue
        folded = unicodedata.normalize("NFKC", arg).split()
        if folded != [arg] and folded and len(folded) <= 2 - words \
                and all(re.fullmatch(r"[A-Za-z][A-Za-z-]*", w) for w in folded):
            keep_case = words == 1 and out and out[-1] == "login"
            out += folded if keep_case else [w.lower() for w in folded]
            words += len(folded)
            continue
        out.append(arg)
        words += 1
    return out


def command_named(argv: Sequence[str]) -> str | None:
    """The top-level command or group ``argv`` names, or None (the root's own help, completion,
    or nothing named)."""
    if os.environ.get("_MEDIATION_COMPLETE"):
        return None
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def subcommand_named(argv: Sequence[str], named: str | None) -> str | None:
    """The word after the group ``named`` in ``argv`` (``list`` in ``case list --json``), or
    None when an option or nothing follows it."""
    if named is None or named not in argv:
        return None
    rest = list(argv[list(argv).index(named) + 1:])
    return rest[0] if rest and not rest[0].startswith("-") else None


def keep_only(app: typer.Typer, group: str, name: str) -> None:
    """Within ``group`` keep only its command or subgroup ``name``, if it has one: ``case list``
    builds the ``list`` command and not the group's other 30, nor translates their help (what
    ``case list --help`` and every usage error of it show is unchanged; tested). A name the
    group does not have keeps them all, so the error lists them."""
    from typer.main import get_command_name

    for info in app.registered_groups:
        sub = info.typer_instance
        if info.name != group or sub is None:
            continue
        commands = [c for c in sub.registered_commands
                    if (c.name or get_command_name(getattr(c.callback, "__name__", ""))) == name]
        groups = [g for g in sub.registered_groups if g.name == name]
        if commands or groups:
            sub.registered_commands, sub.registered_groups = commands, groups


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app: every command, or with ``only`` just the top-level command or group of
    that name (the whole app when no module builds that name)."""
    import importlib

    from cli.context import Env

    app = typer.Typer(
        name="mediation",
        help=_("Case tracking for People's Mediation Committees (人民调解委员会)."),
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        ctx: typer.Context,
        db: str | None = typer.Option(
            None, "--db", envvar="MEDIATION_DB", show_envvar=True,
            help=_("Database: a file path (SQLite) or a URL such as "
                   "postgresql+psycopg://user@host/db."),
        ),
        user: str | None = typer.Option(
            None, "--user", envvar="MEDIATION_USER", show_envvar=True,
            help=_("Who is acting: a staff member's user name or name."),
        ),
        token_file: str | None = typer.Option(
            None, "--token-file", envvar="MEDIATION_TOKEN_FILE", show_envvar=True,
            metavar="FILE",
            help=_("Act with the token in FILE (from `mediation token create`; for cron)."),
        ),
        lang: str | None = typer.Option(
            None, "--lang", envvar="MEDIATION_LANG", show_envvar=True,
            help=_("Language of messages: zh or en (default from LANG)."),
        ),
        version: bool = typer.Option(
            False, "--version", is_eager=True, callback=_show_version,
            help=_("Show the version and exit."),
        ),
    ) -> None:
        if lang is not None:
            try:
                set_language(normalise_language(lang))
            except ValueError:
                raise typer.BadParameter(_("use zh or en"), param_hint="--lang") from None
        from mediation.core import clock
        from mediation.core.calendar import DEFAULT

        clock.use(DEFAULT)  # until this command reads its committee's (Env.act)
        ctx.obj = Env(db=db, user=user, token_file=token_file)

    wanted = [g for g in GROUPS if only in g[0]] or GROUPS
    for _names, module, function in wanted:
        getattr(importlib.import_module(module), function)(app)
    return app




def _error_line(text: str) -> None:
    """The one line of a refusal: a value quoted in the message (a file name, a typed value)
    may hold line breaks; they become spaces, so the error stays one line."""
    line = " ".join(render.clean(_("error: {message}", message=text)).splitlines())
    render.err(line + "\n")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (the documented contract)."""
    args = command_words(sys.argv[1:] if argv is None else argv)
    choose_language(args)
    from cli import framework, lines

    lines.table_asked(False)

    named = command_named(args)
    app = build_app(named)
    sub = subcommand_named(args, named)
    if named is not None and sub is not None:
        keep_only(app, named, sub)
    command = framework.install(typer.main.get_command(app))
    _interrupt_cancels(command)
    try:
        from cli.options import normalise_params

        normalise_params(command)
        args = lift_globals(args, command)
        result = command.main(args=args, prog_name="mediation", standalone_mode=False)
    except DuplicateSuspected as exc:
        if exc.matches:  # only cases the asker may read; the others are a notice
            render.duplicates(exc.matches, exc.record)
        _error_line(exc.render())
        return exc.exit_code
    except MediationError as exc:
        for detail in exc.details():  # every problem of a file, one line each (errors.Problems)
            render.err(" ".join(render.clean(detail.render()).splitlines()) + "\n")
        _error_line(exc.render())
        return exc.exit_code
    except Unreadable as exc:  # a value a user or a file brought, which a parser let through:
        _error_line(exc.message.render())  # still the user's mistake (exit 1), never exit 70
        return Exit.REFUSED
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        return _cancelled()
    except TyperException as exc:  # Typer's vendored click: usage errors and the like
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":
            render.out(exc.format_message() + "\n")
            return USAGE_EXIT
        where = getattr(ctx, "command_path", None) or "mediation"
        said = framework.usage_error_text(exc)
        message = shown_as(said, " ".join(said.split()))
        hint = framework.unquoted_hint(exc)  # --at 今天 8点 unquoted: the hint is the help
        _error_line(_("{message} (see `{command} --help`)", message=message, command=where)
                    if hint is None else _("{message}; {hint}", message=message, hint=hint))
        return Exit.REFUSED if framework.out_of_range(exc) else exc.exit_code
    except (BrokenPipeError, PipeClosed):
        return _pipe_closed()
    except OSError as exc:  # a file or folder named on the command line: what is wrong with it
        if exc.filename is None:
            return _internal(exc)
        _error_line(_os_error(exc))
        return Exit.REFUSED
    except Exception as exc:  # a bug or an unreachable database: still one line, no traceback
        from mediation.db.engines import sqlite_locked
        from mediation.db.storage import busy_error

        if sqlite_locked(exc):  # a write lock held past busy_timeout, outside the retrying code
            busy = busy_error()
            _error_line(busy.render())
            return busy.exit_code
        return _internal(exc)
    return int(result) if isinstance(result, int) else 0


class PipeClosed(Exception):
    """Standard output's reader went away (``mediation case list | head -1``): not an error.
    Raised instead of the BrokenPipeError, which Click's main would turn into exit 1."""


def _interrupt_cancels(command: Any) -> None:
    """Ctrl-C while a command runs is a cancel, as Ctrl-D is (Typer would turn it into a
    silent exit 130): the same line, the same exit. A closed pipe on standard output ends
    the command quietly (:class:`PipeClosed`; Click would exit 1 for it)."""
    invoke = command.invoke

    def interruptible(ctx: Any) -> Any:
        try:
            return invoke(ctx)
        except KeyboardInterrupt:
            raise typer.Abort() from None
        except BrokenPipeError:
            raise PipeClosed() from None

    command.invoke = interruptible
    make_context = command.make_context  # the top level's --help is shown while parsing

    def parsing(*args: Any, **kwargs: Any) -> Any:
        try:
            return make_context(*args, **kwargs)
        except BrokenPipeError:
            raise PipeClosed() from None

    command.make_context = parsing


def _cancelled() -> int:
    """Ctrl-C or Ctrl-D (end of input) at a prompt: the one line, exit 130, as a shell does
    for an interrupt; the unit of work was rolled back, so nothing was written."""
    render.err("\n" + _("cancelled; nothing was written") + "\n")
    return INTERRUPTED_EXIT


def _internal(exc: Exception) -> int:
    if os.environ.get("MEDIATION_DEBUG"):
        raise exc
    kind = type(exc).__name__
    if get_language() == "zh":  # its kind and detail are English: MEDIATION_DEBUG shows them
        _error_line(_("internal error. The step was not recorded. Set MEDIATION_DEBUG=1 to see "
                      "the details."))
    else:
        _error_line(_("internal error ({kind}): {detail}. The step was not recorded. Set "
                      "MEDIATION_DEBUG=1 to see the details.", kind=kind,
                      detail=" ".join(str(exc).split())[:300]))
    return INTERNAL_EXIT


def _os_error(exc: OSError) -> str:
    """One line for a file or folder the system refused: which, and why, in the user's words.
    (Writers name the destination, never their temporary file: files.named_as.)"""
    import errno

    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EISDIR: _("it is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.ENOSPC: _("no space left on the device"),
        errno.EROFS: _("the file system is read-only"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.EEXIST: _("it already exists"),
    }
    file = str(exc.filename)  # the user's (files.named_as: never a temporary name)
    why = reasons.get(exc.errno or 0) or " ".join((exc.strerror or type(exc).__name__).split())
    return _("cannot use {file}: {reason}", file=file, reason=why)


def _pipe_closed() -> int:
    """The reader of standard output is gone (``| head -1``): the rest of the output is not
    wanted, which is no error. Standard output is pointed at the null device so that
    Python's flush at exit does not complain; exit 0, no message."""
    try:
        target = sys.stdout.fileno()
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor (tests)
        return Exit.OK
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, target)
    except OSError:  # pragma: no cover - nothing more to do for a reader that is gone
        pass
    finally:
        os.close(null)
    return Exit.OK


def main() -> None:
    """The ``mediation`` command: :func:`run`, then standard output flushed (a pipe closed
    early, even after the command's last write, ends quietly with exit 0)."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _pipe_closed()
    sys.exit(code)
