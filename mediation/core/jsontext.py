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


# What a Chinese input method types for JSON's punctuation outside a text: full-width
# colon, comma and brackets, read as JSON's own.
_WIDE_PUNCT = str.maketrans({"：": ":", "，": ",", "｛": "{", "｝": "}", "［": "[", "］": "]",
                             "　": " ", "、": ","})
_OPENING_QUOTES = "\"“”＂"


def ascii_punctuation(text: str) -> str:
    """``text`` with the punctuation an input method types in place of JSON's read as JSON's:
    texts in curly or full-width double quotes (“张三”, ＂张三＂) become texts in double
    quotes, and a full-width colon, comma or bracket outside a text becomes its ASCII form.
    What stands inside a text is kept as typed (a summary's ，and ：stay), an ASCII double
    quote inside a curly-quoted text is escaped. Valid JSON comes back unchanged in meaning."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _OPENING_QUOTES:
            ascii_opened = ch == '"'
            out.append('"')
            i += 1
            while i < n:
                ch = text[i]
                if ch == "\\" and i + 1 < n:
                    out.append(text[i:i + 2])
                    i += 2
                    continue
                if (ch == '"') if ascii_opened else (ch in "“”＂"):
                    break
                if ch == '"':  # an ASCII quote inside a curly-quoted text
                    out.append('\\"')
                else:
                    out.append(ch)
                i += 1
            if i < n:
                out.append('"')
                i += 1
            continue
        out.append(ch.translate(_WIDE_PUNCT))
        i += 1
    return "".join(out)


def loads(text: str, origin: str | Msg | None, *, strict: bool = False) -> Any:
    """``text`` parsed, or :class:`InvalidInput` saying what is wrong and where. Raw control
    characters are let through by default (the inputs' normaliser removes them). JSON typed
    through a Chinese input method (``{“name”：“张三”}``) is read as its ASCII form
    (:func:`ascii_punctuation`) when it is not JSON as typed; a refusal then points at the
    text as typed."""
    try:
        return json.loads(text, strict=strict)
    except json.JSONDecodeError as exc:
        first = exc
    ascii_form = ascii_punctuation(text)
    if ascii_form != text:
        try:
            return json.loads(ascii_form, strict=strict)
        except json.JSONDecodeError:
            pass
    raise InvalidInput(where(first, origin)) from None
