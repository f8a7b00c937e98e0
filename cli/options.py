"""Options and argument parsing shared by the command modules."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from cli import render
from mediation.core.i18n import Msg, _, join, msg, name

# The largest whole number any option takes (a count, a limit, days, an id): what a 32-bit
# column holds on every backend. Beyond it, a usage error naming the range (exit 2), not an
# overflow deep in the database driver.
MAX_INT = 2**31 - 1


def json_opt() -> Any:
    return typer.Option(False, "--json", help=_("Print one JSON document on stdout."))


def force_opt(help: str | None = None) -> Any:
    """``--force`` of every command that writes where its destination says (options
    :func:`destination`): the one rule, mediation.core.files.refuse_existing. ``help``: what
    is overwritten, where the command says it better (``export nightly``: the day's folder)."""
    return typer.Option(False, "--force", help=help or _(
        "Overwrite the file or folder given if it exists already (without it: refused, "
        "nothing written)."))


def format_opt() -> Any:
    from cli.choices import choice_opt

    return choice_opt("format", None, "--format", metavar="FORMAT", help=_(
        "How to print (default: a table on a terminal, tab-separated rows in a pipe)."))


def registered_from_opt() -> Any:
    """``--from`` of case list and case search: the first day of registration (parse_date)."""
    return typer.Option(None, "--from", metavar="DATE", help=_(
        "Only cases registered on or after this date."))


def registered_to_opt() -> Any:
    """``--to`` of case list and case search: the last day of registration (parse_date)."""
    return typer.Option(None, "--to", metavar="DATE", help=_(
        "Only cases registered on or before this date."))


def version_opt() -> Any:
    return typer.Option(
        None, "--expect-version", metavar="N", max=MAX_INT,
        help=_("Refuse (exit 3) if the case is no longer at this version."),
    )


def reveal_opt() -> Any:
    """``--reveal``, the same on every command that shows one case's personal data (``case
    show``, ``case history``, ``audit case``; tests/cli/test_reveal_everywhere.py lists them):
    checked, and recorded with its ``--reason``, by queries.record_reveal."""
    return typer.Option(False, "--reveal", help=_(
        "Show full personal data (needs --reason; recorded)."))


def reveal_reason_opt() -> Any:
    return typer.Option(None, "--reason", help=_("Why you reveal."))


def read_stdin() -> bytes | str:
    """Standard input as bytes (for the one reader, encodings.decode) where it has them."""
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer.read() if buffer is not None else sys.stdin.read()


def decoded(data: bytes | str, origin: str) -> str:
    """A user's file or standard input as text (encodings.decode): UTF-8 with or without a
    byte-order mark, UTF-16/32 with one, or GB18030 with a note on stderr; otherwise one line
    ``not UTF-8 or GB18030: save it as UTF-8`` (exit 1) and nothing is written."""
    from mediation.core import encodings, normalise
    from mediation.core.errors import InvalidInput

    if isinstance(data, str):  # already text (a test's stdin)
        return data.removeprefix("\ufeff")
    try:
        text, encoding = encodings.decode(data)
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=origin, why=exc.message)) from None
    if encoding:
        note(msg("{origin}: read as {encoding} (not UTF-8)", origin=origin, encoding=encoding))
    return text


def note(message: Msg) -> None:
    """One line on stderr that is not an error (the command goes on)."""
    render.err(_("note: {message}", message=message.render()) + "\n")


def committee_today() -> date:
    """Today in the signed-in user's committee calendar (what a date typed without its year
    is placed by), asked of the database only when such a date is given."""
    from typer._click.globals import get_current_context  # Typer's click runs the command

    from cli.context import env
    from mediation import calendars

    ctx = get_current_context()
    assert isinstance(ctx, typer.Context)
    return env(ctx).act(calendars.today, write=False)


def parse_date(value: str | None, option: str, toward: str = "back") -> date | None:
    """A date in any written form periods.parse_date reads (2026-12-31, 2026/12/31,
    2026.12.31, 2026年12月31日, full-width digits; 12-31, 12月31日 without the year, placed
    ``toward`` today: periods.AHEAD or BACK), or a usage error (exit 2) naming the option."""
    from mediation.core import periods
    from mediation.core.errors import InvalidInput, UsageError

    if value is None:
        return None
    today = _Today()
    try:
        day = periods.parse_date(value, today=today, toward=toward)
    except UsageError as exc:  # unreadable: one short line naming the option and forms
        whole = _period_bound(value, option)
        if whole is None:
            raise UsageError(msg("{option}: {why}", option=option, why=exc.message)) from None
        day = whole
    except InvalidInput as exc:
        raise typer.BadParameter(exc.message.render(), param_hint=option) from None
    today.remember(option, day)
    return day


