"""cells.csv_danger is exactly the CSV_DANGER search it replaces, on any text and on CSV rows."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import cells

# Text rich in the characters that matter: separators, quotes, line breaks and the triggers.
_TEXT = st.text(alphabet=st.sampled_from(list(',"\r\n\t=+-@ a1王')), max_size=40)


@given(_TEXT)
def test_same_as_the_regular_expression(text: str) -> None:
    assert cells.csv_danger(text) == (cells.CSV_DANGER.search(text) is not None)


@given(st.lists(st.lists(st.one_of(_TEXT, st.integers(), st.none()), min_size=1, max_size=5),
                max_size=5))
def test_same_on_csv_rows(rows: list[list[object]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    assert cells.csv_danger(text) == (cells.CSV_DANGER.search(text) is not None)
