"""Months, quarters and years in the forms people write (issue 10: written forms of dates)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.normalise import fold_width, period_text


@pytest.mark.parametrize(("written", "read"), [
    ("2026-11", "2026-11"), ("2026/11", "2026-11"), ("2026.11", "2026-11"),
    ("2026年11月", "2026-11"), ("２０２６年１１月", "2026-11"), ("2026年1月", "2026-01"),
    ("2026Q4", "2026Q4"), ("2026 q4", "2026Q4"), ("2026年第4季度", "2026Q4"),
    ("2026年四季度", "2026Q4"), ("2026年", "2026"), ("2026", "2026"),
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
