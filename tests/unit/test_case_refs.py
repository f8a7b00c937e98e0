"""One resolver for a case reference: an id, a full number in any brackets, or a short form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.i18n import set_language
from mediation.core.normalise import CaseSeq, case_key, case_number, is_case_number, not_a_case

FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


@pytest.mark.parametrize(("typed", "meant"), [
    ("12", 12), ("１２", 12),
    ("(2026)龙人调字第12号", "(2026)龙人调字第12号"),
    ("（2026）龙人调字第12号", "(2026)龙人调字第12号"),
    ("〔2026〕龙人调字第12号", "(2026)龙人调字第12号"),
    ("【2026】龙人调字第12号", "(2026)龙人调字第12号"),
    (" (2026) 龙人调字第 12 号 ", "(2026)龙人调字第12号"),
    ("2025龙12", "(2025)龙人调字第12号"),
    ("2025龙第12号", "(2025)龙人调字第12号"),
])
def test_every_way_of_writing_a_case(typed: str, meant: int | str) -> None:
    assert case_key(typed) == meant


@given(st.integers(2000, 2099), st.sampled_from(["龙", "岳麓", "望城区"]),
       st.integers(1, 99999), st.booleans(),
       st.sampled_from(["{p}人调字第{s}号", "{p}人调字{s}号", " {p}人调字第 {s} 号"]))
def test_a_full_number_without_its_year_is_this_years(year: int, prefix: str, seq: int,
                                                     wide: bool, form: str) -> None:
    """龙人调字第2号 (a clerk's trial was refused it while 第2号 worked); 2025龙人调字第2号 and
    2025年龙人调字第2号 are 2025's."""
    typed = form.format(p=prefix, s=seq)
    dated = [f"{year}{typed.strip()}", f"{year}年{typed.strip()}"]
    if wide:
        typed, dated = typed.translate(FULL_WIDTH), [d.translate(FULL_WIDTH) for d in dated]
    assert case_key(typed, year=year) == case_number(year, prefix, seq)
    for d in dated:
        assert case_key(d, year=2000) == case_number(year, prefix, seq), d


def test_a_short_form_is_this_years_case() -> None:
    assert case_key("龙12", year=2026) == "(2026)龙人调字第12号"
    assert case_key("岳麓3", year=2027) == "(2027)岳麓人调字第3号"


@given(st.integers(2000, 2099), st.sampled_from(["龙", "岳麓", "望城区"]),
       st.integers(1, 99999), st.booleans())
def test_full_short_and_full_width_forms_agree(year: int, prefix: str, seq: int,
                                              wide: bool) -> None:
    full = case_number(year, prefix, seq)
    short = f"{year}{prefix}{seq}"
    if wide:
        full, short = full.translate(FULL_WIDTH), short.translate(FULL_WIDTH)
    assert case_key(full) == case_key(short) == case_number(year, prefix, seq)
    assert case_key(f"{prefix}{seq}", year=year) == case_number(year, prefix, seq)


@given(st.integers(2000, 2099), st.integers(1, 99999), st.booleans(),
       st.sampled_from(["第{seq}号", "{seq}号", "第{seq}", " 第 {seq} 号 "]))
def test_a_sequence_number_alone_is_this_years_case_of_the_readers_committee(
        year: int, seq: int, wide: bool, form: str) -> None:
    """第10号 / 10号 (a clerk's trial read 第 as a committee's prefix, and refused 10号)."""
    typed = form.format(seq=seq)
    if wide:
        typed = typed.translate(FULL_WIDTH)
    key = case_key(typed, year=year)
    assert key == CaseSeq(year, seq) and not is_case_number(key)
    for dated in (f"{year}年第{seq}号", f"({year})第{seq}号", f"{year}第{seq}号"):
        assert case_key(dated, year=2000) == CaseSeq(year, seq), dated


@pytest.mark.parametrize("typed", ["abc", "龙", "第号", "12345678901234567890", "-3", "龙人调字"])
def test_what_is_no_form_is_told_from_a_number(typed: str) -> None:
    key = case_key(typed, year=2026)
    assert not isinstance(key, (int, CaseSeq)) and not is_case_number(key)


@pytest.mark.parametrize(("lang", "words"), [("en", "short form"), ("zh", "简称")])
def test_the_refusal_lists_every_form_with_the_committees_prefix(lang: str, words: str) -> None:
    set_language(lang)
    try:
        text = not_a_case("abc", "岳麓", 2026).render()
    finally:
        set_language("en")
    for form in ("12", "(2026)岳麓人调字第12号", "〔2026〕岳麓人调字第12号", "岳麓12",
                 "2025岳麓12", "第12号", "12号", words):
        assert form in text, text
    assert all(case_key(f, year=2026) for f in ("(2026)岳麓人调字第12号", "岳麓12"))
