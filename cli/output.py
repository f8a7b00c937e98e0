"""The lowest layer of what the CLI shows: plain lines on standard output and error (cleaned of
terminal control), the Rich console, one JSON document, a time and a category as people read
them. Imports nothing of the CLI: cli.lines, cli.tables, cli.timeline, cli.caseview and
cli.render build on it (the import contract ``cli-layers`` in pyproject.toml).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def clean(value: str) -> str:
    """What may reach the terminal of a text: escape sequences and control characters removed
    (``normalise.displayable``). Stored text is data: never markup, never terminal control."""
    from mediation.core.normalise import displayable

    return displayable(value)


def out(line: str) -> None:
    """Write ``line`` (already ending in a newline, as ``sys.stdout.write`` is given) to
    standard output, cleaned. Every plain line the CLI prints goes through here or console()."""
    sys.stdout.write(clean(line))


def is_terminal(*, stderr: bool = False) -> bool:
    return (sys.stderr if stderr else sys.stdout).isatty()


def err(line: str) -> None:
    """As :func:`out`, on standard error, as given (cli.lines.err wraps it on a terminal)."""
    sys.stderr.write(clean(line))


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class TextConsole(Console):
        """A console for which every string is plain text: no markup (``[/b]``, ``[link=...]``
        in a name are shown as written), no emoji codes, no highlighting, and escape
        sequences and control characters cleaned out of every string it renders (printed
        strings, table cells and titles all pass through ``render_str``)."""

        def render_str(self, text: str, **kwargs: Any) -> Text:
            kwargs["markup"] = False
            kwargs["emoji"] = False
            return super().render_str(clean(text), **kwargs)

    return TextConsole


def console(stderr: bool = False) -> Console:
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=False, markup=False,
                            emoji=False)


# Characters JSON leaves raw with ensure_ascii=False that a terminal may act on: DEL and the C1
# controls (0x9b is a CSI), bidirectional overrides, line and paragraph separators.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def emit_json(value: Any) -> None:
    """One JSON document on stdout. Text stays exactly as stored; the characters a terminal
    could act on are written as ``\\uXXXX`` escapes (the same JSON value)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def local_time(value: str | None) -> str:
    """THE way a date or time is shown: an ISO UTC timestamp (``...Z``, or with an offset) in
    the committee's time zone (clock.calendar: its ``calendar set --zone``, read once by the
    command; Asia/Shanghai by default), a wall time without an offset (the guided intake's
    answers, already the committee's) as it is, both to the minute, ``2026-11-03 09:30``; a
    date as it is.

    A step entered with a date alone (``--at 2026年11月29日``, not today) is recorded at that
    day's first instant (workflow.occurrence): a local time of exactly 00:00:00.000000 is
    shown as the date alone (``2026-11-29``), not as a midnight nobody typed. (A time typed as
    ``0:00`` reads the same: the day's start is what it said.) Issue 14."""
    if not value:
        return ""
    if "T" not in value:
        return value
    from mediation.core import clock

    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is not None:  # an instant: clock.shown, the one rule (the agenda's too)
        return clock.shown(dt.astimezone(UTC).replace(tzinfo=None))
    if (dt.hour, dt.minute, dt.second, dt.microsecond) == (0, 0, 0, 0):
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%d %H:%M")


def category_name(code: str) -> str:
    from mediation.core import categories
    from mediation.core.i18n import get_language

    cat = categories.get(code)
    return f"{code} {cat.name(get_language())}" if cat else code
