"""cells.csv_danger is exactly the CSV_DANGER search, on any text and on CSV rows, and finds every
cell a spreadsheet would run."""

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


@given(st.lists(st.lists(st.one_of(_TEXT, st.integers(), st.none()), min_size=1, max_size=5),
                max_size=5))
def test_no_cell_that_starts_with_a_trigger_is_missed(rows: list[list[object]]) -> None:
    """Any cell :func:`cells.inert` would change is found; text cells without separators, quotes
    or line breaks inside are judged exactly (an empty last cell is not a line break's start;
    a negative number, left as it is, may be taken for a danger)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    dangerous = cells.inert_rows(rows) != [tuple(row) for row in rows]
    if dangerous:
        assert cells.csv_danger(buf.getvalue())
    if all(v is None or (isinstance(v, str) and not set(v) & set(',"\r\n'))
           for row in rows for v in row):
        assert cells.csv_danger(buf.getvalue()) == dangerous


def test_an_empty_last_cell_is_no_danger() -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([["a", ""], ["", "b", None], ["c", "-1"]])
    assert not cells.csv_danger(buf.getvalue().split("c,")[0])
    assert cells.csv_danger(buf.getvalue())


@given(_TEXT)
def test_on_utf8_bytes_the_same_answer(text: str) -> None:
    """csv_danger_utf8 (the export's faster look through the encoded batch) answers as
    csv_danger does on the text."""
    assert cells.csv_danger_utf8(text.encode("utf-8")) == cells.csv_danger(text)


@given(st.lists(st.lists(st.one_of(_TEXT, st.integers(), st.none()), min_size=1, max_size=5),
                max_size=5))
def test_on_utf8_bytes_of_csv_rows_the_same_answer(rows: list[list[object]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    assert cells.csv_danger_utf8(text.encode("utf-8")) == cells.csv_danger(text)
