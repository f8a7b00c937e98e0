"""The committee's calendar: its time zone, its local dates, and the end of a period.

Timestamps are stored as naive UTC; every calendar rule (a party's age, the year of a case
number, the day something happened, the end of a period) is answered on the committee's local
date. A committee's calendar is two settings (``mediation committee calendar``): its time zone
(an IANA name, default ``Asia/Shanghai``) and whether a period whose last day falls on a public
holiday runs on to the next working day (default off).

Periods follow the Civil Code:

- art. 200: periods are counted by the Gregorian calendar, in years, months, days or hours;
- art. 201: a period counted in days starts on the day after the event (the day of the event
  itself is not counted);
- art. 202: (periods in months or years: not used here);
- art. 203: when the last day is a statutory holiday (法定休假日), the period ends on the day
  after the holiday instead; the last day ends at 24:00.

:func:`Calendar.period_end` is the one place that turns "N days from this instant" into the
instant the period is over; steps store it as a case's ``deadline`` and the statistics and lists
compare ``deadline < instant``. :meth:`Calendar.last_day_of` is the one place that turns a stored
deadline back into the day people are shown (the period's last day, never 00:00 of the next).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
MAX_PERIOD_DAYS = 3660  # no period the software counts is longer than ten years
# Dates anyone types (a period, a day, --since) stay well inside Python's date range (years 1
# to 9999), so that the day after the end of a period or a year always exists.
FIRST_YEAR, LAST_YEAR = 1900, 2999
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def in_range(day: date) -> bool:
    """Whether ``day`` is one the software counts with (FIRST_DAY to LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


class UnknownZone(ValueError):
    """A time-zone name that is not in the IANA database."""


@lru_cache(maxsize=64)
def zone_info(name: str) -> ZoneInfo:
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(name) from None


def check_zone(name: str) -> str:
    """``name`` if it is an IANA time zone; else :class:`UnknownZone`."""
    zone_info(name)
    return name


def is_public_holiday(day: date) -> bool:
    """A statutory rest day in mainland China (法定休假日: weekends and public holidays, less
    the weekend days made working days), from the ``chinesecalendar`` package; for a year that
    package has no data for yet, Saturdays and Sundays."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_holiday(day))
    except NotImplementedError:
        return day.weekday() >= 5


@dataclass(frozen=True)
class Calendar:
    zone: str = DEFAULT_ZONE
    holidays_extend: bool = False
    _tz: tzinfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tz", zone_info(self.zone))

    @property
    def tz(self) -> tzinfo:
        return self._tz

    def local(self, utc_naive: datetime) -> datetime:
        """The local wall time (aware) of a stored naive-UTC instant."""
        return utc_naive.replace(tzinfo=UTC).astimezone(self._tz)

    def local_date(self, utc_naive: datetime) -> date:
        return self.local(utc_naive).date()

    def start_of_day_utc(self, day: date) -> datetime:
        """The naive-UTC instant at which local ``day`` begins (00:00 local)."""
        return datetime.combine(day, time(0), self._tz).astimezone(UTC).replace(tzinfo=None)

    def to_utc(self, value: datetime) -> datetime:
        """A time as typed, as a naive-UTC instant: a time with an offset means that instant; a
        time without one is a local wall time of this calendar's zone (not UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=self._tz)
        return value.astimezone(UTC).replace(tzinfo=None)

    def last_day(self, event_utc: datetime, days: int) -> date:
        """The last day of a period of ``days`` days from an event (Civil Code arts. 201, 203):
        the day of the event is not counted; a last day on a public holiday moves to the next
        working day when the committee has chosen so."""
        return self.last_day_after(self.local_date(event_utc), days)

    def last_day_after(self, day: date, days: int) -> date:
        """The last day of a period of ``days`` days counted from the day after ``day``."""
        if not 0 <= days <= MAX_PERIOD_DAYS:
            raise ValueError(f"a period is 0 to {MAX_PERIOD_DAYS} days")
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(f"dates are between {FIRST_YEAR} and {LAST_YEAR}")
        last = day + timedelta(days=days)
        if self.holidays_extend:
            while is_public_holiday(last):
                last += timedelta(days=1)
        return last

    def end_of(self, last: date) -> datetime:
        """The naive-UTC instant a last day ends: 24:00 local of that day (art. 203)."""
        return self.start_of_day_utc(last + timedelta(days=1))

    def period_end(self, event_utc: datetime, days: int) -> datetime:
        """The instant (naive UTC) a period of ``days`` days from an event is over. A case whose
        deadline is ``d`` is overdue at any instant ``t`` with ``d < t``... and not before."""
        return self.end_of(self.last_day(event_utc, days))

    def last_day_of(self, deadline_utc: datetime) -> date:
        """THE day a stored deadline (the instant a period is over, :meth:`end_of`) is shown as,
        everywhere (case show, case list, search, agenda, the workflow's refusals): the
        period's last day, the local day of the last instant before the deadline. A deadline at
        00:00 local of 2027-01-01 is shown as 2026-12-31."""
        return self.local_date(deadline_utc - timedelta(microseconds=1))

    def days_overdue(self, deadline_utc: datetime, now_utc: datetime) -> int:
        """THE days a period is overdue, in this calendar: from its last day as shown
        (:meth:`last_day_of`) to today, that day itself not counted; 0 before or on it, 1 on
        the day after it."""
        return max(0, (self.local_date(now_utc) - self.last_day_of(deadline_utc)).days)

    def extended_end(self, current_end: datetime | None, now_utc: datetime,
                     days: int) -> datetime:
        """The end of a period extended by ``days`` days: counted on from its last day, or from
        today when it has already run out."""
        base = self.local_date(now_utc)
        if current_end is not None and current_end > now_utc:
            base = max(base, self.last_day_of(current_end))
        return self.end_of(self.last_day_after(base, days))

    def age_on(self, birth: date, day: date) -> int:
        return age_on(birth, day)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day`` (one turns 18 at the start of the 18th birthday; a
    29 February birthday falls on 1 March in other years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


DEFAULT = Calendar()
