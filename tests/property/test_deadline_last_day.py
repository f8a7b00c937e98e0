"""A deadline is shown as its period's last day, and the days overdue count from that day.

A clerk's trial found every view one day late: a case accepted on 2026-12-01 showed
``调解期限 2027-01-01 00:00`` (the stored instant the period is over, 00:00 of the day after its
last day) where the clerk expects 2026-12-31, the 30th day after acceptance (docs/settings.md).
One rule, ``Calendar.last_day_of``, turns a stored deadline into the day shown; here, for any
acceptance instant, period, zone and holiday rule: the day shown is the day before the day that
holds the stored instant, it is the period's last day, and ``days_overdue`` is 0 on it and 1 on
the day after it (and the case is overdue only from then on), so the count and the day agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.caselist import days_late, last_shown, overdue
from mediation.core.calendar import Calendar

# Zones with and without summer time, with odd offsets, far east and west of UTC, and one whose
# clocks changed at midnight (America/Santiago: some days there have no 00:00).
ZONES = ("Asia/Shanghai", "Asia/Urumqi", "UTC", "America/New_York", "Europe/London",
         "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Kiritimati", "America/Santiago",
         "Australia/Lord_Howe", "Pacific/Pago_Pago")


@settings(max_examples=300, deadline=None)
@given(accepted=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31)),
       days=st.integers(min_value=0, max_value=120), zone=st.sampled_from(ZONES),
       holidays=st.booleans(), into_day=st.floats(min_value=0, max_value=1))
def test_the_day_shown_is_the_last_day_and_the_days_overdue_count_from_it(
        accepted: datetime, days: int, zone: str, holidays: bool, into_day: float) -> None:
    cal = Calendar(zone=zone, holidays_extend=holidays)
    deadline = cal.period_end(accepted, days)  # what the steps store
    shown = cal.last_day_of(deadline)
    assert shown == cal.local_date(deadline) - timedelta(days=1)
    assert shown == cal.last_day(accepted, days)
    assert last_shown(deadline, cal) == shown.isoformat()
    # Any instant of the last day: not overdue, 0 days; any instant of the next day: 1 day.
    start, end = cal.start_of_day_utc(shown), deadline
    during = start + (end - start) * into_day
    during = min(during, end - timedelta(microseconds=1))
    assert cal.local_date(during) == shown
    assert cal.days_overdue(deadline, during) == 0
    assert not overdue("mediating", deadline, during)
    assert days_late("mediating", deadline, during, cal) == 0
    next_end = cal.start_of_day_utc(shown + timedelta(days=2))
    after = end + (next_end - end) * into_day
    after = min(max(after, end + timedelta(microseconds=1)), next_end - timedelta(microseconds=1))
    assert cal.local_date(after) == shown + timedelta(days=1)
    assert overdue("mediating", deadline, after)
    assert cal.days_overdue(deadline, after) == days_late("mediating", deadline, after, cal) == 1
    # An extension counts on from the day shown (when it is applied for before the end).
    extended = cal.extended_end(deadline, during, 15)
    assert cal.last_day_of(extended) == cal.last_day_after(shown, 15)


@settings(max_examples=100, deadline=None)
@given(last=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       zone=st.sampled_from(ZONES), late=st.integers(min_value=0, max_value=400))
def test_the_days_overdue_are_the_days_from_the_last_day_shown(last: date, zone: str,
                                                               late: int) -> None:
    """``late`` days after the last day shown, at noon local, the case is ``late`` days late."""
    cal = Calendar(zone=zone)
    deadline = cal.end_of(last)
    assert cal.last_day_of(deadline) == last
    noon = cal.start_of_day_utc(last + timedelta(days=late)) + timedelta(hours=12)
    assert cal.days_overdue(deadline, noon) == late
