"""THE reader of JSON a user gives (a case file, ``case import``'s lines, ``amend --add-party``,
a lead file, ``lead accept --file``): what is wrong, where (line and column) and what was
expected, in one line in the user's language, never the parser's English."""

from __future__ import annotations

import json
from typing import Any

from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, Msg, msg

# What the parser found wrong (the start of its message), as the user reads it.
_WHAT: tuple[tuple[str, str], ...] = (
    ("Expecting value", N_("expected a value: a text in double quotes, a number, true, "
                           "false, null, an object or a list")),
    ("Expecting property name", N_("expected a field name in double quotes (no comma after "
                                   "the last field)")),
    ("Expecting ',' delimiter", N_("expected a comma between two items, or the closing "
                                   "bracket")),
    ("Expecting ':' delimiter", N_("expected a colon after the field name")),
    ("Extra data", N_("extra text after the end of the JSON value")),
    ("Unterminated string", N_("a text is not closed: its double quote is missing")),
    ("Invalid control character", N_("a control character inside a text")),
    ("Invalid \\uXXXX escape", N_("an invalid escape: after a backslash and u, four hex "
                                   "digits")),
    ("Invalid \\escape", N_("an invalid escape after a backslash (write two backslashes "
                             "for one)")),
)


def problem(exc: json.JSONDecodeError) -> Msg:
    """What is wrong with the JSON and what was expected (without where)."""
    for start, what in _WHAT:
        if exc.msg.startswith(start):
            return msg(what)
    return msg("not JSON as written")


def where(exc: json.JSONDecodeError, origin: str | Msg | None) -> Msg:
    """The one line of a JSON error: ``origin: not valid JSON at line L, column C: what``
    (without ``origin``, for an option's value, which the refusal names already)."""
    if origin is None:
        return msg("not valid JSON at line {line}, column {column}: {what}",
                   line=exc.lineno, column=exc.colno, what=problem(exc))
    return msg("{origin}: not valid JSON at line {line}, column {column}: {what}",
               origin=origin, line=exc.lineno, column=exc.colno, what=problem(exc))


def loads(text: str, origin: str | Msg | None, *, strict: bool = False) -> Any:
    """``text`` parsed, or :class:`InvalidInput` saying what is wrong and where. Raw control
    characters are let through by default (the inputs' normaliser removes them)."""
    try:
        return json.loads(text, strict=strict)
    except json.JSONDecodeError as exc:
        raise InvalidInput(where(exc, origin)) from None
