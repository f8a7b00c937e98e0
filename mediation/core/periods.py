"""The periods statistics and reports are counted over: local calendar dates of the default
calendar (China Standard Time), ``end`` exclusive, and the written forms that name them
(``2026-11``, ``2026Q4``, ``2026``, ``2026-01-01..2026-03-31``, ``--month``/``--from`` ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mediation.core import calendar
from mediation.core.clock import start_of_local_day_utc
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import msg


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range | month_to_date
    label: str
    start: date
    end: date  # exclusive

    @property
    def start_utc(self) -> datetime:
        return start_of_local_day_utc(self.start)

    @property
    def end_utc(self) -> datetime:
        return start_of_local_day_utc(self.end)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def view(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "from": self.start.isoformat(),
                "to": self.last_day.isoformat()}


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month(year: int, mon: int) -> Period:
    start = date(year, mon, 1)
    return Period("month", f"{year:04d}-{mon:02d}", start, next_month(start))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period("quarter", f"{year:04d}Q{q}", start, end)


def year(y: int) -> Period:
    return Period("year", f"{y:04d}", date(y, 1, 1), date(y + 1, 1, 1))


def date_range(first: date, last: date) -> Period:
    if last < first:
        raise InvalidInput(msg("the period ends ({to}) before it starts ({start})",
                               to=last.isoformat(), start=first.isoformat()))
    return Period("range", f"{first.isoformat()}..{last.isoformat()}", first,
                  last + timedelta(days=1))


def month_to_date(today: date) -> Period:
    start = today.replace(day=1)
    return Period("month_to_date", f"{today:%Y-%m} (≤{today:%m-%d})", start,
                  today + timedelta(days=1))


def year_to_date(today: date) -> Period:
    return Period("year_to_date", f"{today:%Y} (≤{today:%m-%d})", date(today.year, 1, 1),
                  today + timedelta(days=1))


def last_months(today: date, count: int = 12) -> list[Period]:
    """The ``count`` calendar months ending with the one holding ``today`` (oldest first)."""
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        out.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")


def parse_period(spec: str) -> Period:
    """``2026-11`` (month), ``2026Q4`` (quarter), ``2026`` (year) or ``D..D`` (dates)."""
    text = spec.strip()
    if m := _MONTH_RE.match(text):
        mon = int(m.group(2))
        if 1 <= mon <= 12:
            _check_day(date(int(m.group(1)) or 1, mon, 1), spec)
            return month(int(m.group(1)), mon)
    elif m := _QUARTER_RE.match(text):
        _check_day(date(int(m.group(1)) or 1, 1, 1), spec)
        return quarter(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR_RE.match(text):
        _check_day(date(int(m.group(1)) or 1, 1, 1), spec)
        return year(int(m.group(1)))
    elif ".." in text:
        first, _, last = text.partition("..")
        return date_range(parse_date(first), parse_date(last))
    raise InvalidInput(msg("not a period: {value} (use 2026-11, 2026Q4, 2026 or "
                           "2026-01-01..2026-03-31)", value=spec))


def parse_date(value: str) -> date:
    """A date in any written form the one normaliser reads (normalise.date_: 2026-12-31,
    2026/12/31, 2026.12.31, 2026年12月31日, full-width digits)."""
    from mediation.core import normalise

    try:
        day = normalise.date_(value)
    except normalise.Unreadable as exc:
        raise InvalidInput(exc.message) from None
    _check_day(day, value)
    return day


def _check_day(day: date, value: str) -> None:
    if not calendar.in_range(day):
        raise UsageError(msg("{value} is out of range: dates are from {first} to {last}",
                               value=value, first=calendar.FIRST_DAY, last=calendar.LAST_DAY))


def period_from_options(*, month_: str | None = None, quarter_: str | None = None,
                        year_: str | None = None, from_: str | None = None,
                        to: str | None = None, spec: str | None = None,
                        today: date) -> Period:
    """The one period the options name; the current month to date when none is given."""
    given = [x for x in (month_, quarter_, year_, spec) if x] + (
        ["range"] if (from_ or to) else [])
    if len(given) > 1:
        raise InvalidInput(msg("give one period: --month, --quarter, --year, or --from/--to"))
    # 2026年11月, 2026/11, 2026年第4季度, 2026年 ...: one written form each (core/normalise.py).
    from mediation.core import normalise

    month_, quarter_, year_, spec = (None if x is None else normalise.period_text(x)
                                     for x in (month_, quarter_, year_, spec))
    if month_:
        if not _MONTH_RE.match(month_.strip()):
            raise InvalidInput(msg("not a month: {value} (use 2026-11)", value=month_))
        return parse_period(month_)
    if quarter_:
        if not _QUARTER_RE.match(quarter_.strip()):
            raise InvalidInput(msg("not a quarter: {value} (use 2026Q4)", value=quarter_))
        return parse_period(quarter_)
    if year_:
        if not _YEAR_RE.match(year_.strip()):
            raise InvalidInput(msg("not a year: {value} (use 2026)", value=year_))
        return parse_period(year_)
    if spec:
        return parse_period(spec)
    if from_ or to:
        first = parse_date(from_) if from_ else date(today.year, 1, 1)
        last = parse_date(to) if to else today
        return date_range(first, last)
    return month_to_date(today)
