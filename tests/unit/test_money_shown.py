"""Every amount shown is written one way, by money.shown (issue 14: the audit log and a case's
history wrote 500, 500.00 and 1200 side by side): whatever form it was stored or typed in."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import money

fen = st.integers(min_value=0, max_value=money.MAX_AMOUNT_FEN)


@given(fen)
def test_every_written_form_of_an_amount_is_shown_the_same(n: int) -> None:
    yuan = Decimal(n) / 100
    forms: list[object] = [yuan, f"{yuan}", f"{yuan:.2f}", f"{yuan:,.2f}", f"¥{yuan:.2f}",
                           f"{yuan:.2f}元", money.fen_to_yuan(n)]
    if n % 100 == 0:
        forms += [n // 100, str(n // 100)]
    shown = {money.shown(f) for f in forms}  # type: ignore[arg-type]
    assert len(shown) == 1, (n, shown)
    (one,) = shown
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", one)
    assert money.amount(one) == yuan


def test_nothing_and_not_an_amount() -> None:
    assert money.shown(None) == "" and money.shown("") == ""
    assert money.shown("面议") == "面议"
