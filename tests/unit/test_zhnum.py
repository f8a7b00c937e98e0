"""Chinese dates and capital amounts as the forms write them (mediation/core/zhnum.py).

The property: reading the capital numerals back gives the amount, for every amount; so no
missing 零, no doubled unit, no lost section (万, 亿) can slip through."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import zhnum

DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNITS = {"拾": 10, "佰": 100, "仟": 1000}
SECTIONS = {"万": 10**4, "亿": 10**8}


def read_capital(text: str) -> int:
    """The amount in fen of ``人民币…元…角…分`` / ``…整`` (an independent reader)."""
    assert text.startswith("人民币")
    body = text.removeprefix("人民币")
    yuan_part, sep, rest = body.partition("元")
    if not sep:
        yuan_part, rest = "", body
    total = 0
    section = 0  # the value of the current group below 万
    digit = 0
    big = 0  # accumulated sections
    for ch in yuan_part:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += digit * UNITS[ch]
            digit = 0
        elif ch in SECTIONS:
            section += digit
            digit = 0
            if ch == "亿":
                big = (big + section) * 10**8
            else:
                big += section * 10**4
            section = 0
        else:
            raise AssertionError(ch)
    total = big + section + digit
    fen = total * 100
    jiao = rest.find("角")
    if jiao > 0:
        fen += DIGITS[rest[jiao - 1]] * 10
    cents = rest.find("分")
    if cents > 0:
        fen += DIGITS[rest[cents - 1]]
    assert rest.endswith(("整", "分")), text
    return fen


@pytest.mark.parametrize(("fen", "text"), [
    (50000, "人民币伍佰元整"),
    (100500, "人民币壹仟零伍元整"),
    (1000, "人民币壹拾元整"),
    (1050, "人民币壹拾元伍角整"),
    (105, "人民币壹元零伍分"),
    (55, "人民币伍角伍分"),
    (5, "人民币伍分"),
    (0, "人民币零元整"),
    (100010000, "人民币壹佰万零壹佰元整"),
    (101000000, "人民币壹佰零壹万元整"),
    (10000000100, "人民币壹亿零壹元整"),
    (100000000000, "人民币壹拾亿元整"),
])
def test_capital_amounts(fen: int, text: str) -> None:
    assert zhnum.amount_capital(fen) == text


@given(st.integers(min_value=0, max_value=zhnum.MAX_FEN - 1))
def test_capital_numerals_read_back_to_the_amount(fen: int) -> None:
    text = zhnum.amount_capital(fen)
    assert read_capital(text) == fen
    assert "零零" not in text
    assert fen < 100 or not text.removeprefix("人民币").startswith("零")


def test_out_of_range() -> None:
    with pytest.raises(ValueError):
        zhnum.amount_capital(zhnum.MAX_FEN)
    with pytest.raises(ValueError):
        zhnum.amount_capital(-1)


def test_figures() -> None:
    assert zhnum.amount_figures(50000) == "500.00元"
    assert zhnum.amount_figures(100010005) == "1,000,100.05元"


@pytest.mark.parametrize(("day", "upper", "plain"), [
    (date(2026, 11, 30), "二〇二六年十一月三十日", "2026年11月30日"),
    (date(2010, 1, 10), "二〇一〇年一月十日", "2010年1月10日"),
    (date(2009, 12, 21), "二〇〇九年十二月二十一日", "2009年12月21日"),
    (date(2030, 2, 1), "二〇三〇年二月一日", "2030年2月1日"),
])
def test_dates(day: date, upper: str, plain: str) -> None:
    assert zhnum.date_upper(day) == upper and zhnum.date_plain(day) == plain


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_date_reads_back(day: date) -> None:
    words = "〇一二三四五六七八九"
    text = zhnum.date_upper(day)
    year, rest = text.split("年")
    month, rest = rest.split("月")

    def small(s: str) -> int:
        if "十" not in s:
            return words.index(s)
        tens, _, ones = s.partition("十")
        return (words.index(tens) if tens else 1) * 10 + (words.index(ones) if ones else 0)

    assert int("".join(str(words.index(c)) for c in year)) == day.year
    assert small(month) == day.month and small(rest.removesuffix("日")) == day.day
    assert zhnum.small_number(3) == "三" and zhnum.small_number(120) == "120"