# The options bounding a span of days: a period typed there (上月, 本月, 11月, 2026-11, 今年)
# is read as its first day (a lower bound) or its last (an upper bound), as stats reads it.
_LOWER_BOUNDS = frozenset({"--from", "--since"})
_UPPER_BOUNDS = frozenset({"--to", "--until"})


def _period_bound(value: str, option: str) -> date | None:
    """The first or last day of the period ``value`` names, for a bound option (``case list
    --from 上月``: the first of last month; ``--to 上月`` its last day); None when the option
    is no bound or ``value`` names no period."""
    from mediation.core import periods
    from mediation.core.errors import UsageError

    if option not in _LOWER_BOUNDS | _UPPER_BOUNDS:
        return None
    try:
        p = periods.period_from_options(spec=value, today=committee_today())
    except UsageError:
        return None
    return p.start if option in _LOWER_BOUNDS else p.last_day


def parse_amount(value: str | None, option: str = "--amount") -> Decimal | None:
    """An amount typed on the command line (money.amount: 1500, 1,500, 500元, 1.5万), THE one
    reading of it (``case agree``, ``case amend``; ``option`` names it), by the exit-code
    rule: in none of its written forms (``五百``) a usage error (exit 2) naming them; read
    but not allowed (``-5``, above the bound, a fraction of a fen) refused (exit 1)."""
    from mediation.core import money, normalise
    from mediation.core.errors import InvalidInput

    if value is None:
        return None
    try:
        return money.amount(value)
    except normalise.OutOfRange as exc:
        raise InvalidInput(msg("{option}: {why}", option=option, why=exc.message)) from None
    except normalise.Unreadable as exc:
        raise typer.BadParameter(exc.message.render(), param_hint=option) from None


def hours_help() -> Msg:
    """THE sentence every option typed as a time ends its help with: how a bare hour (3点) is
    read (mediation.core.moments.HOURS_HELP)."""
    from mediation.core.moments import HOURS_HELP

    return msg(HOURS_HELP)


def composed(text: str) -> str:
    """A help text composed when the tree is built (a sentence and :func:`hours_help`): shown
    as it is, no message id itself (cli.choices.COMPOSED)."""
    from cli.choices import COMPOSED

    COMPOSED.add(text)
    return text


def at_opt() -> Any:
    return typer.Option(
        None, "--at", metavar="WHEN", help=composed(_(
            "When it happened, if not now (补录, a late entry): a date (2026-11-28, 11月28日, "
            "昨天, 周五) or a date and time (2026-11-28 15:00, 11-28 下午3点, 昨天 9点半, "
            "周五 下午三点), or a time alone, today's (8点), in the committee's time zone; a "
            "date without its year or a day of the week alone the latest such day; not in the "
            "future, not before the case's previous step, at most the committee's late-entry "
            "days ago. {hours}", hours=hours_help())))


def parse_at(value: str | None, toward: str = "back", option: str = "--at") -> date | None:
    """``--at``: a date (a ``date``) or a date and time (a ``datetime``, a wall time of the
    committee's zone unless it has an offset), in any form mediation.core.moments reads
    (``toward``: where a day without its year falls, moments.BACK for what happened, AHEAD for
    an appointment); or a usage error (exit 2) naming the forms."""
    if value is None:
        return None
    from mediation.core import moments
    from mediation.core.calendar import FIRST_DAY, LAST_DAY, in_range
    from mediation.core.errors import UsageError

    today = _Today()
    try:
        when = moments.parse(value, today=today, toward=toward)
    except moments.Unreadable as exc:  # one line within 80 columns: the option, the forms
        raise UsageError(msg("{option}: {why}", option=option, why=exc.message)) from None
    day = when.date() if isinstance(when, datetime) else when
    if not in_range(day):
        raise typer.BadParameter(_("{value} is out of range: dates are from {first} to {last}",
                                   value=value, first=FIRST_DAY, last=LAST_DAY),
                                 param_hint=option)
    today.remember(option, when)
    return when


