"""The periods statistics and reports are counted over: local calendar dates of the default
calendar (China Standard Time), ``end`` exclusive, and the written forms that name them
(``2026-11``, ``2026Q4``, ``2026``, ``2026-01-01..2026-03-31``, ``--month``/``--from`` ...),
and the words a clerk says for them (本月, 上月, 本季度, 上季度, 今年/本年, 去年/上年, and in
English this month, last quarter ...), resolved against the committee calendar's today (the
caller's ``today``; never the machine's date) to the written form they stand for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from mediation.core import calendar, moments

# counted in China Standard Time for every committee (docs/settings.md), not clock.calendar()
from mediation.core.calendar import DEFAULT
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import N_, msg


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range | month_to_date
    label: str
    start: date
    end: date  # exclusive

    @property
    def start_utc(self) -> datetime:
        return DEFAULT.start_of_day_utc(self.start)

    @property
    def end_utc(self) -> datetime:
        return DEFAULT.start_of_day_utc(self.end)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def view(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "from": self.start.isoformat(),
                "to": self.last_day.isoformat()}


TO_DATE: Final = ("month_to_date", "quarter_to_date", "year_to_date")


def named(period: Period, lang: str, *, to_date: bool = True) -> str:
    """The one name of a period shown to people, in ``lang``: 2026年11月, 2026年第4季度,
    2026年, 2026-01-01 至 2026-03-31, 2026年12月（截至12月1日） (2026-11, 2026Q4, 2026,
    2026-01-01..2026-03-31, 2026-12 (to 12-01)). A period to date says to which day unless
    ``to_date`` is False (a form's title names the whole; its dates are on the next line)."""
    zh = lang == "zh"
    y, first = period.start.year, period.start
    if period.kind in ("month", "month_to_date"):
        whole = f"{y}年{first.month}月" if zh else f"{first:%Y-%m}"
    elif period.kind in ("quarter", "quarter_to_date"):
        q = (first.month - 1) // 3 + 1
        whole = f"{y}年第{q}季度" if zh else f"{y}Q{q}"
    elif period.kind in ("year", "year_to_date"):
        whole = f"{y}年" if zh else f"{y}"
    else:
        last = period.last_day.isoformat()
        return f"{first.isoformat()} 至 {last}" if zh else f"{first.isoformat()}..{last}"
    if period.kind not in TO_DATE or not to_date:
        return whole
    day = period.last_day
    return f"{whole}（截至{day.month}月{day.day}日）" if zh else f"{whole} (to {day:%m-%d})"


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
    if last < first:  # two readable dates that do not fit together: a refusal (exit 1)
        raise InvalidInput(msg("the period ends ({to}) before it starts ({start})",
                               to=last.isoformat(), start=first.isoformat()))
    return Period("range", f"{first.isoformat()}..{last.isoformat()}", first,
                  last + timedelta(days=1))


def month_to_date(today: date) -> Period:
    start = today.replace(day=1)
    return Period("month_to_date", f"{today:%Y-%m} (≤{today:%m-%d})", start,
                  today + timedelta(days=1))


def last_month(today: date) -> Period:
    """The last complete month before ``today``'s (on 1 December: November): what a monthly
    report is for when no month is named."""
    index = today.year * 12 + today.month - 2
    return month(index // 12, index % 12 + 1)


def last_quarter(today: date) -> Period:
    """The last complete quarter before ``today``'s (on 1 December 2026: 2026Q3; on 1 January
    2027: 2026Q4): what a quarterly report is for when no quarter is named."""
    index = today.year * 4 + (today.month - 1) // 3 - 1
    return quarter(index // 4, index % 4 + 1)


def last_year(today: date) -> Period:
    """The last complete year before ``today``'s: what a yearly report is for when none is
    named."""
    return year(today.year - 1)


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
# A month without its year (11月, 11月份): the most recent such month not in the future.
_MONTH_ONLY_RE = re.compile(r"(\d{1,2})\s*月份?", re.ASCII)
MONTH_FORMS: Final = N_("2026-11, 2026年11月, 11月 (the most recent November), this month or "
                        "last month")
_QUARTER_RE = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")


# The words for a period relative to today, by its kind (month, quarter, year) and how many of
# them back: 本月 is this month (the written 2026-11), 上月 the one before.
_RELATIVE: dict[str, tuple[str, int]] = {
    "本月": ("month", 0), "这个月": ("month", 0), "当月": ("month", 0),
    "上月": ("month", 1), "上个月": ("month", 1),
    "本季度": ("quarter", 0), "本季": ("quarter", 0), "这个季度": ("quarter", 0),
    "上季度": ("quarter", 1), "上个季度": ("quarter", 1), "上一季度": ("quarter", 1),
    "本年": ("year", 0), "今年": ("year", 0), "本年度": ("year", 0), "当年": ("year", 0),
    "上年": ("year", 1), "去年": ("year", 1), "上一年": ("year", 1), "上年度": ("year", 1),
    "this_month": ("month", 0), "last_month": ("month", 1), "this_quarter": ("quarter", 0),
    "last_quarter": ("quarter", 1), "this_year": ("year", 0), "last_year": ("year", 1),
}
RELATIVE_WORDS = N_("this month, last month, this quarter, last quarter, this year or last year")


def relative(text: str, today: date) -> tuple[str, str] | None:
    """``(kind, written form)`` of a relative period word (``本月`` → ``("month",
    "2026-11")``, ``last year`` → ``("year", "2025")``), or None when ``text`` is none."""
    from mediation.core import normalise

    found = _RELATIVE.get(normalise.code(text.strip()).lower())
    if found is None:
        return None
    kind, back = found
    if kind == "month":
        index = today.year * 12 + today.month - 1 - back
        return kind, f"{index // 12:04d}-{index % 12 + 1:02d}"
    if kind == "quarter":
        index = today.year * 4 + (today.month - 1) // 3 - back
        return kind, f"{index // 4:04d}Q{index % 4 + 1}"
    return kind, f"{today.year - back:04d}"


def parse_period(spec: str, today: Today) -> Period:
    """``2026-11`` (month), ``2026Q4`` (quarter), ``2026`` (year) or ``D..D`` (dates, a date
    without its year the most recent such day: BACK)."""
    text = spec.strip()
    if m := _MONTH_RE.match(text):
        mon = int(m.group(2))
        if not 1 <= mon <= 12:
            raise UsageError(msg("not a month: {value} (use {forms})", value=spec,
                                 forms=msg(MONTH_FORMS)))
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
        return date_range(parse_date(first, today=today), parse_date(last, today=today))
    raise UsageError(msg("not a period: {value} (use 2026-11, 2026Q4, 2026, "
                           "2026-01-01..2026-03-31, {words})", value=spec,
                           words=msg(RELATIVE_WORDS)))


# A date typed without its year (12月31日, 12-31) is the nearest such day on the side of today
# the option looks to (THE rule: mediation.core.moments): AHEAD for a date still to come (an
# appointment, a performance deadline, --due): on or after today; BACK for every other (when
# something happened, --at; the bounds of a period, a search or a log, --from/--to/--since/
# --until; a filing or a decision): on or before today.
AHEAD: Final = moments.AHEAD
BACK: Final = moments.BACK
Today = moments.Today


def parse_date(value: str, *, today: Today, toward: str = BACK) -> date:
    """A date in any form :func:`mediation.core.moments.parse_day` reads (2026-12-31,
    2026/12/31, 2026.12.31, 2026年12月31日, full-width digits; 12-31, 12月31日 without the
    year; 今天, 昨天, 明天 ...). ``today`` (the committee's, or a function giving it when it is
    needed) and ``toward`` (AHEAD, BACK) place a date typed without its year; UsageError
    naming the forms otherwise."""
    try:
        day = moments.parse_day(value, today=today, toward=toward)
    except moments.Unreadable as exc:
        raise UsageError(exc.message) from None
    _check_day(day, value)
    return day


def with_year(value: str, *, today: Today, toward: str = BACK) -> str:
    """``value`` with the year written in when it was typed without one (``12月31日 15:00`` →
    ``2026-12-31 15:00``), by :func:`mediation.core.moments.nearest`. Any other text comes
    back as it was, for the date readers to read or refuse."""
    from mediation.core import normalise

    found = normalise.month_day(value)
    if found is None:
        return value
    mon, dom, rest = found
    try:
        day = moments.nearest(mon, dom, value, today=today, toward=toward)
    except moments.Unreadable as exc:
        raise UsageError(exc.message) from None
    return f"{day.isoformat()} {rest.lstrip()}".rstrip()


def _check_day(day: date, value: str) -> None:
    if not calendar.in_range(day):
        raise UsageError(msg("{value} is out of range: dates are from {first} to {last}",
                               value=value, first=calendar.FIRST_DAY, last=calendar.LAST_DAY))


def period_from_options(*, month_: str | None = None, quarter_: str | None = None,
                        year_: str | None = None, from_: str | None = None,
                        to: str | None = None, spec: str | None = None,
                        today: date) -> Period:
    """The one period the options name; the current month to date when none is given. A
    period that has not begun by the committee's ``today`` is refused (exit 1) naming the
    latest one allowed, of the same kind; one in progress is counted to date."""
    period = _period_from_options(month_=month_, quarter_=quarter_, year_=year_, from_=from_,
                                  to=to, spec=spec, today=today)
    if period.start > today:
        raise InvalidInput(msg("{period} has not begun (today is {today}): the latest allowed "
                               "is {latest}, to date", period=period.label,
                               today=today.isoformat(), latest=_latest(period.kind, today)))
    return period


def _latest(kind: str, today: date) -> str:
    """The latest period of ``kind`` that has begun by ``today``: the one holding it."""
    if kind == "month":
        return f"{today:%Y-%m}"
    if kind == "quarter":
        return f"{today.year}Q{(today.month - 1) // 3 + 1}"
    if kind == "year":
        return f"{today.year}"
    return today.isoformat()


def _period_from_options(*, month_: str | None, quarter_: str | None, year_: str | None,
                         from_: str | None, to: str | None, spec: str | None,
                         today: date) -> Period:
    given = [x for x in (month_, quarter_, year_, spec) if x] + (
        ["range"] if (from_ or to) else [])
    if len(given) > 1:
        raise UsageError(msg("give one period: --month, --quarter, --year, or --from/--to"))
    # 2026年11月, 2026/11, 2026年第4季度, 2026年 ...: one written form each (core/normalise.py).
    # 本月, 上季度, 去年 ...: the written form each stands for, today (--month takes a month's).
    month_, quarter_, year_, spec = (_written(x, kind, today) for x, kind in (
        (month_, "month"), (quarter_, "quarter"), (year_, "year"), (spec, None)))
    if month_:
        if not _MONTH_RE.match(month_.strip()):
            raise UsageError(msg("not a month: {value} (use {forms})", value=month_,
                                 forms=msg(MONTH_FORMS)))
        return parse_period(month_, today)
    if quarter_:
        if not _QUARTER_RE.match(quarter_.strip()):
            raise UsageError(msg(
                "not a quarter: {value} (use 2026Q4, this quarter or last quarter)",
                value=quarter_))
        return parse_period(quarter_, today)
    if year_:
        if not _YEAR_RE.match(year_.strip()):
            raise UsageError(msg("not a year: {value} (use 2026, this year or last year)",
                                   value=year_))
        return parse_period(year_, today)
    if spec:
        return parse_period(spec, today)
    if from_ or to:
        first = parse_date(from_, today=today) if from_ else date(today.year, 1, 1)
        last = parse_date(to, today=today) if to else today
        return date_range(first, last)
    return month_to_date(today)


def _written(value: str | None, kind: str | None, today: date) -> str | None:
    """An option's value as the statistics read it: a relative word of ``kind`` (any, for the
    period argument) as its written form, else the forms people write (normalise.period_text);
    a word of another kind is left as typed, for the caller to refuse naming the forms."""
    from mediation.core import normalise

    if value is None:
        return None
    found = relative(value, today)
    if found is not None and kind in (None, found[0]):
        return found[1]
    if found is not None:
        return value
    if kind in (None, "month") and (m := _MONTH_ONLY_RE.fullmatch(normalise.fold(value).strip())):
        return month_without_year(int(m.group(1)), value, today)
    return normalise.period_text(value)


def month_without_year(mon: int, value: str, today: date) -> str:
    """A month typed without its year (``11月``) as written with it: the most recent such
    month not in the future, counted from the committee's ``today`` by :func:`with_year` (the
    rule of a date without its year), so on 1 December 2026 ``12月`` is 2026-12 and ``11月``
    2026-11, and on 15 March ``11月`` is last year's."""
    if not 1 <= mon <= 12:
        raise UsageError(msg("not a month: {value} (use {forms})", value=value,
                             forms=msg(MONTH_FORMS)))
    return with_year(f"{mon}月1日", today=today, toward=BACK)[:7]
