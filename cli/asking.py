"""The questions of the guided intake, one answer each, on standard error.

Prompts are on standard error, so that standard output stays the command's result; the
framework's own prompt messages are never used (every error is ours, in the user's language).
An empty answer takes the default shown in brackets; end of input cancels (typer.Abort).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import typer

from cli import render
from mediation.core import choices, normalise
from mediation.core.i18n import _


def say(text: str) -> None:
    render.err(text + "\n")


def review(number: int, label: str, value: str, cells: int | None) -> list[str]:
    """One row of the guided intake's review (before 确认登记吗): ``  3. 简要案情：value``, as
    the lines it takes at ``cells`` terminal columns (None: one line, as in a pipe), a value
    too long for one line wrapped with a hanging indent under the value's start (under the
    label's, where the label leaves the value less than 20 columns), by display width (a CJK
    character takes two; words, numbers and dates whole: cli.lines.wrap). The value passes
    through the message (i18n.quoted): a number typed into free text is masked. A value may
    come marked (cli.lines.keep: a party's line, party_prompts.line); one that is not is kept
    whole by the rule of a record's value (cli.lines.keep_value: a name, a number, a date
    whole, prose free to break): no value is ever split across two lines (issue 14)."""
    from cli.lines import KEEP, keep_value, unmarked, wrap
    from cli.lines import width as cells_of

    head = f"{number:>3}. " + _("{field}: {value}", field=label, value="")
    text = f"{number:>3}. " + _("{field}: {value}", field=label,
                                value=value if KEEP in value else keep_value(value))
    if cells is None or cells_of(unmarked(text)) <= cells:
        return [unmarked(text)]
    hang = cells_of(head) if cells - cells_of(head) >= 20 else 5
    return wrap(text[len(head):], cells, indent=" " * hang, first_indent=head)


def listing(items: list[str]) -> None:
    """Choices as lines that fit the terminal, never splitting one choice."""
    import shutil

    from cli.lines import width

    columns = max(shutil.get_terminal_size().columns, 40)
    line = ""
    for item in items:
        if line and width(line) + 2 + width(item) > columns:
            say(line)
            line = ""
        line = f"{line}  {item}" if line else item
    if line:
        say(line)


# What a clerk types to go back one question, where the questions allow it (going_back): the
# way back to a party's 类型 in the middle of entering it (issue 14, a clerk's trial: Ctrl-C and
# resuming returned to the same question). Compared folded (＜ is <).
BACK = frozenset({"<", "返回", "上一步"})
_BACK_ALLOWED: ContextVar[bool] = ContextVar("back_allowed", default=False)


class Back(Exception):
    """The clerk typed :data:`BACK` at a question asked within :func:`going_back`."""


@contextmanager
def going_back() -> Iterator[None]:
    """Questions asked within it raise :class:`Back` on an answer of :data:`BACK`; the caller
    forgets the previous answer and asks again from there (party_prompts.party)."""
    token = _BACK_ALLOWED.set(True)
    try:
        yield
    finally:
        _BACK_ALLOWED.reset(token)


def ask(label: str, default: str | None = None, shown: str | None = None) -> str:
    """One answer (stripped); ``default`` is shown in brackets (as ``shown``, if given: a
    masked number) and taken on an empty answer. Within :func:`going_back`, :data:`BACK`
    raises :class:`Back`."""
    import sys

    shown = f"{label} [{shown or default}]" if default else label
    render.err(shown + ": ")
    sys.stderr.flush()
    line = sys.stdin.readline()  # not the framework's prompt: it writes to standard output
    if not line:
        raise typer.Abort()  # end of input: cancelled, nothing written
    if _BACK_ALLOWED.get() and choices.fold(line.strip()) in BACK:
        raise Back()
    return line.strip() or (default or "")


YES = frozenset({"y", "yes", "是", "对", "好", "确认"})
NO = frozenset({"n", "no", "否", "不", "不是"})


def yes(label: str, default: bool = False) -> bool:
    """A yes/no question; y, yes, 是, 对 or n, no, 否, 不 (asked again otherwise)."""
    hint = _("Y/n") if default else _("y/N")
    while True:
        answer = choices.fold(ask(f"{label} ({hint})"))
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        say(_("answer y (yes) or n (no)"))


def choose(label: str, kind: str, values: list[str], default: str | None = None) -> str:
    """One of ``values``, listed by name; the code, the name (either language) or its number."""
    listing([f"{i}={choices.label(kind, v)}" for i, v in enumerate(values, 1)])
    while True:
        answer = ask(label, choices.label(kind, default) if default else None)
        if answer.isdigit() and 1 <= int(answer) <= len(values):
            return values[int(answer) - 1]
        if not answer:  # Enter with nothing to keep: the list is just above, not repeated
            say(_("this is required: type a number from the list above, or its name"))
            continue
        try:
            return choices.parse(kind, answer, values)
        except choices.ChoiceError:
            # one line: the list was printed above the question, numbered (a clerk's trial
            # saw four lines of every choice repeated at each wrong answer)
            say(_("{value} is none of the list above: type its number (1-{last}) or its "
                  "name", value=answer, last=len(values)))


# What clears an optional answer that has a current value (Enter keeps it).
CLEAR = "-"


def optional(label: str, default: str | None = None, shown: str | None = None) -> str | None:
    """An answer or None; with a ``default`` (the current value, when a field is corrected)
    an empty answer keeps it and ``-`` clears it."""
    answer = ask(label, default, shown)
    return None if not answer or (default and answer == CLEAR) else answer


def required(label: str, default: str | None = None) -> str:
    while True:
        answer = ask(label, default)
        if answer:
            return answer
        say(_("this is required"))


T = TypeVar("T")


class Refused(ValueError):
    """An answer a question's own rule refuses, with what to say (already in the user's
    language)."""


def refusal(exc: Exception) -> str | None:
    """What to say of an answer a field's rule refused (one line), or None: not a refusal."""
    from mediation.core.errors import MediationError

    message = getattr(exc, "message", None)
    if isinstance(exc, MediationError):
        return exc.render()
    if isinstance(exc, Refused):
        return str(exc)
    return message.render() if message is not None and hasattr(message, "render") else None


def answer(label: str, rule: Callable[[str], T], default: str | None = None,
           shown: str | None = None, *, needed: bool = False) -> T | None:
    """THE question of one field of the guided intake: asked until the field's own rule (the
    one ``case new --file`` applies: mediation/core/fields.py, normalise, money) takes the
    answer, a refusal said at once in one line; empty: None (``needed``: asked again).
    ``default``: the current answer (a correction), Enter keeps it, ``-`` clears it."""
    while True:
        value = required(label, default) if needed else optional(label, default, shown)
        if value is None:
            return None
        try:
            return rule(value)
        except Exception as exc:  # Unreadable, FieldError, ChoiceError, Refused, InvalidInput
            said = refusal(exc)
            if said is None:
                raise
            say(said)


def phone(label: str | None = None, default: str | None = None) -> str | None:
    from mediation.core import identity

    return answer(label or _("Phone (empty if none)"), normalise.phone, default,
                  identity.mask_phone(default))
