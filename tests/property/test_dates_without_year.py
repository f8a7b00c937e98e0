"""A date typed without its year (issue 14: ``--due 12月31日``) is the nearest such day on the
side of today its option looks to (periods.with_year, the one rule): AHEAD (a deadline) on or
after today, BACK (everything else) on or before it; every written form reads the same."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import periods

todays = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))
month_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)).map(
    lambda d: (d.month, d.day))  # 2024 is a leap year: every month and day, 2-29 included


def _forms(m: int, d: int) -> list[str]:
    wide = str.maketrans("0123456789-", "０１２３４５６７８９－")
    return [f"{m}月{d}日", f"{m:02d}月{d:02d}号", f"{m}-{d}", f"{m:02d}/{d:02d}", f"{m}.{d}",
            f" {m} 月 {d} 日 ", f"{m}-{d}".translate(wide)]


@given(todays, month_days)
def test_ahead_is_the_first_such_day_on_or_after_today(today: date, md: tuple[int, int]) -> None:
    m, d = md
    found = {periods.parse_date(f, today=today, toward=periods.AHEAD) for f in _forms(m, d)}
    assert len(found) == 1  # every written form, the same day
    day = found.pop()
    assert (day.month, day.day) == (m, d) and day >= today
    assert all((x.month, x.day) != (m, d) for x in _days(today, day))


@given(todays, month_days)
def test_back_is_the_last_such_day_on_or_before_today(today: date, md: tuple[int, int]) -> None:
    m, d = md
    found = {periods.parse_date(f, today=today, toward=periods.BACK) for f in _forms(m, d)}
    assert len(found) == 1
    day = found.pop()
    assert (day.month, day.day) == (m, d) and day <= today
    assert all((x.month, x.day) != (m, d) for x in _days(day + timedelta(days=1),
                                                          today + timedelta(days=1)))


def _days(first: date, end: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((end - first).days)]


@given(todays, st.sampled_from([periods.AHEAD, periods.BACK]),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_with_its_year_is_that_date_whichever_way(today: date, toward: str,
                                                        day: date) -> None:
    for written in (day.isoformat(), f"{day.year}年{day.month}月{day.day}日",
                    f"{day:%Y/%m/%d}"):
        assert periods.parse_date(written, today=today, toward=toward) == day


@given(todays, st.sampled_from([periods.AHEAD, periods.BACK]))
def test_a_time_after_a_date_without_its_year_is_kept(today: date, toward: str) -> None:
    text = periods.with_year("11月28日 15:00", today=today, toward=toward)
    assert text.endswith("-11-28 15:00") and len(text) == len("2026-11-28 15:00")


def test_the_year_is_asked_for_only_when_it_is_missing() -> None:
    def no_today() -> date:
        raise AssertionError("today asked for a date with its year")

    assert periods.parse_date("2026-12-31", today=no_today) == date(2026, 12, 31)
    assert periods.parse_date("12-31", today=lambda: date(2026, 11, 30),
                              toward=periods.AHEAD) == date(2026, 12, 31)
