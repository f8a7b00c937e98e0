"""A reference is read once (search_kinds.read_reference) and its key then taken for any year:
the same answers as normalise.case_key on the query as typed, every time (issue 14)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mediation import search_kinds
from mediation.core import normalise

FORMS = ["龙12", "2025龙12", "（２０２６）龙人调字第１２号", "(2026)龙人调字第12号",
         "〔2026〕岳麓人调字第3号", "第10号", "10号", "第10", "2025年第10号", "(2025)第10号",
         "2025第10号", " 龙 12 ", "12", "张三", "13812345678", "5678", "龙", "第号", "人调字第12号"]


def _old_is_reference(query: str) -> bool:
    try:
        key = normalise.case_key(query, year=2000)
    except (ValueError, TypeError):
        return False
    return isinstance(key, normalise.CaseSeq) or normalise.is_case_number(key)


def _check(query: str) -> None:
    ref = search_kinds.read_reference(query)
    assert (ref is not None) == _old_is_reference(query)
    if ref is None:
        return
    stated = normalise.case_key(query, year=1999) == normalise.case_key(query, year=2001)
    assert search_kinds.year_stated(ref) == stated == search_kinds.states_year(query)
    for year in (1999, 2026, 2027):
        assert search_kinds.key_of(ref, year) == normalise.case_key(query, year=year) \
            == search_kinds.reference_key(query, year)


def test_the_forms() -> None:
    for query in FORMS:
        _check(query)


@given(st.text(alphabet="龙岳麓第号年人调字()（）〔〕0123456789１２ -", max_size=16))
def test_any_text(query: str) -> None:
    _check(query)
