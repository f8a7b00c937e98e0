"""Dates as the committee lives them, in the committee's calendar.

Timestamps are stored in UTC; the calendar questions (which year a case number belongs to, which
day a case concluded on) and every time shown are answered in local time. A committee's own time
zone is a setting (``mediation.calendars``, ``mediation calendar set --zone``): a command reads it
once, where it already opens the database (cli/context ``Env.act``), and makes it THE calendar of
this process with :func:`use`; :func:`calendar` answers it (the default, ``Asia/Shanghai``, until
a command has read the committee's, or for a command that opens no database). The helpers below
and the CLI's ``output.local_time`` answer in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from mediation.core.calendar import DEFAULT, Calendar

# The committee's calendar this command works in (:func:`use`), else the default.
_CURRENT: list[Calendar] = [DEFAULT]
# The instant "now" is, when a test fixed it (:func:`fixed`; tests/conftest.py ``fixed_now``),
# in this process only: no setting or environment variable moves the clock of a real install.
_FIXED: list[datetime] = []


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp is stored in: the one clock every "now" and
    "today" is read from (the units of work's default clock, the CLI's today)."""
    if _FIXED:
        return _FIXED[-1]
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def fixed(instant: datetime) -> Iterator[None]:
    """Within it, :func:`utcnow` answers ``instant`` (naive UTC): a test of what depends on
    the date (the turn of a year, 1 January) does not depend on the day it is run."""
    _FIXED.append(instant)
    try:
        yield
    finally:
        _FIXED.pop()


def use(cal: Calendar) -> None:
    """Make ``cal`` (the acting committee's calendar, settings.calendar) the calendar every
    time is shown and every local date answered in, for the rest of this command."""
    _CURRENT[0] = cal


def calendar() -> Calendar:
    """THE calendar of the current committee (:func:`use`; the default, Asia/Shanghai, before
    a command has read its committee's settings)."""
    return _CURRENT[0]


def local_date(utc_naive: datetime) -> date:
    """The committee's local date (:func:`calendar`) of a naive-UTC instant."""
    return _CURRENT[0].local_date(utc_naive)


def start_of_local_day_utc(day: date) -> datetime:
    """The naive-UTC instant at which ``day`` begins in the committee's zone."""
    return _CURRENT[0].start_of_day_utc(day)


def shown(utc_naive: datetime, cal: Calendar | None = None) -> str:
    """THE text of an instant as people read it (cli.output.local_time, the agenda): its wall
    time in the committee's calendar (``cal``, else :func:`calendar`) to the minute,
    ``2026-11-03 09:30``; a local time of exactly 00:00:00.000000 (a day entered alone, recorded
    at its first instant: workflow.occurrence) as the date alone, ``2026-11-29``."""
    wall = (cal or _CURRENT[0]).local(utc_naive)
    if (wall.hour, wall.minute, wall.second, wall.microsecond) == (0, 0, 0, 0):
        return wall.strftime("%Y-%m-%d")
    return wall.strftime("%Y-%m-%d %H:%M")


def iso(value: datetime | date | None) -> str | None:
    """A time as shown and recorded: naive UTC as ``YYYY-MM-DDTHH:MM:SSZ``, a date as
    ``YYYY-MM-DD``, nothing as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        # isoformat: the same text as strftime("%Y-%m-%dT%H:%M:%SZ") at half its cost (every
        # row a listing or a search shows has up to three); strftime for what isoformat would
        # write otherwise (an offset, a year before 1000 padded to four digits)
        if value.tzinfo is None and value.year >= 1000:
            return value.isoformat(timespec="seconds") + "Z"
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
