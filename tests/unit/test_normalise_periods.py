"""Months, quarters and years in the forms people write (issue 10: written forms of dates)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import periods
from mediation.core.errors import InvalidInput
from mediation.core.i18n import set_language
from mediation.core.normalise import fold_width, period_text


@pytest.mark.parametrize(("written", "read"), [
    ("2026-11", "2026-11"), ("2026/11", "2026-11"), ("2026.11", "2026-11"),
    ("2026年11月", "2026-11"), ("２０２６年１１月", "2026-11"), ("2026年1月", "2026-01"),
    ("2026Q4", "2026Q4"), ("2026 q4", "2026Q4"), ("2026年第4季度", "2026Q4"),
    ("2026年四季度", "2026Q4"), ("2026年", "2026"), ("2026", "2026"), ("2026年度", "2026"),
    ("2026年第3季", "2026Q3"),
    ("2026-11-01..2026-11-30", "2026-11-01..2026-11-30"), ("十一月", "十一月"),
])
def test_written_periods(written: str, read: str) -> None:
    assert period_text(written) == read


@given(st.integers(1900, 2999), st.integers(1, 12), st.sampled_from(["-", "/", ".", "年"]),
       st.booleans())
def test_any_month_in_any_form_and_width(year: int, month: int, sep: str, wide: bool) -> None:
    text = f"{year}{sep}{month}" + ("月" if sep == "年" else "")
    if wide:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    assert fold_width(period_text(text)) == f"{year}-{month:02d}"


# Relative periods (a clerk's trial: `stats 本月` was refused), counted from a given today.
_WORDS = {"本月": "month", "这个月": "month", "上月": "month", "上个月": "month",
          "本季度": "quarter", "上季度": "quarter", "今年": "year", "本年": "year",
          "去年": "year", "上年": "year", "this month": "month", "Last-Quarter": "quarter",
          "ＴＨＩＳ　ＹＥＡＲ": "year"}


@given(st.dates(date(1950, 1, 1), date(2200, 12, 31)), st.sampled_from(sorted(_WORDS)))
def test_a_relative_word_is_the_period_it_says_from_today(today: date, word: str) -> None:
    got = periods.period_from_options(spec=word, today=today)
    assert got.kind == _WORDS[word]
    this = "本" in word or "这" in word or "今" in word or "this" in word.casefold() \
        or "ＴＨＩＳ" in word
    holding = got if this else periods.period_from_options(
        spec={"month": "本月", "quarter": "本季度", "year": "今年"}[got.kind], today=today)
    assert holding.start <= today < holding.end  # this one holds today
    if not this:
        assert got.end == holding.start  # the one before it, whole
    # the written form it stands for
    assert got == periods.parse_period(got.label, date(2026, 11, 30))
    option = {"month": "month_", "quarter": "quarter_", "year": "year_"}[got.kind]
    assert periods.period_from_options(**{option: word}, today=today) == got


@pytest.mark.parametrize(("option", "word"), [("month_", "今年"), ("quarter_", "上月"),
                                              ("year_", "本季度")])
def test_an_option_takes_the_words_of_its_own_kind(option: str, word: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        periods.period_from_options(**{option: word}, today=date(2026, 1, 5))
    assert word in refused.value.render()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_word_of_no_period_is_refused_naming_the_words(lang: str) -> None:
    set_language(lang)
    try:
        with pytest.raises(InvalidInput) as refused:
            periods.period_from_options(spec="本周", today=date(2026, 1, 5))
        text = refused.value.render()
    finally:
        set_language("en")
    assert "2026Q4" in text and ("上季度" if lang == "zh" else "last quarter") in text


@given(st.dates(date(1950, 1, 1), date(2200, 12, 31)))
def test_a_reports_default_period_is_the_last_complete_one(today: date) -> None:
    """report monthly|quarterly|yearly without a period: the last period of its kind that has
    ended by the committee's today, whole (on 1 December 2026: 2026-11, 2026Q3, 2025), the one
    上月, 上季度, 去年 name."""
    for last, word, kind in ((periods.last_month, "上月", "month"),
                             (periods.last_quarter, "上季度", "quarter"),
                             (periods.last_year, "去年", "year")):
        got = last(today)
        assert got.kind == kind and got.end <= today
        holding = periods.period_from_options(
            spec={"month": "本月", "quarter": "本季度", "year": "今年"}[kind], today=today)
        assert got.end == holding.start <= today < holding.end
        assert got == periods.period_from_options(spec=word, today=today)
        assert got == periods.parse_period(got.label, today)


def test_the_default_periods_on_the_first_of_december() -> None:
    today = date(2026, 12, 1)
    assert [p(today).label for p in (periods.last_month, periods.last_quarter,
                                     periods.last_year)] == ["2026-11", "2026Q3", "2025"]
    assert periods.last_quarter(date(2027, 1, 1)).label == "2026Q4"
