"""One resolver for a case reference: an id, a full number in any brackets, or a short form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.normalise import case_key, case_number

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
