"""Spreadsheet cells that a spreadsheet can never run: one rule for every CSV and xlsx we write.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return or line
feed before one) is a formula to Excel and LibreOffice when the file is opened (OWASP, "CSV
Injection"): ``=HYPERLINK(...)`` in a party's or a committee's name would run on the reader's
computer. :func:`inert` prefixes such text with a single quote, which spreadsheets show as text
and never evaluate; numbers are left alone. The nightly export's ``cases.csv`` and ``events.csv``
(:mod:`mediation.reporting.export`) and the monthly report's sheet
(:mod:`mediation.reporting.report`, whose strings are also stored as strings, never formulas) go
through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

# In CSV text written by csv.writer (lines ended by CRLF): a field that starts with a trigger.
# Used to find the rare batch that needs :func:`inert_rows` without calling a function per cell.
# A field holding a line break is always quoted, so a line break right after a separator is no
# field's start but the end of the line after an empty last field (cases.csv ends with
# fed_back_at, empty until a feedback): only a quoted field can start with one.
CSV_DANGER = re.compile(r'(?:^|,)(?:"[=+\-@\t\r\n]|[=+\-@\t])', re.MULTILINE)
# The same search in two parts that the regular expression engine runs faster: a field after
# a separator or a line break (a pattern led by a character set, which it scans for), and the
# text's first field. :func:`csv_danger` is exactly ``CSV_DANGER.search(text) is not None``.
_AFTER_SEPARATOR = re.compile(r'[,\n](?:"[=+\-@\t\r\n]|[=+\-@\t])')
_FIRST_FIELD = re.compile(r'"[=+\-@\t\r\n]|[=+\-@\t]')


def csv_danger(text: str) -> bool:
    """Whether CSV ``text`` has a field starting with a trigger (``CSV_DANGER``); in a batch of
    the nightly export's rows it takes about 40% less time to find."""
    return _FIRST_FIELD.match(text) is not None or _AFTER_SEPARATOR.search(text) is not None


# A field that starts with a trigger (CSV_DANGER) holds one of these bytes, ASCII and so never
# part of another character's UTF-8 encoding: a trigger other than ``-``, or a quote (the start
# of a quoted field), or else a ``-`` right after a separator, a line break or the text's start.
# Each single byte is found by memchr; dates hold ``-`` after digits, never after a separator.
_MAYBE_BYTES = (b"=", b"+", b"@", b"\t", b'"')
_MAYBE_DASHES = (b",-", b"\n-")


def csv_danger_utf8(data: bytes) -> bool:
    """:func:`csv_danger` of the UTF-8 CSV text ``data``, the same answer: the bytes are first
    looked through for what every danger needs (``_MAYBE_BYTES``, ``_MAYBE_DASHES``), and only
    a batch holding one is decoded and searched. In a batch of the nightly export's rows this
    takes a third of the time of :func:`csv_danger` on its text (issue 18)."""
    if not (any(b in data for b in _MAYBE_BYTES) or any(d in data for d in _MAYBE_DASHES)
            or data.startswith(b"-")):
        return False
    return csv_danger(data.decode("utf-8"))


def inert(value: Any) -> Any:
    """``value`` as a cell a spreadsheet shows as text: text starting with a formula trigger
    gets a leading ``'``; everything else is returned as it is."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def inert_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Every cell of ``rows`` made :func:`inert`."""
    return [tuple(inert(v) for v in row) for row in rows]