# What each moment typed relative to the day was read as, by option, on the running command's
# context: its confirmation shows it (:func:`read_as`; render.step_done, the registration's
# line), so that ``--at 今天 8点`` is seen as 2026-12-01 08:00 before anyone relies on it.
_READ_AS = "mediation.read_as"


class _Today:
    """The committee's today (:func:`committee_today`) for the one reader of moments, which
    asks for it only when what was typed depends on it: a word (今天, 明天), a day of the
    week, a day without its year (12月5日), a time alone (8点) -- never for ``2026-12-05
    09:30``. Asked, the moment read is remembered for :func:`read_as`."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> date:
        self.asked = True
        return committee_today()

    def remember(self, option: str, read: date) -> None:
        from typer._click.globals import get_current_context

        ctx = get_current_context(silent=True)
        if self.asked and ctx is not None:
            ctx.meta.setdefault(_READ_AS, {})[option] = read


def read_as() -> Msg | None:
    """THE line part saying what the running command's relative moments were read as (``--at
    2026-12-01 08:00``: a date and time to the minute, or to the second when typed so, with
    its offset if one was typed; a date alone as a date), in the order the options were read;
    None when every moment named itself (``2026-12-01 08:00``) or none was typed."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    read: dict[str, date] = {} if ctx is None else ctx.meta.get(_READ_AS, {})
    if not read:
        return None
    return msg("read as {moments}", moments=join(
        [f"{option} {_moment_text(when)}" for option, when in read.items()]))


def read_moments() -> dict[str, str]:
    """What :func:`read_as` says, for ``--json``: each option's moment as ISO 8601 (a date
    alone ``2026-12-01``; a date and time with its offset, the committee's zone's when none
    was typed: ``2026-12-01T08:00:00+08:00``); empty when :func:`read_as` says nothing."""
    from typer._click.globals import get_current_context

    from mediation.core import clock

    ctx = get_current_context(silent=True)
    read: dict[str, date] = {} if ctx is None else ctx.meta.get(_READ_AS, {})
    return {option: (when if when.tzinfo else when.replace(tzinfo=clock.calendar().tz))
            .isoformat(timespec="seconds") if isinstance(when, datetime) else when.isoformat()
            for option, when in read.items()}


def _moment_text(when: date) -> str:
    if not isinstance(when, datetime):
        return when.isoformat()
    text = when.strftime("%Y-%m-%d %H:%M:%S" if when.second else "%Y-%m-%d %H:%M")
    offset = when.strftime("%z")
    return text + (f"{offset[:3]}:{offset[3:]}" if offset else "")


# ---------------------------------------------------------------------------------------------
# Every option and argument through the one normaliser (mediation/core/normalise.py)

# Values that name a file or a database: passed on exactly as typed (a Windows file name may
# well hold full-width brackets).
PATH_PARAMS = frozenset({"db", "file", "out", "destination", "key", "token_file", "anchor"})
# Free text: kept as written, control characters removed (multi-line: line breaks kept).
TEXT_PARAMS = frozenset({"minutes", "terms", "advice", "note", "reason"})
LINE_PARAMS = frozenset({"place", "attendees", "court", "full_name", "director_name",
                         "committee_name", "name"})
# A parameter whose meaning depends on the command: (command path, name).
TEXT_IN = {("init", "committee"): "line",
           ("case decline", "reason"): "code", ("case terminate", "reason"): "code",
           ("sweep record", "area"): "line", ("sweep record", "swept_by"): "line",
           ("lead report", "seen"): "text", ("lead report", "parties"): "line",
           ("lead report", "cell"): "line", ("lead dismiss", "reason"): "code",
           ("case amend", "summary"): "text", ("case amend", "requests"): "text",
           ("case amend", "referral"): "line", ("case amend", "add_party"): "line",
           ("case amend", "edit_party"): "line", ("case amend", "amount"): "line",
           ("case amend", "prevention"): "line",
           # free text as written (，。 kept), not folded as a code (issue 14)
           ("case amend", "agreement_terms"): "text", ("case visit", "measures"): "text",
           ("case visit", "escalation"): "text", ("case police", "to"): "line"}
# Option values that are codes of a vocabulary: folded and lower case (normalise.code).
CODE_PARAMS = frozenset({"state", "kind", "performance", "satisfaction", "result", "by",
                         "role", "lang"})


