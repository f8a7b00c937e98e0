"""Typed errors that cross from the library to the CLI and become one clean line each.

Each carries its exit code from :class:`Exit`, the CLI's contract (docs/cli.md, "Exit codes": one
table, every member with its meaning and an example in both languages). The one rule between 1
and 2: a value that cannot be read as its type (in none of its written forms: ``--amount 五百``)
or is not one of a fixed list is a usage error, :class:`UsageError`, exit 2, naming the allowed
forms, whether the command line's parser or the library finds it; a value read but not allowed
(``--amount -5``, ``--persons 0``) is :class:`InvalidInput`, exit 1; a well-formed reference to
something the database does not hold (a case number, a staff member's name, a lead's number) is
:class:`NotFound`, exit 1, as is every other refusal by the domain and a file's content that
fails validation (:class:`InvalidInput`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from mediation.core.i18n import Msg, get_language, join, msg, name, shown_as


class Exit(IntEnum):
    """The exit codes of ``mediation``: every one the CLI returns is one of these."""

    OK = 0
    REFUSED = 1  # refused by the domain; a well-formed reference to nothing; a bad file;
    # a deliberate cancel (否 at the guided intake's summary: the draft kept)
    USAGE = 2  # a value that cannot be read, or is not one of a fixed list; a missing option
    CONFLICT = 3  # somebody changed the case meanwhile, or the database stayed busy
    INTEGRITY = 4  # the event log or the case files fail verification
    INTERNAL = 70  # EX_SOFTWARE: a bug, or the database unreachable; not the user's fault
    INTERRUPTED = 130  # Ctrl-C or end of input at a prompt, as a shell reports an interrupt
    # (never a cancel the user chose)


class MediationError(Exception):
    exit_code: int = Exit.REFUSED

    def __init__(self, message: Msg) -> None:
        super().__init__(message.id)
        self.message = message

    def render(self) -> str:
        return self.message.render()

    def details(self) -> list[Msg]:
        """The lines shown before the refusal's own (:class:`Problems`'); none for most."""
        return []

    def __str__(self) -> str:
        return self.render()


class NotFound(MediationError):
    """A well-formed reference to something the database does not hold: an unknown case
    number, staff member, lead, token, committee or database (exit 1)."""


class InvalidInput(MediationError):
    """Input that fails validation: a malformed file, a bad ID number or phone, a bad date."""


class Unchanged(InvalidInput):
    """A correction to the values already held (mediation.core.changes: the same value is no
    change): nothing is written, and the command says so and succeeds (exit 0: ``case amend``
    catches it); a caller of the library sees the refused input it is."""


class Problems(InvalidInput):
    """Input with several problems, all found at once (a case file's fields, a leads file's
    lines): ``problems``, one message each (where, what is wrong, what is allowed), which the
    CLI shows one line each before ``message`` (how many; nothing written). Exit 1."""

    def __init__(self, message: Msg, problems: Sequence[Msg]) -> None:
        super().__init__(message)
        self.problems = list(problems)

    def details(self) -> list[Msg]:
        return self.problems

    def one_line(self) -> str:
        """Every problem in one line (a bulk import's rejected line)."""
        return ("；" if get_language() == "zh" else "; ").join(
            p.render() for p in self.problems)


class UsageError(InvalidInput):
    """A value given on the command line that cannot be read (in none of its written forms: a
    case reference ``abc``, a month ``13月``) or is not one of a fixed list, or an option the
    command does not take this way (one that needs another): a usage error, exit 2, naming what
    is allowed, as the command line's own parser reports one. Raised by the library where the
    rule lives (stats' groupings, the reveal's reason, a period, a case reference)."""

    exit_code = Exit.USAGE


class PermissionDenied(MediationError):
    """The actor's role lacks the permission the action needs. ``permission``: its code, when
    the refusal is one of the access policy's (``policy.refused``)."""

    def __init__(self, message: Msg, *, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission


class Refused(MediationError):
    """The workflow refuses: the trigger is illegal in this state, or a guard failed.

    The message names the case, its state, what was asked, why not, and what is allowed now.
    """

    def __init__(
        self,
        *,
        case: str,
        state: str,
        action: str,
        why: Msg,
        allowed: Sequence[str] | None,
    ) -> None:
        self.case = case
        self.state = state
        self.action = action
        self.why = why
        # None: the refusal is about the step's inputs, not the case, so no list of steps
        # follows (the step itself may well be allowed with other inputs).
        self.allowed = None if allowed is None else list(allowed)
        super().__init__(msg("Case {case} is {state}; cannot {action}: {why}. {allowed}"))

    def render(self) -> str:
        allowed: Msg | str = ""
        if self.allowed:
            actions = join([name("trigger", a) for a in self.allowed])
            allowed = msg("Allowed now: {actions}.", actions=actions)
        elif self.allowed is not None:
            allowed = msg("Nothing more can be done to it.")
        text = msg(
            "Case {case} is {state}; cannot {action}: {why}. {allowed}",
            case=self.case,
            state=name("state", self.state),
            action=name("trigger", self.action),
            why=self.why,
            allowed=allowed,
        ).render()
        return shown_as(text, text.rstrip())


class DuplicateSuspected(MediationError):
    """Intake found probable duplicates; ``matches`` lists those the asker may read (for a
    side-by-side view), ``hidden`` counts the others, which are named to nobody but the
    director (mediation/duplicates.py)."""

    def __init__(self, matches: list[dict[str, object]], record: dict[str, object],
                 hidden: int = 0) -> None:
        self.matches = matches
        self.record = record
        self.hidden = hidden
        numbers = join([str(m["number"]) for m in matches])
        # one line within 80 columns with a case number as long as (2026)龙人调字第123号
        if matches and hidden:
            text = msg("May duplicate {numbers} and a case only the director sees; check, or "
                       "add --force (recorded).", numbers=numbers)
        elif hidden:
            text = msg("May duplicate a case only the director sees; check, or add --force "
                       "(recorded).")
        else:
            text = msg("May duplicate {numbers}; check, or add --force (recorded).",
                       numbers=numbers)
        super().__init__(text)


class Conflict(MediationError):
    """A stale write: somebody changed the case since the caller read it."""

    exit_code = Exit.CONFLICT


class ConcurrentUpdate(Conflict):
    """The case changed between this transaction's read and its write, and the caller had not
    named a version: the whole unit of work may safely run again (storage.transaction does)."""


class Busy(MediationError):
    """The database stayed busy (locked, or conflicting transactions) through every retry:
    nothing was written; trying again later is the cure (exit 3, like a concurrent edit)."""

    exit_code = Exit.CONFLICT


class IntegrityFailure(MediationError):
    exit_code = Exit.INTEGRITY