def param_kind(command: str, name: str | None) -> str:
    """How the one normaliser reads a parameter: ``path`` (as typed), ``text`` (free text,
    multi-line), ``line`` (free text, one line), ``code`` or ``ident`` (folded)."""
    if name is None:
        return "ident"
    if (command, name) in TEXT_IN:
        return TEXT_IN[(command, name)]
    if name in PATH_PARAMS:
        return "path"
    if name in TEXT_PARAMS:
        return "text"
    if name in LINE_PARAMS:
        return "line"
    if name in CODE_PARAMS:
        return "code"
    return "ident"


def _normaliser(kind: str) -> Callable[[str], str]:
    from mediation.core import normalise

    return {
        "text": lambda v: normalise.text(v, multiline=True),
        "line": normalise.text,
        "code": normalise.code,
        "ident": normalise.fold,
    }[kind]


def normalise_params(command: Any, path: str = "") -> None:
    """Route the raw value of every parameter of ``command`` and its subcommands through the
    normaliser its kind needs, before Typer converts it (so ``--persons １０`` and ``--due
    ２０２６/１２/３１`` read as typed, and no control character reaches a service)."""
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        normalise_params(sub, f"{path} {sub_name}".strip())
    for param in command.params:
        descriptor = getattr(param, "type_descriptor", None)
        annotation = getattr(descriptor, "annotation", None)
        if annotation is bool:
            continue
        kind = "path" if annotation is Path else param_kind(path, param.name)
        param.consume_value = _consuming(param.consume_value,
                                         str if kind == "path" else _normaliser(kind))


def _consuming(consume: Callable[..., tuple[Any, Any]], fn: Callable[[str], str]
               ) -> Callable[..., tuple[Any, Any]]:
    """Every value read as typed is first refused if it holds a placeholder a printed command
    left to fill in (``--reason ‹原因›``: core.placeholders, one line, exit 1), then
    normalised."""
    from mediation.core.placeholders import refuse

    def read(v: str) -> str:
        return fn(refuse(v))

    def consume_value(ctx: Any, opts: Any) -> tuple[Any, Any]:
        value, source = consume(ctx, opts)
        if isinstance(value, str):
            value = read(value)
        elif isinstance(value, (list, tuple)):
            value = type(value)(read(v) if isinstance(v, str) else v for v in value)
        return value, source
    return consume_value


def destination_arg(metavar: str, help_text: str) -> Any:
    """THE argument of every command that writes a file or folder: where, as its last
    positional argument (``case print agreement 龙12 协议书.docx``, ``export nightly 导出/``,
    as ``db backup FILE``); ``--out`` (:func:`out_alias`) says the same; read by
    :func:`place`. Its parameter is named ``destination`` (tests/cli/test_destinations.py
    finds the commands by it)."""
    return typer.Argument(None, metavar=metavar, show_default=False, help=help_text)


def out_alias(metavar: str) -> Any:
    """``--out``, kept for the scripts written before the argument (:func:`destination_arg`)."""
    return typer.Option(None, "--out", metavar=metavar, help=_(
        "The same as DIR (for scripts written with --out).") if metavar == "DIR" else _(
        "The same as FILE (for scripts written with --out)."))


def place(positional: str | Path | None, option: str | Path | None, *, folder: bool,
                metavar: str, suffix: str | None = None, optional: bool = False
                ) -> Path | None:
    """THE place a command writes to, given as its argument or ``--out`` (one of them, or the
    same in both; otherwise a usage error, exit 2; none given: None when ``optional``, else a
    usage error), checked by the one rule mediation.core.outfiles.destination (exit 1:
    a file where a folder is wanted, a folder where a file is, a missing folder to put it in).
    Called before the command records or writes anything."""
    from mediation.core.errors import UsageError
    from mediation.core.outfiles import destination as checked

    if positional is None and option is None:
        if optional:
            return None
        raise UsageError(msg("give the place to write to: {metavar} (or --out {metavar})",
                             metavar=name("metavar", metavar)))
    if positional is not None and option is not None and Path(positional) != Path(option):
        raise UsageError(msg("two places given ({first} and --out {second}): give one",
                             first=str(positional), second=str(option)))
    given = positional if positional is not None else option
    assert given is not None
    return checked(given, folder=folder, suffix=suffix)
